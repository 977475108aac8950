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
from copilot.export.invite import next_step_ics
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
