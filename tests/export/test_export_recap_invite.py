"""The recap email (text and .eml draft) and the .ics invite for the agreed next step."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from email import message_from_bytes, policy
from email.parser import BytesParser
from typing import Any

import pytest
from export_helpers import typed, with_state, with_step
from icalendar import Calendar

from copilot.coach.state import Verdict
from copilot.errors import InputError
from copilot.export.invite import InviteWriter, call_uid, next_step_ics, step_invite
from copilot.export.recap_email import recap_eml, recap_subject, recap_text

# --- recap text ------------------------------------------------------------------------------------


def test_recap_follows_the_method(verdict: Verdict) -> None:
    text = recap_text(verdict, rep_name="Marcus", prospect_name="Dana")
    assert text.startswith("Hi Dana,\n\nThank you for your time today.")
    # key takeaways: the pain with its number, from the rep's summary (the other party named none themselves)
    assert "Key takeaways:\n- Onboarding takes your team three weeks\n" in text
    # the agreed next step with its owner and by-date
    assert "Agreed next steps:\n- Demo with your VP of engineering - owner: Marcus - by Tuesday, November 24, 2026 " \
           "at 2:00 PM\n" in text
    # the scheduled meeting: date, time with its (default) length, attendees; the invite still to send
    assert "- Date: Tuesday, November 24, 2026\n- Time: 2:00 PM - 2:30 PM (30 minutes)\n" in text
    assert "- Attendees: Dana, Marcus\n- I'll send you the calendar invite today." in text
    assert "Looking forward to the demo with your VP of engineering on Tuesday, November 24 at 2:00 PM." in text
    assert text.rstrip().endswith("Best,\nMarcus")
    # the template's order
    assert (text.index("Thank you") < text.index("Key takeaways") < text.index("Agreed next steps")
            < text.index("Scheduled meeting") < text.index("Looking forward"))


def test_recap_after_an_accepted_invite_says_it_is_on_the_calendar(verdict: Verdict) -> None:
    verdict = with_state(verdict, commitment_level=5)
    assert "- You should already have the calendar invite." in recap_text(verdict)


def test_recap_with_a_trigger_instead_of_a_time(verdict: Verdict) -> None:
    verdict = with_step(verdict, when=None, trigger="once you've reviewed the pricing with your CFO")
    text = recap_text(verdict)
    assert "- Demo with your VP of engineering (once you've reviewed the pricing with your CFO) - owner: you" in text
    assert "let me know and we'll put the next step on the calendar right away" in text
    assert "calendar invite" not in text and "Scheduled meeting" not in text


def test_recap_does_not_pretend_an_unagreed_step_was_agreed(verdict_json: dict[str, Any]) -> None:
    verdict_json["next_steps_secured"] = False
    verdict_json["criteria"]["acknowledged"]["met"] = False
    verdict = typed(verdict_json)
    text = recap_text(verdict)
    assert "What we agreed" not in text
    assert "Suggested next step:\n- demo with your VP of engineering\n" in text
    assert "- When: Tuesday, November 24, 2026 at 2:00 PM. Does that work on your end?" in text
    assert recap_subject(verdict) == "Thanks for today - recap and next steps"


def test_recap_with_nothing_known_is_a_usable_draft() -> None:
    text = recap_text(typed({"next_steps_secured": False, "next_step": None}))
    assert text.startswith("Hi there,")
    assert "[the key points you heard" in text
    assert "Could we get 30 minutes on [day] at [time]" in text
    assert text.rstrip().endswith("[Your name]")


# --- .eml ------------------------------------------------------------------------------------------


def test_eml_is_an_unsent_rfc5322_draft_carrying_the_next_step(verdict: Verdict) -> None:
    raw = recap_eml(verdict, to="Dana Ríos <dana@example.com>")
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")  # CRLF line ends only
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert message["X-Unsent"] == "1"
    assert message["To"].addresses[0].addr_spec == "dana@example.com"
    assert message["To"].addresses[0].display_name == "Dana Ríos"
    assert (
        message["Subject"]
        == "Recap and next step: Demo with your VP of engineering, Tuesday, November 24, 2026 at 2:00 PM"
    )
    assert message["Date"] is not None and message["Message-ID"]
    assert message.get_content_type() == "text/plain"
    body = message.get_content()
    assert "- Demo with your VP of engineering - owner: me - by Tuesday, November 24, 2026 at 2:00 PM" in body
    assert not message.defects


def test_eml_subject_override_sender_and_no_recipient(verdict: Verdict) -> None:
    raw = recap_eml(verdict, subject="Our call — next steps", sender="Marcus <marcus@example.com>", rep_name="Marcus")
    message = message_from_bytes(raw, policy=policy.default)
    assert message["Subject"] == "Our call — next steps"
    assert message["From"].addresses[0].addr_spec == "marcus@example.com"
    assert message["To"] is None
    assert message.get_content().rstrip().endswith("Marcus")


def test_eml_refuses_header_injection(verdict: Verdict) -> None:
    with pytest.raises(InputError):
        recap_eml(verdict, to="a@example.com\r\nBcc: evil@example.com")


# --- .ics ------------------------------------------------------------------------------------------


def _event(data: bytes) -> Any:
    calendar = Calendar.from_ical(data)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    return events[0]


def test_ics_has_the_right_floating_start_and_summary(verdict: Verdict) -> None:
    data = next_step_ics(verdict)
    assert data is not None
    assert b"\r\n" in data
    event = _event(data)
    start = event.decoded("dtstart")
    assert start == datetime(2026, 11, 24, 14, 0) and start.tzinfo is None  # local floating time
    assert event.decoded("dtend") == datetime(2026, 11, 24, 14, 30)
    assert str(event["summary"]) == "Demo with your VP of engineering"
    description = str(event["description"])
    assert '[28:59] Prospect: "Tuesday at 2 works. Send the invite."' in description
    assert event.decoded("dtstamp").tzinfo is not None
    assert str(event["status"]) == "CONFIRMED"


def test_ics_uid_is_stable_and_specific_to_the_step(verdict_json: dict[str, Any]) -> None:
    first = str(_event(next_step_ics(typed(verdict_json)) or b"")["uid"])
    again = str(_event(next_step_ics(typed(verdict_json)) or b"")["uid"])
    assert first == again and first.endswith("@call-copilot")
    verdict_json["next_step"]["when"] = "2026-11-26T10:00:00"
    assert str(_event(next_step_ics(typed(verdict_json)) or b"")["uid"]) != first


def test_ics_with_an_offset_is_written_in_utc(verdict_json: dict[str, Any]) -> None:
    verdict_json["next_step"]["when"] = "2026-11-24T14:00:00-05:00"
    event = _event(next_step_ics(typed(verdict_json), duration_minutes=45) or b"")
    start = event.decoded("dtstart")
    assert start == datetime(2026, 11, 24, 19, 0, tzinfo=timezone.utc)
    assert event.decoded("dtend") - start == timedelta(minutes=45)


def test_ics_date_only_is_an_all_day_event(verdict_json: dict[str, Any]) -> None:
    verdict_json["next_step"]["when"] = "2027-01-15"
    event = _event(next_step_ics(typed(verdict_json)) or b"")
    assert event.decoded("dtstart") == date(2027, 1, 15)
    assert event.decoded("dtend") == date(2027, 1, 16)


def test_ics_organizer(verdict: Verdict) -> None:
    event = _event(next_step_ics(verdict, organizer="Marcus Lee <marcus@example.com>") or b"")
    assert str(event["organizer"]) == "mailto:marcus@example.com"
    assert event["organizer"].params["CN"] == "Marcus Lee"
    with pytest.raises(InputError):
        next_step_ics(verdict, organizer="not an address")


@pytest.mark.parametrize("when", [None, "", "next week"])
def test_no_ics_without_a_resolved_when(verdict_json: dict[str, Any], when: Any) -> None:
    verdict_json["next_step"]["when"] = when
    assert next_step_ics(typed(verdict_json)) is None


def test_no_ics_without_a_next_step(verdict: Verdict) -> None:
    assert next_step_ics(with_state(verdict, next_step=None)) is None


def test_ics_names_the_other_party_of_the_call_s_vertical(verdict: Verdict) -> None:
    description = str(_event(next_step_ics(replace(verdict, vertical="it_service_desk")) or b"")["description"])
    assert '[28:59] Caller: "Tuesday at 2 works. Send the invite."' in description


def test_ics_rejects_a_nonsense_duration(verdict: Verdict) -> None:
    with pytest.raises(InputError):
        next_step_ics(verdict, duration_minutes=0)


# --- the invite's length, people, reminder, UID and zone (issue 11, item 3) ------------------------------------


def _names(event: Any) -> list[str]:
    raw = event.get("attendee")
    items = raw if isinstance(raw, list) else [raw] if raw is not None else []
    return [str(a.params["CN"]) for a in items]


def test_ics_takes_the_length_said_else_the_usual_one(verdict: Verdict) -> None:
    said = _event(next_step_ics(with_step(verdict, length_minutes=45)) or b"")
    assert said.decoded("dtend") - said.decoded("dtstart") == timedelta(minutes=45)
    usual = step_invite(verdict.next_step, agreed=True, default_minutes=50)
    assert usual is not None and usual.minutes == 50
    assert _event(usual.ics).decoded("dtend") == datetime(2026, 11, 24, 14, 50)
    assert "When: Tuesday, November 24, 2026 at 2:00 PM (50 minutes)" in str(_event(usual.ics)["description"])
    with pytest.raises(InputError):
        step_invite(verdict.next_step, agreed=True, default_minutes=0)


def test_ics_names_the_people_said_in_the_transcript_s_case_and_not_you(verdict: Verdict) -> None:
    step = replace(verdict.next_step, attendees=("you", "marcus", "your vp of engineering", "us"))
    event = _event(next_step_ics(with_step(verdict, attendees=step.attendees)) or b"")
    # "marcus" was never said in this call's lines: capitalised; the VP keeps the case the rep used
    assert _names(event) == ["Marcus", "your VP of engineering"]
    assert all(str(a) == "invalid:nomail" for a in event["attendee"])  # a name, no address: nobody is mailed
    assert "With: Marcus, your VP of engineering" in str(event["description"])
    assert "organizer" not in event


def test_ics_a_length_misread_as_a_name_is_no_one(verdict: Verdict) -> None:
    step = replace(verdict.next_step, attendees=("you", "your vp of engineering 45", "minutes"))
    invite = step_invite(step, agreed=True)
    assert invite is not None and invite.attendees == ("your VP of engineering",)


def test_ics_matches_a_name_to_the_calendar_meeting_and_adds_its_people(verdict: Verdict) -> None:
    step = replace(verdict.next_step, attendees=("you", "marcus"))
    invite = step_invite(step, agreed=True, texts=["Marcus will want to see it."],
                         meeting_attendees=["Sam Rep", "Dana Ríos", "Marcus Lee"], leave_out=["Sam Rep"])
    assert invite is not None and invite.attendees == ("Marcus Lee", "Dana Ríos")
    assert _names(_event(invite.ics)) == ["Marcus Lee", "Dana Ríos"]


def test_ics_has_a_reminder_fifteen_minutes_before(verdict: Verdict) -> None:
    event = _event(next_step_ics(verdict) or b"")
    [alarm] = list(event.walk("VALARM"))
    assert str(alarm["action"]) == "DISPLAY"
    assert alarm.decoded("trigger") == timedelta(minutes=-15)
    assert "Demo with your VP of engineering" in str(alarm["description"])


def test_ics_description_says_who_agreed_and_what_the_summary_was(verdict: Verdict) -> None:
    description = str(_event(next_step_ics(verdict) or b"")["description"])
    assert "Agreed by: Rep and Prospect" in description
    assert "From the call's summary:\n[28:32] Rep: \"Let me make sure I captured everything" in description
    assert description.index("summary") < description.index("What was said:")


def test_ics_uid_per_call_and_step(verdict: Verdict) -> None:
    start = datetime(2026, 11, 19, 10, 0)
    step = verdict.next_step
    assert step is not None
    uid = call_uid(start, step)
    assert uid == call_uid(start, replace(step, when=datetime(2026, 11, 26, 10, 0)))  # a new time: the same event
    assert uid == call_uid(start, replace(step, action="Demo with your VP of Engineering."))
    assert uid != call_uid(start + timedelta(days=1), step) and uid != call_uid(start, replace(step, action="trial"))
    assert str(_event(next_step_ics(verdict, started_at=start) or b"")["uid"]) == uid


def test_ics_in_the_calendar_s_zone_carries_its_timezone(verdict: Verdict) -> None:
    from zoneinfo import ZoneInfo

    invite = step_invite(verdict.next_step, agreed=True, tz=ZoneInfo("Europe/Berlin"))
    assert invite is not None
    calendar = Calendar.from_ical(invite.ics)
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    start = _event(invite.ics).decoded("dtstart")
    assert start.replace(tzinfo=None) == datetime(2026, 11, 24, 14, 0) and start.utcoffset() == timedelta(hours=1)


def test_invite_writer_numbers_its_files_and_raises_the_sequence(verdict: Verdict, tmp_path: Any) -> None:
    start = datetime(2026, 11, 19, 10, 0)
    writer = InviteWriter(tmp_path / "invites", start, vertical="sales")
    step = verdict.next_step
    assert step is not None
    first = writer.write(step, agreed=True)
    second = writer.write(replace(step, when=datetime(2026, 11, 26, 10, 0)), agreed=True)
    assert first is not None and second is not None
    assert [p.name for p in writer.written] == ["call-20261119-100000-1.ics", "call-20261119-100000-2.ics"]
    assert (first[1].sequence, second[1].sequence) == (0, 1) and first[1].uid == second[1].uid
    event = _event(second[0].read_bytes())
    assert int(event["sequence"]) == 1 and event.decoded("dtstart") == datetime(2026, 11, 26, 10, 0)
    assert [p.name for p in (tmp_path / "invites").iterdir()] != []
    assert not [p for p in (tmp_path / "invites").iterdir() if p.name.startswith(".")]  # no temporary left
    assert first[1].describe() == "Tuesday 24 Nov, 14:00–14:30"
    assert writer.write(replace(step, when=None), agreed=True) is None
