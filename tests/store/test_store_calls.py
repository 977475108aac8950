"""Saving, listing, opening, deleting, clearing and exporting calls."""

from __future__ import annotations

import csv
import json
import sqlite3
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from store_helpers import DATA, make_verdict, utterances

from copilot.coach import Coach
from copilot.errors import InputError, OutputError
from copilot.session.transcript import load_transcript
from copilot.session.utterance import Utterance
from copilot.store import Store
from copilot.store.records import CallSummary, StoredCall


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
    verdict = replace(make_verdict(False, missed=("acknowledged",), skipped=("lock",), level=2),
                      utterances=(Utterance("rep", 0, 1, "ignored: the table is the truth"),))
    call_id = save(store, 5, verdict=verdict, vertical="real_estate", audio_path="/calls/day5.flac")
    call = store.get_call(call_id)
    assert isinstance(call, StoredCall)
    assert call.status == "complete" and call.vertical == "real_estate"
    assert call.next_steps_secured is False and call.commitment_level == 2
    assert call.utterance_count == 3 and call.audio_path == "/calls/day5.flac"
    assert [u.text for u in call.utterances] == ["line 0", "line 1", "line 2"]
    assert call.verdict is not None
    assert call.verdict.utterances == call.utterances  # the table is the truth, kept once
    assert call.verdict.to_json() == replace(verdict, utterances=call.utterances).to_json()
    assert call.criteria["acknowledged"] is False and call.stages["lock"] is False


def test_a_real_verdict_round_trips_through_the_store(store: Store) -> None:
    """save → get_call gives back the same verdict JSON, for verdicts the coach made on real calls."""
    for path in sorted((DATA / "calls").glob("*.json")):
        transcript = load_transcript(path)
        coach = Coach(datetime(2026, 11, 19, 10, 0), transcript.vertical or "sales")
        for u in transcript.utterances:
            coach.feed(u)
        verdict = coach.verdict()
        call_id = store.save_call(transcript.utterances, verdict, started_at="2026-11-19T10:00:00",
                                  source=str(path), vertical=verdict.vertical)
        call = store.get_call(call_id)
        assert call.verdict is not None, path.name
        assert call.verdict.to_json() == verdict.to_json(), path.name
        assert call.verdict.vertical == verdict.vertical and call.utterances == transcript.utterances
        listed = next(c for c in store.list_calls(with_verdict=True) if c.id == call_id)
        assert listed.verdict is not None and listed.verdict.criteria == verdict.criteria, path.name


def test_stored_call_to_json_is_the_history_show_object(store: Store) -> None:
    verdict = make_verdict(True, level=4)
    call_id = save(store, 3, verdict=verdict, vertical="recruiting")
    data = store.get_call(call_id).to_json()
    assert list(data) == ["id", "started_at", "source", "vertical", "status", "next_steps_secured",
                          "commitment_level", "utterance_count", "reason", "criteria", "stages", "audio_path",
                          "created_at", "updated_at", "utterances", "verdict"]
    assert data["id"] == call_id and data["vertical"] == "recruiting" and data["next_steps_secured"] is True
    assert data["criteria"] == {"specific_action": True, "specific_time_or_trigger": True, "acknowledged": True}
    assert data["utterances"] == [u.to_dict() for u in utterances(3)]
    assert data["verdict"]["utterances"] == data["utterances"]  # DESIGN.md's verdict, with its transcript
    assert data["verdict"]["commitment_level"] == 4 and data["verdict"]["reason"] == "because"
    json.dumps(data)  # plain JSON all the way down
    bare = store.get_call(store.save_call(utterances(1), None, started_at="2026-11-21T09:00:00", source="live"))
    assert bare.to_json()["verdict"] is None and bare.to_json()["criteria"] == {}


def test_list_is_newest_first_and_last_n(store: Store) -> None:
    ids = {day: save(store, day) for day in (3, 9, 1, 7)}
    listed = store.list_calls()
    assert all(isinstance(c, CallSummary) for c in listed)
    assert [c.id for c in listed] == [ids[9], ids[7], ids[3], ids[1]]
    assert [c.id for c in store.list_calls(last=2)] == [ids[9], ids[7]]
    row = listed[0].to_json()
    for key in ("id", "started_at", "source", "vertical", "status", "next_steps_secured", "commitment_level",
                "utterance_count", "reason", "criteria", "stages"):
        assert key in row
    assert "verdict" not in row and listed[0].verdict is None
    with_verdict = store.list_calls(with_verdict=True)[0]
    assert with_verdict.verdict is not None and with_verdict.verdict.reason == "because"
    assert "utterances" not in with_verdict.to_json(with_verdict=True)["verdict"]
    with pytest.raises(ValueError):
        store.list_calls(last=0)


def test_started_at_is_local_time_to_the_second(store: Store) -> None:
    aware = datetime(2026, 11, 21, 9, 30, 15, 123456, tzinfo=timezone(timedelta(hours=-5)))
    call_id = store.save_call([], None, started_at=aware, source="live")
    expected = aware.astimezone().replace(tzinfo=None, microsecond=0).isoformat()
    assert store.get_call(call_id).started_at == expected
    with pytest.raises(InputError):
        store.save_call([], None, started_at="yesterday", source="live")


def test_a_call_without_verdict(store: Store) -> None:
    call_id = store.save_call(utterances(1), None, started_at="2026-11-21T09:00:00", source="live",
                              status="interrupted")
    call = store.get_call(call_id)
    assert call.verdict is None and call.next_steps_secured is None and call.status == "interrupted"


def test_bad_status_and_speaker_are_bugs(store: Store) -> None:
    with pytest.raises(ValueError):
        store.save_call([], None, started_at="2026-11-21T09:00:00", source="x", status="done")
    with pytest.raises(ValueError):
        store.save_call([Utterance("host", 0, 1, "hi")], None,
                        started_at="2026-11-21T09:00:00", source="x")
    assert store.list_calls() == []


def test_same_journal_is_saved_once(store: Store) -> None:
    first = save(store, 2, journal_id="abc")
    assert save(store, 2, journal_id="abc") == first
    assert len(store.list_calls()) == 1


def test_delete_takes_the_transcript_with_it(store: Store, home: Path) -> None:
    keep, gone = save(store, 1), save(store, 2)
    store.delete_call(gone)
    assert [c.id for c in store.list_calls()] == [keep]
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
