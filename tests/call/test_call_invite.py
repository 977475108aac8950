"""The invite while still on the call (issue 11, item 3): as soon as the other side agrees a step with a date and a
time, the call session writes its .ics and publishes ``InviteReady`` — once, again when the agreed time changes,
never for a time only proposed. The real coach reads typed utterances here; the slow tests replay the bundled demo
through the real model and pipeline, in the service and in ``copilot live --events``."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from call_helpers import Sink

from copilot.calendar import CalendarEvent
from copilot.calendar.slots import WorkingHours
from copilot.call import CallService, build_config
from copilot.call.events import Finished, InviteReady, Problem, StateChanged
from copilot.call.session import CallSession, invites_for_call
from copilot.coach import Coach
from copilot.export.invite import InviteWriter
from copilot.session.utterance import Utterance

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "assets" / "demo" / "demo_call.flac"
CALL_START = datetime(2026, 12, 4, 10, 5)  # a Friday: "Tuesday" is the 8th, "Thursday" the 10th
TUESDAY_2PM = datetime(2026, 12, 8, 14, 0)
THURSDAY_10AM = datetime(2026, 12, 10, 10, 0)



def vevent(path: Path) -> Any:
    events = list(Calendar.from_ical(path.read_bytes()).walk("VEVENT"))
    assert len(events) == 1
    return events[0]


def attendee_names(event: Any) -> list[str]:
    raw = event.get("attendee")
    items = raw if isinstance(raw, list) else [raw] if raw is not None else []
    return [str(a.params["CN"]) for a in items]


def feed(lines: list[tuple[str, str]], sink: Sink, writer: InviteWriter | None = None) -> CallSession:
    session = CallSession(Coach(CALL_START, "sales"), on_event=sink, invites=writer)
    t = 0.0
    for speaker, text in lines:
        session.add(Utterance(speaker, t, t + 3.0, text), emitted_at=t + 3.5)
        t += 4.0
    return session


PROPOSE = [
    ("rep", "A good next step would be a forty-five minute demo with you and Priya from RevOps."),
    ("rep", "How about Tuesday at 2pm?"),
]
AGREE = [("prospect", "Yes, Tuesday at 2pm works.")]
COUNTER = [
    ("prospect", "Oh wait, actually I have a conflict then. Could we do Thursday at 10am instead?"),
    ("rep", "Sure, Thursday at 10am it is."),
    ("prospect", "Great, Thursday at 10 works for me."),
    ("rep", "Perfect, talk then."),
]


# -- when an invite is written ------------------------------------------------------------------------------

def test_a_time_only_proposed_gives_no_invite(tmp_path: Path) -> None:
    sink = Sink()
    session = feed(PROPOSE, sink, InviteWriter(tmp_path / "invites", CALL_START))
    assert session.state.next_step is not None and session.state.next_step.when == TUESDAY_2PM
    assert sink.of(InviteReady) == [] and not (tmp_path / "invites").exists()


def test_the_invite_is_written_once_when_the_time_is_agreed(tmp_path: Path) -> None:
    sink = Sink()
    feed(PROPOSE + AGREE + [("rep", "Great, I'll see you and Priya then."), ("prospect", "Talk soon.")], sink,
         InviteWriter(tmp_path / "invites", CALL_START))
    invites = sink.of(InviteReady)
    assert len(invites) == 1
    invite = invites[0]
    assert invite.path == tmp_path / "invites" / "call-20261204-100500-1.ics" and invite.path.is_file()
    assert invite.start == TUESDAY_2PM and invite.minutes == 45 and invite.sequence == 0
    assert invite.t == 2 * 4.0 + 3.5  # the call-clock time of the yes that agreed it
    assert invite.attendees == ("Priya",) and invite.summary == "Forty-five minute demo with you and Priya from RevOps"
    # it comes right after the state change that agreed the step
    order = [type(e).__name__ for e in sink if isinstance(e, (StateChanged, InviteReady))]
    assert order.index("InviteReady") == 3 and order[2] == "StateChanged"
    event = vevent(invite.path)
    assert event.decoded("dtstart") == TUESDAY_2PM and event.decoded("dtstart").tzinfo is None
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(minutes=45)
    assert str(event["uid"]) == invite.uid and str(event["status"]) == "CONFIRMED"
    assert attendee_names(event) == ["Priya"] and "organizer" not in event
    [alarm] = list(event.walk("VALARM"))
    assert alarm.decoded("trigger") == timedelta(minutes=-15)


def test_a_counter_offer_accepted_writes_a_new_invite_for_the_same_event(tmp_path: Path) -> None:
    sink = Sink()
    feed(PROPOSE + AGREE + COUNTER, sink, InviteWriter(tmp_path / "invites", CALL_START))
    first, second = sink.of(InviteReady)
    assert (first.start, second.start) == (TUESDAY_2PM, THURSDAY_10AM)
    assert second.path.name == "call-20261204-100500-2.ics" and first.path.is_file()
    assert second.uid == first.uid and (first.sequence, second.sequence) == (0, 1)
    event = vevent(second.path)
    assert event.decoded("dtstart") == THURSDAY_10AM and int(event["sequence"]) == 1
    assert event.decoded("dtend") - THURSDAY_10AM == timedelta(minutes=45)


def test_a_yes_taken_back_and_given_again_offers_the_invite_again(tmp_path: Path) -> None:
    sink = Sink()
    feed(PROPOSE + AGREE + [
        ("prospect", "Actually, hold off on that until I talk to my boss."),
        ("rep", "Of course. Want to check with her now?"),
        ("prospect", "I just messaged her and she says Tuesday at 2pm is fine. Let's do it."),
        ("rep", "Great, see you Tuesday."),
    ], sink, InviteWriter(tmp_path / "invites", CALL_START))
    first, again = sink.of(InviteReady)
    assert first.start == again.start == TUESDAY_2PM and (first.sequence, again.sequence) == (0, 1)
    taken_back = [e.state.next_steps_secured for e in sink.of(StateChanged)
                  if first.t < e.t < again.t]
    assert taken_back and not any(taken_back)  # in between, the window showed it as no longer agreed


def test_without_a_writer_the_invite_goes_to_a_private_temporary_folder() -> None:
    sink = Sink()
    session = feed(PROPOSE + AGREE, sink)
    [invite] = sink.of(InviteReady)
    folder = invite.path.parent
    try:
        assert folder == session.invites.folder and folder.name.startswith("call-copilot-invites-")
        if os.name == "posix":
            assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert vevent(invite.path).decoded("dtstart") == TUESDAY_2PM
    finally:
        invite.path.unlink()
        folder.rmdir()


def test_a_folder_that_cannot_be_written_is_one_line_and_the_call_goes_on(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the invites folder should be")
    sink = Sink()
    session = feed(PROPOSE + AGREE + [("rep", "Great, talk Tuesday.")], sink, InviteWriter(blocker, CALL_START))
    assert sink.of(InviteReady) == []
    [problem] = sink.of(Problem)
    assert "not-a-folder" in problem.message and "\n" not in problem.message and not problem.bug
    assert len(session.utterances) == 4 and session.state.next_steps_secured
    assert session.finish().next_steps_secured and sink.of(Finished)


# -- what the service hands the session -----------------------------------------------------------------------

def test_invites_for_call_keeps_them_with_the_call_or_nowhere(tmp_path: Path) -> None:
    config = replace(build_config(data_dir=tmp_path / "home", environ={}), rep_name="Sam",
                     working_hours=WorkingHours(meeting_minutes=50))
    meeting = CalendarEvent(CALL_START, CALL_START + timedelta(minutes=30), "Acme intro",
                            ("Sam", "Dana Ríos", "Priya Shah"))
    writer = invites_for_call(config, CALL_START, meeting)
    assert writer.folder == tmp_path / "home" / "invites"
    assert writer.default_minutes == 50 and writer.leave_out == ("Sam",)
    sink = Sink()
    feed([("rep", "A good next step would be a demo with you and Priya."), ("rep", "How about Tuesday at 2pm?")]
         + AGREE, sink, writer)
    [invite] = sink.of(InviteReady)
    assert invite.minutes == 50  # no length said: Settings' usual meeting
    assert invite.attendees == ("Priya Shah", "Dana Ríos")  # the name said, matched to the meeting; the rep left out
    assert attendee_names(vevent(invite.path)) == ["Priya Shah", "Dana Ríos"]
    assert stat.S_IMODE(writer.folder.stat().st_mode) == 0o700 if os.name == "posix" else True
    assert invites_for_call(replace(config, save=False), CALL_START).folder is None


# -- the real pipeline: the demo call replayed -----------------------------------------------------------------

@pytest.mark.slow
def test_the_demo_replayed_through_the_service_offers_the_invite_before_the_call_ends(tmp_path: Path) -> None:
    service = CallService(build_config(data_dir=tmp_path / "home", environ={}))
    sink = Sink()
    call = service.start_replay(DEMO, None, sink, started_at=CALL_START)
    assert call.wait(300)
    invites = sink.of(InviteReady)
    assert len(invites) == 1, [type(e).__name__ for e in sink]
    invite = invites[0]
    assert sink.index(invite) < sink.index(sink.of(Finished)[0])
    assert invite.start == TUESDAY_2PM and invite.minutes == 30 and "Marcus" in invite.attendees
    event = vevent(invite.path)
    assert event.decoded("dtstart") == TUESDAY_2PM
    assert event.decoded("dtend") == TUESDAY_2PM + timedelta(minutes=30)
    assert "Marcus" in attendee_names(event) and "demo" in str(event["summary"]).lower()
    assert "Agreed by: Rep and Prospect" in str(event["description"])
    assert [a.decoded("trigger") for a in event.walk("VALARM")] == [timedelta(minutes=-15)]


@pytest.mark.slow
def test_live_events_print_the_invite_before_the_verdict(tmp_path: Path) -> None:
    env = dict(os.environ, COPILOT_HOME=str(tmp_path / "home"))
    done = subprocess.run([sys.executable, "-m", "copilot", "--data-dir", str(tmp_path / "home"), "live", "--replay",
                           str(DEMO), "--speed", "0", "--events", "--started-at", "2026-12-04T10:05"],
                          check=False, env=env, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    kinds = [line["type"] for line in lines]
    assert kinds.count("invite") == 1 and kinds[-1] == "verdict" and kinds.index("invite") < len(kinds) - 1
    invite = lines[kinds.index("invite")]
    assert set(invite) >= {"type", "t", "path", "start", "minutes", "summary", "attendees", "uid", "sequence"}
    assert isinstance(invite["t"], float) and invite["start"] == "2026-12-08T14:00:00"
    # it came while the call was on: transcript lines follow it
    assert "final" in kinds[kinds.index("invite"):]
    event = vevent(Path(invite["path"]))
    assert event.decoded("dtstart") == TUESDAY_2PM
    assert lines[-1]["next_step"]["when"] == "2026-12-08T14:00:00"
