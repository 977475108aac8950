"""``copilot history``: the JSON of DESIGN.md, the text view, housekeeping, and recovery of a killed call."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from store_helpers import DATA, DEMO, make_verdict, python_child, utterances

from copilot.cli import main
from copilot.store import Store


def history(capsys: pytest.CaptureFixture[str], home: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(home), "history", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def five(home: Path) -> list[int]:
    """Five calls, four without a secured next step, the fourth one newest."""
    with Store.open(home) as store:
        return [store.save_call(utterances(2 + day), make_verdict(day == 3, missed=() if day == 3 else ("acknowledged",),
                                                                   level=4 if day == 3 else 2),
                                started_at=f"2026-11-{day:02d}T10:00:00", source=f"/calls/{day}.flac",
                                vertical="sales" if day % 2 else "recruiting")
                for day in (1, 2, 3, 5, 4)]


def test_json_lists_calls_newest_first_with_the_pattern(capsys, home: Path, five: list[int]) -> None:
    code, out, _ = history(capsys, home, "--json")
    assert code == 0
    data = json.loads(out)
    assert [c["started_at"][:10] for c in data["calls"]] == [f"2026-11-0{d}" for d in (5, 4, 3, 2, 1)]
    for call in data["calls"]:
        for key in ("id", "started_at", "source", "vertical", "status", "next_steps_secured", "commitment_level",
                    "utterance_count"):
            assert key in call
    assert [c["next_steps_secured"] for c in data["calls"]] == [False, False, True, False, False]
    assert data["calls"][0]["utterance_count"] == 7 and data["calls"][0]["status"] == "complete"
    assert data["calls"][0]["verdict"]["criteria"]["acknowledged"]["met"] is False  # each with its verdict
    assert "utterances" not in data["calls"][0]["verdict"]
    p = data["pattern"]
    assert p["share_without_commitment"] == 0.8 and p["criterion_missed_most"]["name"] == "acknowledged"
    assert set(p["per_vertical"]) == {"sales", "recruiting"}

    code, out, _ = history(capsys, home, "--json", "--last", "2")
    data = json.loads(out)
    assert len(data["calls"]) == 2 and data["pattern"]["calls"] == 2


def test_text_view_shows_the_table_and_the_sentences(capsys, home: Path, five: list[int]) -> None:
    code, out, _ = history(capsys, home)
    assert code == 0
    assert "Ends calls without commitment 80% of the time (4 of 5 calls)." in out
    assert "Work on next" in out and "5.flac" in out


def test_empty_history(capsys, home: Path) -> None:
    code, out, _ = history(capsys, home)
    assert code == 0 and "No calls recorded yet" in out
    code, out, _ = history(capsys, home, "--json")
    assert json.loads(out)["calls"] == [] and json.loads(out)["pattern"]["calls"] == 0


def test_show_delete_clear_csv(capsys, home: Path, five: list[int], tmp_path: Path) -> None:
    code, out, _ = history(capsys, home, "--show", str(five[0]), "--json")
    call = json.loads(out)
    assert code == 0 and call["id"] == five[0] and len(call["utterances"]) == 3 and call["verdict"]["reason"]
    code, out, _ = history(capsys, home, "--show", str(five[0]))
    assert code == 0 and "line 0" in out and "Next step secured" in out

    exports = tmp_path / "exports"
    code, _, err = history(capsys, home, "--show", str(five[0]), "--out", str(exports))
    assert code == 0 and "exports" in err
    assert {"transcript.txt", "verdict.json"} <= {p.name for p in exports.iterdir()}
    assert json.loads((exports / "verdict.json").read_text())["reason"] == call["verdict"]["reason"]
    code, _, err = history(capsys, home, "--out", str(exports))
    assert code == 2 and "--show" in err

    code, _, _ = history(capsys, home, "--delete", str(five[0]))
    assert code == 0
    code, _, err = history(capsys, home, "--delete", str(five[0]))
    assert code == 1 and err.strip() == f"copilot: no call with id {five[0]} in the history"

    out_csv = tmp_path / "h.csv"
    code, _, _ = history(capsys, home, "--csv", str(out_csv))
    with out_csv.open(newline="") as f:
        assert code == 0 and len(list(csv.DictReader(f))) == 4

    code, _, err = history(capsys, home, "--clear")
    assert code == 2 and "--yes" in err
    code, _, _ = history(capsys, home, "--clear", "--yes")
    assert code == 0
    assert json.loads(history(capsys, home, "--json")[1])["calls"] == []


def test_bad_usage_exits_2(capsys, home: Path) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--data-dir", str(home), "history", "--last", "0"])
    assert exit_.value.code == 2
    with pytest.raises(SystemExit) as exit_:
        main(["--data-dir", str(home), "history", "--show", "1", "--delete", "1"])
    assert exit_.value.code == 2


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_killed_call_shows_up_as_interrupted(home: Path) -> None:
    child = subprocess.Popen(python_child("store_child.py", "journal", str(home), "100000"),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdout.readline() == "started\n"
    shown = [child.stdout.readline() for _ in range(12)]
    os.kill(child.pid, signal.SIGKILL)
    child.communicate(timeout=10)  # reaps it and closes the pipes
    assert all(line.startswith("ack ") for line in shown)

    env = dict(os.environ, COPILOT_HOME=str(home))
    result = subprocess.run([sys.executable, "-m", "copilot", "history", "--json"], env=env,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    (call,) = data["calls"]
    assert call["status"] == "interrupted" and call["utterance_count"] >= 12
    assert data["recovered"] == [call["id"]] and data["pattern"]["interrupted"] == 1
    with Store.open(home) as store:
        texts = [u.text for u in store.get_call(call["id"]).utterances]
    assert texts[:12] == [f"said {i} " + "x" * 200 for i in range(12)]


def test_five_analyzed_calls(home: Path) -> None:
    """The issue's check: analyze five calls with COPILOT_HOME set, then history lists them with the right share."""
    env = dict(os.environ, COPILOT_HOME=str(home))
    transcripts = [*sorted((DATA / "calls").glob("*-0?.json")), DEMO]
    assert len(transcripts) == 5
    expected = []
    for path in transcripts:
        result = subprocess.run([sys.executable, "-m", "copilot", "analyze", str(path), "--json"],
                                env=env, capture_output=True, text=True, timeout=120, check=False)
        assert result.returncode == 0, result.stderr
        expected.append(json.loads(result.stdout)["next_steps_secured"])
    result = subprocess.run([sys.executable, "-m", "copilot", "history", "--json"], env=env,
                            capture_output=True, text=True, timeout=60, check=False)
    data = json.loads(result.stdout)
    assert len(data["calls"]) == 5
    assert sorted(c["next_steps_secured"] for c in data["calls"]) == sorted(expected)
    without = sum(1 for e in expected if not e)
    assert data["pattern"]["share_without_commitment"] == round(without / 5, 3)
