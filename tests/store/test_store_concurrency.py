"""Two processes at once (the app open while ``copilot analyze`` runs in a terminal): no lock errors, no corruption."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

from store_helpers import python_child

from copilot.store import Store

CALLS_EACH = 60


def test_two_processes_writing_at_once(home: Path, tmp_path: Path) -> None:
    go = tmp_path / "go"
    children = [subprocess.Popen(python_child("store_child.py", "save", str(home), tag, str(CALLS_EACH), str(go)),
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for tag in ("app", "terminal")]
    go.touch()  # both start together, on a database that does not exist yet
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0 and out.strip() == "done", err

    with sqlite3.connect(home / "history.sqlite3") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    with Store.open(home) as store:
        calls = store.list_calls()
        assert len(calls) == 2 * CALLS_EACH
        assert {c.source for c in calls} == {"app", "terminal"}
        assert all(c.utterance_count == 20 for c in calls)
        one = store.get_call(calls[0].id)
        assert [u.text.split(" line ")[1] for u in one.utterances] == [str(k) for k in range(20)]
        assert store.pattern()["calls"] == 2 * CALLS_EACH
