"""The rep's calendar through the call service: the meeting in progress sets the planned end (closing mode) and the
names the speech model expects; its free slots are offered in the state events; a missing file is one line and the
call goes on. And a mono recording's voices told apart in ``analyze``, the verdict saying how. Real model, real
files."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from call_helpers import Sink

from copilot.call import CallService, build_config
from copilot.call.events import ClosingMode, Problem, StateChanged

STARTED = datetime(2026, 12, 4, 10, 5)  # a Friday
# Floating times (no zone): the same wall-clock time wherever the tests run.
CALENDAR = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//test//EN\r
BEGIN:VEVENT\r
UID:busy@test\r
DTSTART:20261102T090000\r
DTEND:20261102T170000\r
RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR\r
EXDATE:20261208T090000,20261210T090000\r
SUMMARY:Customer calls\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:tue@test\r
DTSTART:20261208T090000\r
DTEND:20261208T140000\r
SUMMARY:Pipeline review\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:thu@test\r
DTSTART:20261210T113000\r
DTEND:20261210T170000\r
SUMMARY:Workshop\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:now@test\r
DTSTART:20261204T100000\r
DTEND:20261204T100800\r
SUMMARY:Northwind <> Acme: service desk follow-up\r
ATTENDEE;CN=Priya Raman:mailto:priya@acme.example\r
ATTENDEE:mailto:marcus.chen@acme.example\r
END:VEVENT\r
END:VCALENDAR\r
"""


@pytest.fixture(scope="module")
def calls(tmp_path_factory: pytest.TempPathFactory) -> CallService:
    service = CallService(build_config(data_dir=tmp_path_factory.mktemp("home"), environ={}))
    service.transcriber()
    return service


def test_a_live_call_offers_free_slots_ends_with_the_meeting_and_expects_its_names(
        calls: CallService, testdata: Path, tmp_path: Path) -> None:
    calendar = tmp_path / "work.ics"
    calendar.write_text(CALENDAR, newline="")
    calls.reconfigure(replace(calls.config, home=tmp_path, data_dir=tmp_path, save=False,
                              calendars=(calendar, tmp_path / "gone.ics")))
    sink = Sink()
    call = calls.start_replay(testdata / "calls" / "itsd-04.flac", 8.0, sink, started_at=STARTED)
    assert call.wait(120)
    states = sink.of(StateChanged)
    assert states and states[0].state.offered_slots == (datetime(2026, 12, 8, 14, 0), datetime(2026, 12, 10, 9, 0))
    assert "Tuesday at 2pm or Thursday at 9am" in states[0].state.prompt
    [closing] = sink.of(ClosingMode)
    assert closing.planned_end == 180.0  # the meeting ends at 10:08; the call began 10:05
    assert [p.message for p in sink.of(Problem)] == [f"calendar {tmp_path / 'gone.ics'}: no such file or folder"]
    prompt = calls.transcriber().vocabulary_prompt or ""
    assert "Priya Raman" in prompt and "Marcus Chen" in prompt and "Northwind" in prompt


def test_planned_minutes_given_win_over_the_meeting(calls: CallService, testdata: Path, tmp_path: Path) -> None:
    calendar = tmp_path / "work.ics"
    calendar.write_text(CALENDAR, newline="")
    calls.reconfigure(replace(calls.config, home=tmp_path, data_dir=tmp_path, save=False, calendars=(calendar,),
                              planned_minutes=5, planned_minutes_given=True))
    sink = Sink()
    assert calls.start_replay(testdata / "calls" / "itsd-04.flac", 8.0, sink, started_at=STARTED).wait(120)
    [closing] = sink.of(ClosingMode)
    assert closing.planned_end == 300.0


def test_without_a_calendar_nothing_is_offered_and_no_names_are_expected(calls: CallService, testdata: Path,
                                                                        tmp_path: Path) -> None:
    calls.reconfigure(replace(calls.config, home=tmp_path, data_dir=tmp_path, save=False, calendars=(),
                              planned_minutes=30, planned_minutes_given=False, vocabulary=None))
    sink = Sink()
    assert calls.start_replay(testdata / "calls" / "itsd-04.flac", None, sink, started_at=STARTED).wait(120)
    assert all(s.state.offered_slots == () for s in sink.of(StateChanged))
    assert calls.transcriber().vocabulary_prompt is None


@pytest.mark.slow
def test_analyze_tells_a_mono_recordings_voices_apart_and_says_how(calls: CallService, testdata: Path,
                                                                   tmp_path: Path) -> None:
    import soundfile as sf

    audio, rate = sf.read(testdata / "calls" / "sales-04.flac", dtype="float32")
    sf.write(tmp_path / "mono.flac", audio.mean(axis=1), rate)
    calls.reconfigure(replace(calls.config, home=tmp_path, data_dir=tmp_path, save=False, calendars=()))
    transcript = calls.read_call(tmp_path / "mono.flac", started_at=STARTED)
    assert transcript.speakers_separated
    assert transcript.meta["speaker_attribution"]["method"] == "voice"
    assert {u.speaker for u in transcript.utterances} == {"rep", "prospect"}
    verdict = calls.analyze(transcript, source="mono.flac").verdict
    assert any("who proposes and asks more" in n for n in verdict.notes)
    assert any("told apart by their voices" in n for n in verdict.notes)
    assert not (tmp_path / "voice_profile.npz").exists()  # nothing kept: no profile learnt either
