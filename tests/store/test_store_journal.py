"""The journal of the call in progress: nothing acknowledged is lost to SIGKILL, a torn write or a full disk."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from store_helpers import count_analyze, make_verdict, make_verdict_json, python_child, utterances

from copilot.errors import OutputError
from copilot.session.utterance import Utterance
from copilot.store import CallJournal, Store, recover_interrupted
from copilot.store.journal import _finish_record, read_journal


def journal_files(home: Path) -> list[Path]:
    return sorted((home / "journal").glob("*")) if (home / "journal").exists() else []


def start(home: Path, **kw) -> CallJournal:
    return CallJournal.start(home, started_at="2026-11-21T09:00:00", source=kw.pop("source", "live"),
                             vertical=kw.pop("vertical", "sales"), **kw)


def test_finish_moves_the_call_into_the_history(home: Path) -> None:
    journal = start(home, vertical="customer_success", audio_path="/rec/call.flac")
    for u in utterances(4):
        journal.append(u)
    verdict = make_verdict(True, level=4)
    call_id = journal.finish(utterances(4), verdict, "complete")
    assert journal.finish(utterances(4), verdict, "complete") == call_id  # once only
    assert journal_files(home) == []  # journal and its lock are gone
    with Store.open(home) as store:
        call = store.get_call(call_id)
    assert call.status == "complete" and call.vertical == "customer_success"
    assert call.audio_path == "/rec/call.flac" and call.verdict.commitment_level == 4
    assert [u.text for u in call.utterances] == [u.text for u in utterances(4)]


def test_partials_are_not_journaled(home: Path) -> None:
    journal = start(home)
    with pytest.raises(ValueError):
        journal.append(Utterance("rep", 0, 1, "interim", final=False))
    journal.discard()
    assert journal_files(home) == []


def test_an_existing_store_can_be_given(home: Path) -> None:
    with Store.open(home) as store:
        journal = CallJournal.start(store, started_at="2026-11-21T09:00:00", source="demo")
        journal.append(utterances(1)[0])
        call_id = journal.finish(utterances(1), None, "interrupted")
        assert store.get_call(call_id).status == "interrupted"  # the store is still open


def run_child_until_acks(home: Path, acks: int, total: int = 10_000) -> tuple[list[int], subprocess.Popen]:
    child = subprocess.Popen(python_child("store_child.py", "journal", str(home), str(total)),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "started"
    acked = []
    while len(acked) < acks:
        line = child.stdout.readline()
        assert line.startswith("ack "), (line, child.stderr.read() if child.poll() is not None else "")
        acked.append(int(line.split()[1]))
    return acked, child


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_sigkill_mid_call_loses_nothing_acknowledged(home: Path) -> None:
    acked, child = run_child_until_acks(home, 25)
    os.kill(child.pid, signal.SIGKILL)  # while it is writing the next ones: no chance to clean up
    child.communicate(timeout=10)  # reaps it and closes the pipes
    assert child.returncode == -signal.SIGKILL
    assert any(p.suffix == ".jsonl" for p in journal_files(home))

    ids = recover_interrupted(home, count_analyze)
    assert len(ids) == 1
    with Store.open(home) as store:
        call = store.get_call(ids[0])
    texts = [u.text for u in call.utterances]
    assert call.status == "interrupted" and call.vertical == "recruiting" and call.source == "live"
    assert len(texts) >= len(acked)
    assert texts[: len(acked)] == [f"said {i} " + "x" * 200 for i in acked]
    assert call.verdict.reason == f"{len(texts)} utterances recovered"  # judged on what was recovered
    assert call.verdict.vertical == "recruiting"
    assert call.next_steps_secured is False
    assert journal_files(home) == []
    assert recover_interrupted(home, count_analyze) == []  # once only


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_live_call_is_not_recovered_from_under_its_process(home: Path) -> None:
    child = subprocess.Popen(python_child("store_child.py", "journal", str(home), "3", "hold"),
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        lines = [child.stdout.readline().strip() for _ in range(5)]
        assert lines[-1] == "ready", lines
        assert recover_interrupted(home, count_analyze) == []  # another process holds it: alive
        assert any(p.suffix == ".jsonl" for p in journal_files(home))
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.communicate(timeout=10)  # reaps it and closes the pipes
    ids = recover_interrupted(home, count_analyze)
    assert len(ids) == 1
    with Store.open(home) as store:
        assert store.get_call(ids[0]).utterance_count == 3


def test_torn_last_line_is_skipped(home: Path) -> None:
    journal = start(home)
    for u in utterances(3):
        journal.append(u)
    path = journal.path
    journal._close()  # the process "dies": no finish, lock released
    with path.open("ab") as f:
        f.write(b'{"type": "utterance", "idx": 3, "speaker": "prosp')
    contents = read_journal(path)
    assert len(contents.utterances) == 3 and contents.skipped_lines == 1
    ids = recover_interrupted(home, count_analyze)
    with Store.open(home) as store:
        call = store.get_call(ids[0])
    assert [u.text for u in call.utterances] == ["line 0", "line 1", "line 2"]
    assert call.status == "interrupted"


def test_a_cut_at_any_byte_keeps_exactly_the_complete_lines(home: Path, tmp_path: Path) -> None:
    """Wherever the death cuts the file, recovery reads every whole line before the cut and nothing else."""
    journal = start(home)
    said = [Utterance("rep", i, i + 1, f"{i} ünïcode — {'z' * (i % 7)}") for i in range(5)]
    for u in said:
        journal.append(u)
    journal._close()
    data = journal.path.read_bytes()
    cut_file = tmp_path / "cut.jsonl"
    for cut in range(len(data) + 1):
        cut_file.write_bytes(data[:cut])
        whole_lines = data[:cut].count(b"\n")
        got = read_journal(cut_file).utterances
        assert got == said[: max(0, whole_lines - 1)], cut  # the first line is the header


def test_garbage_in_the_middle_and_a_lost_header_are_survived(home: Path) -> None:
    journal = start(home)
    journal.append(utterances(1)[0])
    path = journal.path
    journal._close()
    lines = path.read_bytes().split(b"\n")
    path.write_bytes(b"\n".join([b"\x00\x00garbage", *lines[1:]]) + b'{"type": "utterance", "speaker": "rep"}\n')
    ids = recover_interrupted(home, None)
    with Store.open(home) as store:
        call = store.get_call(ids[0])
    assert [u.text for u in call.utterances] == ["line 0"]
    assert call.verdict is None and call.source == "unknown"


def test_a_journal_with_nothing_said_is_dropped(home: Path) -> None:
    journal = start(home)
    journal._close()
    assert recover_interrupted(home, count_analyze) == []
    assert journal_files(home) == []


def test_a_call_that_ended_but_was_not_saved_keeps_its_verdict(home: Path) -> None:
    journal = start(home)
    for u in utterances(2):
        journal.append(u)
    journal._write({"type": "finish", "status": "complete", "verdict": make_verdict_json(True, level=5)})
    journal._close()  # as if saving to the history had failed after the finish record (the first format's)
    ids = recover_interrupted(home, count_analyze)
    with Store.open(home) as store:
        call = store.get_call(ids[0])
    assert call.status == "complete" and call.commitment_level == 5 and call.utterance_count == 2
    assert call.verdict is not None and call.verdict.commitment_level == 5


def test_the_finish_record_keeps_the_whole_call_and_its_typed_verdict(home: Path) -> None:
    """The journal's finish line holds every utterance the session held (the journal had written fewer) and the
    verdict as JSON; recovery puts that call into the history as it ended."""
    journal = start(home)
    for u in utterances(2):
        journal.append(u)
    verdict = make_verdict(True, level=5, reason="all five lines")
    journal._write(_finish_record("complete", utterances(5), verdict))
    journal._close()  # saving to the history failed after the finish line
    ids = recover_interrupted(home, count_analyze)
    with Store.open(home) as store:
        call = store.get_call(ids[0])
    assert call.status == "complete" and call.utterance_count == 5
    assert [u.text for u in call.utterances] == [u.text for u in utterances(5)]
    assert call.verdict is not None and call.verdict.reason == "all five lines"
    assert call.verdict.to_json() == replace(verdict, utterances=call.utterances).to_json()


def test_recovery_is_idempotent_across_a_crash_after_commit(home: Path) -> None:
    journal = start(home)
    journal.append(utterances(1)[0])
    journal._close()
    copy = home / "copy.jsonl"
    shutil.copy(journal.path, copy)
    first = recover_interrupted(home, count_analyze)
    shutil.copy(copy, journal.path)  # the file survived: the process died between commit and unlink
    assert recover_interrupted(home, count_analyze) == []
    with Store.open(home) as store:
        assert [c.id for c in store.list_calls()] == first


def test_a_failing_coach_does_not_cost_the_transcript(home: Path) -> None:
    journal = start(home)
    journal.append(utterances(1)[0])
    journal._close()

    def broken(*args):
        raise ZeroDivisionError("coach bug")

    ids = recover_interrupted(home, broken)
    with Store.open(home) as store:
        call = store.get_call(ids[0])
    assert call.utterance_count == 1 and call.verdict is None


def test_recovery_with_the_real_coach(home: Path) -> None:
    from copilot import coach

    journal = start(home)
    for u in (Utterance("rep", 0, 3, "A good next step would be a demo with your VP on Tuesday at 2pm."),
              Utterance("prospect", 3.5, 5, "Yes, Tuesday at 2pm works.")):
        journal.append(u)
    journal._close()

    def analyze(utts, started_at, vertical):
        return coach.analyze(list(utts), started_at, vertical=vertical)

    ids = recover_interrupted(home, analyze)
    with Store.open(home) as store:
        call = store.get_call(ids[0])
    assert call.status == "interrupted" and isinstance(call.verdict.next_steps_secured, bool)
    assert set(call.verdict.criteria) == {"specific_action", "specific_time_or_trigger", "acknowledged"}


# ---- a full disk ---------------------------------------------------------------------------------

def test_full_disk_is_an_output_error_and_keeps_what_was_written(home: Path, tiny_disk) -> None:
    Store.open(home).close()
    tiny_disk(home / "journal")
    journal = start(home)
    written = []
    with pytest.raises(OutputError) as err:
        for i in range(1000):
            u = Utterance("rep", float(i), i + 0.5, f"{i} " + "y" * 4000)
            journal.append(u)
            written.append(u)
    message = str(err.value)
    assert "cannot write the call journal" in message and "space" in message.lower() and "\n" not in message
    assert 0 < len(written) < 20
    journal._close()  # the call goes on in memory; this process later dies without a finish
    ids = recover_interrupted(home, count_analyze)
    with Store.open(home) as store:
        call = store.get_call(ids[0])
    assert [u.text for u in call.utterances] == [u.text for u in written]


def test_full_disk_then_finish_saves_the_whole_call_from_memory(home: Path, tiny_disk) -> None:
    Store.open(home).close()
    tiny_disk(home / "journal")
    journal = start(home)
    said = [Utterance("rep", float(i), i + 0.5, f"{i} " + "y" * 4000) for i in range(40)]
    failed_at = None
    for i, u in enumerate(said):
        try:
            journal.append(u)
        except OutputError:
            failed_at = i
            break
    assert failed_at is not None
    call_id = journal.finish(said, make_verdict(True), "complete")  # the call went on in memory
    assert journal_files(home) == []
    with Store.open(home) as store:
        call = store.get_call(call_id)
    assert call.utterance_count == 40 and call.status == "complete"


def test_full_disk_for_the_history_is_an_output_error(tmp_path: Path, tiny_disk) -> None:
    home = tiny_disk(tmp_path / "home", size="256k")
    store = Store.open(home)
    with pytest.raises(OutputError, match="cannot write the history"):
        for i in range(1000):
            store.save_call([Utterance("rep", 0, 1, f"{i} " + "z" * 8000)], None,
                            started_at="2026-11-21T09:00:00", source="big")
    store.close()
