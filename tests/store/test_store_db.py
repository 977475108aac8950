"""The schema: migrations from nothing and from the previous version, and files it must refuse."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from store_helpers import make_verdict_json

from copilot.errors import OutputError
from copilot.session.utterance import Utterance
from copilot.store import Store, data_dir, db


def test_migrations_are_numbered_and_non_empty() -> None:
    steps = db.migrations()
    assert [m.version for m in steps] == list(range(1, len(steps) + 1))
    assert len(steps) >= 2
    assert all(m.statements and m.title for m in steps)


def tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_from_an_empty_file(home: Path) -> None:
    data_dir(home)
    (home / "history.sqlite3").write_bytes(b"")
    Store.open(home).close()
    with sqlite3.connect(home / "history.sqlite3") as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == db.latest_version()
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert {"calls", "utterances", "findings", "coaching"} <= tables(home / "history.sqlite3")


def test_from_the_previous_version_keeps_and_backfills(home: Path) -> None:
    path = data_dir(home) / "history.sqlite3"
    conn = db.connect(path)
    latest = db.latest_version()
    assert db.migrate(conn, target=1) == 1
    # a call as the previous version wrote it: only the calls and utterances tables
    verdict = make_verdict_json(False, missed=("acknowledged",), skipped=("lock",), level=2)
    conn.execute("INSERT INTO calls (id, started_at, source, vertical, status, next_steps_secured, commitment_level,"
                 " reason, verdict_json) VALUES (7, '2026-11-02T10:00:00', 'old.flac', 'sales', 'complete', 0, 2,"
                 " 'no yes', ?)", (json.dumps(verdict),))
    conn.execute("INSERT INTO calls (id, started_at, source, status, verdict_json) "
                 "VALUES (8, '2026-11-03T10:00:00', 'broken', 'interrupted', 'not json')")
    conn.execute('INSERT INTO utterances (call_id, idx, speaker, start, "end", text) '
                 "VALUES (7, 0, 'rep', 0, 1, 'hello')")
    conn.close()

    store = Store.open(home)
    with sqlite3.connect(path) as check:
        assert check.execute("PRAGMA user_version").fetchone()[0] == latest
        assert check.execute("SELECT count(*) FROM coaching WHERE call_id = 7").fetchone()[0] == 1
    call = store.get_call(7)
    assert call.utterances == (Utterance("rep", 0.0, 1.0, "hello"),)
    assert call.verdict is not None and call.verdict.reason == "because"
    assert store.get_call(8).verdict is None  # a verdict that is not JSON is shown as none, not as a crash
    listed = {c.id: c for c in store.list_calls()}
    assert listed[7].criteria == {"specific_action": True, "specific_time_or_trigger": True, "acknowledged": False}
    assert listed[7].stages["lock"] is False and listed[8].criteria == {}
    pattern = store.pattern()
    assert pattern["criterion_missed_most"]["name"] == "acknowledged"
    assert pattern["stage_skipped_most"]["name"] == "lock"
    store.close()
    Store.open(home).close()  # opening an up-to-date database changes nothing
    with sqlite3.connect(path) as check:
        assert check.execute("SELECT count(*) FROM findings").fetchone()[0] == 7


def test_a_newer_schema_is_refused(home: Path) -> None:
    path = data_dir(home) / "history.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {db.latest_version() + 1}")
    with pytest.raises(OutputError, match="newer Copilot"):
        Store.open(home)


def test_a_file_that_is_not_a_database_is_an_output_error(home: Path) -> None:
    path = data_dir(home) / "history.sqlite3"
    path.write_bytes(b"this is not SQLite at all, just some text that fills more than a header " * 20)
    with pytest.raises(OutputError, match="cannot open the history"):
        Store.open(home)


def test_a_failed_migration_leaves_the_previous_version(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = data_dir(home) / "history.sqlite3"
    conn = db.connect(path)
    db.migrate(conn, target=1)
    broken = db.Migration(2, "broken", ("CREATE TABLE half_done (x)", "THIS IS NOT SQL"))
    first = db.migrations()[0]
    monkeypatch.setattr(db, "migrations", lambda: (first, broken))
    with pytest.raises(OutputError):
        db.migrate(conn)
    assert db.user_version(conn) == 1
    assert "half_done" not in tables(path)
    conn.close()
