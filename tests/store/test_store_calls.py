"""Saving, listing, opening, deleting, clearing and exporting calls."""

from __future__ import annotations

import csv
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from store_helpers import make_verdict, utterances

from copilot.errors import InputError, OutputError
from copilot.store import Store


@pytest.fixture
def store(home: Path):
    s = Store.open(home)
    yield s
    s.close()


def save(store: Store, day: int, **kw) -> int:
    verdict = kw.pop("verdict", make_verdict(True))
    return store.save_call(kw.pop("utts", utterances(3)), verdict, started_at=f"2026-11-{day:02d}T10:00:00",
                           source=kw.pop("source", f"/calls/day{day}.flac"), **kw)


def test_save_then_get_round_trips_the_verdict(store: Store) -> None:
    verdict = make_verdict(False, missed=("acknowledged",), skipped=("lock",), level=2)
    verdict["utterances"] = [{"speaker": "rep", "start": 0, "end": 1, "text": "ignored: the table is the truth"}]
    call_id = save(store, 5, verdict=verdict, vertical="real_estate", audio_path="/calls/day5.flac")
    call = store.get_call(call_id)
    assert call["status"] == "complete" and call["vertical"] == "real_estate"
    assert call["next_steps_secured"] is False and call["commitment_level"] == 2
    assert call["utterance_count"] == 3 and call["audio_path"] == "/calls/day5.flac"
    assert [u["text"] for u in call["utterances"]] == ["line 0", "line 1", "line 2"]
    expected = dict(verdict, utterances=call["utterances"])
    assert call["verdict"] == expected
    assert call["criteria"]["acknowledged"] is False and call["stages"]["lock"] is False


def test_list_is_newest_first_and_last_n(store: Store) -> None:
    ids = {day: save(store, day) for day in (3, 9, 1, 7)}
    listed = store.list_calls()
    assert [c["id"] for c in listed] == [ids[9], ids[7], ids[3], ids[1]]
    assert [c["id"] for c in store.list_calls(last=2)] == [ids[9], ids[7]]
    row = listed[0]
    for key in ("id", "started_at", "source", "vertical", "status", "next_steps_secured", "commitment_level",
                "utterance_count", "reason", "criteria", "stages"):
        assert key in row
    assert "verdict" not in row
    assert store.list_calls(with_verdict=True)[0]["verdict"]["reason"] == "because"
    with pytest.raises(ValueError):
        store.list_calls(last=0)


def test_started_at_is_local_time_to_the_second(store: Store) -> None:
    aware = datetime(2026, 11, 21, 9, 30, 15, 123456, tzinfo=timezone(timedelta(hours=-5)))
    call_id = store.save_call([], None, started_at=aware, source="live")
    expected = aware.astimezone().replace(tzinfo=None, microsecond=0).isoformat()
    assert store.get_call(call_id)["started_at"] == expected
    with pytest.raises(InputError):
        store.save_call([], None, started_at="yesterday", source="live")


def test_a_call_without_verdict(store: Store) -> None:
    call_id = store.save_call(utterances(1), None, started_at="2026-11-21T09:00:00", source="live",
                              status="interrupted")
    call = store.get_call(call_id)
    assert call["verdict"] is None and call["next_steps_secured"] is None and call["status"] == "interrupted"


def test_bad_status_and_speaker_are_bugs(store: Store) -> None:
    with pytest.raises(ValueError):
        store.save_call([], None, started_at="2026-11-21T09:00:00", source="x", status="done")
    with pytest.raises(ValueError):
        store.save_call([{"speaker": "host", "start": 0, "end": 1, "text": "hi"}], None,
                        started_at="2026-11-21T09:00:00", source="x")
    assert store.list_calls() == []


def test_same_journal_is_saved_once(store: Store) -> None:
    first = save(store, 2, journal_id="abc")
    assert save(store, 2, journal_id="abc") == first
    assert len(store.list_calls()) == 1


def test_delete_takes_the_transcript_with_it(store: Store, home: Path) -> None:
    keep, gone = save(store, 1), save(store, 2)
    store.delete_call(gone)
    assert [c["id"] for c in store.list_calls()] == [keep]
    with sqlite3.connect(home / "history.sqlite3") as conn:
        for table in ("utterances", "findings", "coaching"):
            assert conn.execute(f"SELECT count(*) FROM {table} WHERE call_id = ?", (gone,)).fetchone()[0] == 0
            assert conn.execute(f"SELECT count(*) FROM {table} WHERE call_id = ?", (keep,)).fetchone()[0] > 0
    with pytest.raises(InputError, match="no call with id"):
        store.delete_call(gone)
    with pytest.raises(InputError, match="no call with id"):
        store.get_call(gone)


def test_clear(store: Store, home: Path) -> None:
    for day in (1, 2, 3):
        save(store, day, utts=utterances(2, prefix="secret transcript"))
    assert store.clear() == 3
    assert store.list_calls() == [] and store.pattern()["calls"] == 0
    with sqlite3.connect(home / "history.sqlite3") as conn:
        assert conn.execute("SELECT count(*) FROM utterances").fetchone()[0] == 0
    store.close()
    leftovers = b"".join(p.read_bytes() for p in home.glob("history.sqlite3*"))
    assert b"secret transcript" not in leftovers  # secure_delete + checkpoint: no copy left on disk


def test_export_csv(store: Store, tmp_path: Path) -> None:
    save(store, 1, verdict=make_verdict(False, missed=("specific_time_or_trigger",), level=2), vertical="sales")
    save(store, 2, verdict=make_verdict(True, level=5, reason="=HYPERLINK(\"http://x\")"), vertical="recruiting")
    out = tmp_path / "history.csv"
    assert store.export_csv(out) == 2
    with out.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["started_at"] for r in rows] == ["2026-11-02T10:00:00", "2026-11-01T10:00:00"]
    assert rows[1]["next_steps_secured"] == "False" and rows[1]["specific_time_or_trigger"] == "False"
    assert rows[1]["commitment_level"] == "2" and rows[0]["vertical"] == "recruiting"
    assert rows[0]["next_step_action"] == "demo with your VP" and rows[0]["utterance_count"] == "3"
    assert rows[0]["reason"].startswith("'=")  # a spreadsheet must not run it as a formula
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temp file left


def test_export_csv_to_a_missing_folder_is_an_output_error(store: Store, tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="cannot write"):
        store.export_csv(tmp_path / "nope" / "history.csv")
