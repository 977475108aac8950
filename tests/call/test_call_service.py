"""The call service: one rule for the call's date, one cached model, the journal before the first word, the
closing-mode clock, typed events, and recovery of calls that died. Real model, real files, real store."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from call_helpers import Sink

from copilot.call import CallService, RecoveredCall, build_config, call_started_at
from copilot.call.events import ClosingMode, Finished, Problem, Started, StateChanged, Transcribed
from copilot.errors import UsageError
from copilot.session.transcript import Transcript
from copilot.session.utterance import Utterance
from copilot.store import CallJournal, Store

EARLIER = datetime(2025, 3, 4, 9, 30, 15)
GIVEN = datetime(2026, 12, 1, 8, 0)
TRANSCRIPT_DATE = datetime(2026, 11, 19, 10, 0)


def service(home: Path, **changes: Any) -> CallService:
    return CallService(replace(build_config(data_dir=home, environ={}), **changes))


def dated(path: Path, when: datetime) -> Path:
    os.utime(path, (when.timestamp(), when.timestamp()))
    return path


# -- the call's date (DESIGN.md): given > the transcript's > the recording's time > now ------------------------

def test_the_date_given_wins_then_the_recordings_then_now() -> None:
    assert call_started_at(given=GIVEN, recorded=EARLIER) == GIVEN
    assert call_started_at(recorded=EARLIER) == EARLIER
    before = datetime.now().replace(microsecond=0)
    now = call_started_at()
    assert before <= now <= datetime.now() and now.microsecond == 0


def test_the_date_is_local_naive_and_to_the_second() -> None:
    aware = datetime(2026, 11, 19, 15, 0, 0, 123456, tzinfo=timezone.utc)
    got = call_started_at(given=aware)
    assert got.tzinfo is None and got.microsecond == 0
    assert got == aware.astimezone().replace(tzinfo=None, microsecond=0)
    assert call_started_at(recorded=datetime(2026, 1, 2, 3, 4, 5, 999999)) == datetime(2026, 1, 2, 3, 4, 5)


def _transcript_file(tmp_path: Path, started_at: str | None) -> Path:
    data: dict[str, Any] = {"utterances": [
        {"speaker": "rep", "start": 0.0, "end": 4.0, "text": "A good next step would be a demo with your VP."},
        {"speaker": "rep", "start": 4.5, "end": 8.0, "text": "I have Tuesday at 2pm or Thursday at 10am, which works?"},
        {"speaker": "prospect", "start": 8.5, "end": 10.0, "text": "Tuesday at 2pm works for me."}]}
    if started_at:
        data["started_at"] = started_at
    path = tmp_path / f"call-{started_at or 'undated'}.json".replace(":", "")
    path.write_text(json.dumps(data))
    return dated(path, EARLIER)


def test_a_transcript_keeps_its_own_date_else_takes_the_files(tmp_path: Path) -> None:
    calls = service(tmp_path / "home")
    assert calls.read_call(_transcript_file(tmp_path, TRANSCRIPT_DATE.isoformat())).started_at == TRANSCRIPT_DATE
    assert calls.read_call(_transcript_file(tmp_path, None)).started_at == EARLIER


def test_analyze_dates_given_over_transcript_over_file_and_stores_the_canonical_vertical(tmp_path: Path) -> None:
    home = tmp_path / "home"
    calls = service(home)
    dated_call = calls.read_call(_transcript_file(tmp_path, TRANSCRIPT_DATE.isoformat()))
    undated_call = calls.read_call(_transcript_file(tmp_path, None))
    results = [calls.analyze(dated_call, source="a"), calls.analyze(undated_call, source="b", vertical="cs"),
               calls.analyze(dated_call, source="c", started_at=GIVEN, vertical="itsd")]
    assert [r.started_at for r in results] == [TRANSCRIPT_DATE, EARLIER, GIVEN]
    assert [r.vertical for r in results] == ["sales", "customer_success", "it_service_desk"]
    assert all(r.call_id is not None for r in results)
    with Store.open(home) as store:
        stored = {c.source: c for c in store.list_calls()}
    assert {s: (c.started_at, c.vertical) for s, c in stored.items()} == {
        "a": ("2026-11-19T10:00:00", "sales"), "b": ("2025-03-04T09:30:15", "customer_success"),
        "c": ("2026-12-01T08:00:00", "it_service_desk")}
    # the next step is resolved against the call's date: "Tuesday" after 2026-11-19 is the 24th
    step = results[0].verdict.next_step
    assert step is not None and step.when == datetime(2026, 11, 24, 14, 0) and step.when_has_time
    assert results[0].verdict.to_json()["next_step"]["when"] == "2026-11-24T14:00:00"


def test_analyze_rejects_an_unknown_vertical_and_saves_nothing(tmp_path: Path) -> None:
    calls = service(tmp_path / "home")
    with pytest.raises(UsageError, match="astrology"):
        calls.analyze(calls.read_call(_transcript_file(tmp_path, None)), source="x", vertical="astrology")
    assert not (tmp_path / "home" / "history.sqlite3").exists()


def test_analyze_without_saving_and_with_a_history_that_cannot_be_written(tmp_path: Path) -> None:
    transcript = Transcript((Utterance("rep", 0, 1, "Hello."),), TRANSCRIPT_DATE)
    unsaved = service(tmp_path / "home", save=False).analyze(transcript, source="x")
    assert unsaved.call_id is None and not (tmp_path / "home").exists()
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    said: list[str] = []
    result = service(blocker, data_dir=blocker).analyze(transcript, source="x", on_problem=said.append)
    assert result.call_id is None and result.verdict.next_steps_secured is False  # the verdict stands
    assert len(said) == 1 and said[0].startswith("the call was not saved to the history")


# -- live calls through the real pipeline and model -----------------------------------------------------------

@pytest.fixture(scope="module")
def model_service(tmp_path_factory: pytest.TempPathFactory) -> CallService:
    """One service (one cached model) for the replays below; each test reconfigures its data folder."""
    calls = service(tmp_path_factory.mktemp("home"))
    calls.transcriber()
    return calls


def _replay(calls: CallService, home: Path, recording: Path, **kwargs: Any) -> tuple[Sink, Any]:
    calls.reconfigure(replace(calls.config, home=home, data_dir=home, **kwargs.pop("config", {})))
    sink = Sink()
    call = calls.start_replay(recording, kwargs.pop("speed", None), sink, **kwargs)
    assert call.wait(120), "the call did not end"
    return sink, call


def test_the_model_is_loaded_once_per_process(model_service: CallService) -> None:
    assert model_service.transcriber() is model_service.transcriber()


def test_a_replay_is_dated_by_its_recording_journaled_and_saved(model_service: CallService, testdata: Path,
                                                                 tmp_path: Path) -> None:
    recording = dated(shutil.copy(testdata / "calls" / "itsd-04.flac", tmp_path / "call.flac"), EARLIER)
    truth = json.loads((testdata / "calls" / "itsd-04.json").read_text())["utterances"]
    home = tmp_path / "home"
    sink, call = _replay(model_service, home, Path(recording), config={"vertical": "it_service_desk"})
    assert sink[0] == Started("2025-03-04T09:30:15", str(Path(recording).resolve()), "it_service_desk")
    assert call.started_at == EARLIER
    finals = [e.utterance for e in sink.of(Transcribed) if e.utterance.final]
    assert [(u.speaker) for u in finals] == [u["speaker"] for u in truth]
    assert call.utterances == tuple(finals)
    assert sink.of(StateChanged) and not [p for p in sink.of(Problem) if p.bug]
    assert isinstance(sink[-1], Finished) and sink[-1].verdict is call.verdict and sink[-1].status == "complete"
    assert not sink.of(ClosingMode)  # 21 seconds of a 30-minute plan
    assert not list((home / "journal").glob("*.jsonl"))  # the journal became the history
    with Store.open(home) as store:
        [row] = store.list_calls()
        stored = store.get_call(row.id)
    assert (row.started_at, row.vertical, row.status) == ("2025-03-04T09:30:15", "it_service_desk", "complete")
    assert [u.text for u in stored.utterances] == [u.text for u in finals]
    assert stored.verdict is not None and stored.verdict.to_json() == call.verdict.to_json()  # typed, both ways


def test_the_demo_replay_is_a_call_happening_now(model_service: CallService, testdata: Path, tmp_path: Path) -> None:
    recording = dated(shutil.copy(testdata / "calls" / "itsd-04.flac", tmp_path / "call.flac"), EARLIER)
    before = datetime.now().replace(microsecond=0)
    sink, call = _replay(model_service, tmp_path / "home", Path(recording), source="demo", as_live=True)
    assert before <= call.started_at <= datetime.now() and call.started_at - before < timedelta(seconds=5)
    assert sink[0] == Started(call.started_at.isoformat(), "demo", model_service.config.vertical)


def test_a_date_given_for_a_replay_wins(model_service: CallService, testdata: Path, tmp_path: Path) -> None:
    _, call = _replay(model_service, tmp_path / "home", testdata / "calls" / "itsd-04.flac", started_at=GIVEN,
                      as_live=True)
    assert call.started_at == GIVEN


def test_closing_mode_is_published_once_by_the_service(model_service: CallService, testdata: Path,
                                                       tmp_path: Path) -> None:
    sink, _ = _replay(model_service, tmp_path / "home", testdata / "calls" / "itsd-04.flac", speed=8.0,
                      config={"planned_minutes": 5, "save": False})
    [closing] = sink.of(ClosingMode)
    assert closing.planned_end == 300.0 and 0.0 <= closing.t < 1.0
    assert not (tmp_path / "home").exists()  # save=False: no journal, no history


def test_a_mono_recording_says_the_speakers_are_not_told_apart(model_service: CallService, testdata: Path,
                                                               tmp_path: Path) -> None:
    import soundfile as sf

    audio, rate = sf.read(testdata / "calls" / "itsd-04.flac", dtype="float32")
    sf.write(tmp_path / "mono.flac", audio.mean(axis=1), rate)
    sink, call = _replay(model_service, tmp_path / "home", tmp_path / "mono.flac", config={"save": False})
    assert [p.message for p in sink.of(Problem)] == ["the recording is mono: speakers are told apart by turn-taking "
                                                      "alone"]
    assert call.utterances


# -- recovery ---------------------------------------------------------------------------------------------------

def test_recover_puts_a_dead_call_into_the_history_as_interrupted_with_a_verdict(tmp_path: Path) -> None:
    home = tmp_path / "home"
    journal = CallJournal.start(home, started_at=TRANSCRIPT_DATE, source="live", vertical="customer_success")
    said = [Utterance("rep", 0.0, 4.0, "A good next step would be a QBR on January 15th."),
            Utterance("prospect", 4.5, 6.0, "Yes, January 15th works.")]
    for u in said:
        journal.append(u)
    journal._close()  # the process dies: no finish
    calls = service(home)
    assert calls.recover() == [RecoveredCall(1, "2026-11-19T10:00:00", 2)]
    assert calls.recover() == []  # once only
    with calls.open_store() as store:
        call = store.get_call(1)
    assert call.status == "interrupted" and call.vertical == "customer_success"
    assert [u.text for u in call.utterances] == [u.text for u in said]
    assert call.verdict is not None and call.verdict.vertical == "customer_success"
    assert set(call.verdict.criteria) == {"specific_action", "specific_time_or_trigger", "acknowledged"}
