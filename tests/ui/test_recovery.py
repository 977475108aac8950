"""A live call killed with SIGKILL is recovered when the app next starts: in the history, marked interrupted, with
every final line that was journaled, and the app says so (issue 10, item 4)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from copilot.store.journal import read_journal

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_killed_live_call_is_recovered_at_the_next_start(qtbot, tmp_path, testdata, built):
    home = tmp_path / "home"  # COPILOT_HOME for the call and, below, for the app
    env = dict(os.environ, COPILOT_HOME=str(home))
    child = subprocess.Popen([sys.executable, "-m", "copilot", "live", "--replay",
                              str(testdata / "calls" / "itsd-04.flac"), "--speed", "1", "--events"],
                             cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    shown: list[dict[str, object]] = []
    try:
        assert child.stdout is not None
        for line in child.stdout:  # a final is printed only after it is durable in the journal
            event = json.loads(line)
            if event["type"] == "final":
                shown.append(event)
                if len(shown) == 3:
                    break
    finally:
        os.kill(child.pid, signal.SIGKILL)  # mid-call: no chance to finish or clean up
        _, err = child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL, err
    assert len(shown) == 3, err
    [journal] = (home / "journal").glob("*.jsonl")
    journaled = read_journal(journal).utterances
    assert len(journaled) >= 3
    assert [(u.speaker, u.text) for u in journaled[:3]] == [(e["speaker"], e["text"]) for e in shown]

    app = built(None)  # the next start of the app, on the same data folder (COPILOT_HOME)
    assert app.home == home
    qtbot.waitUntil(lambda: bool(app.window.recovered), timeout=60_000)  # recovered in the background
    [recovered] = app.window.recovered
    assert recovered.utterance_count == len(journaled)
    message = app.window.statusBar().currentMessage()
    assert message.startswith("Recovered 1 interrupted call") and "marked interrupted" in message
    assert f"{len(journaled)} lines" in message
    with app.service.open_store() as store:
        [row] = store.list_calls()
        call = store.get_call(row.id)
    assert row.id == recovered.call_id and call.status == "interrupted"
    assert call.source == str((testdata / "calls" / "itsd-04.flac").resolve())
    assert [(u.speaker, u.text, u.start, u.end) for u in call.utterances] == \
        [(u.speaker, u.text, u.start, u.end) for u in journaled]
    assert call.verdict is not None and isinstance(call.verdict.next_steps_secured, bool)  # judged again
    assert not list((home / "journal").glob("*.jsonl"))  # the journal became the history, once
