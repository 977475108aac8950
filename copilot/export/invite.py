"""A calendar invite (.ics) for the secured next step, at the date and time the coach resolved.

Lock, the last stage of the close, is "I'm sending the invite now": this file is that invite, ready to
open in any calendar. Its UID is derived from the next step itself, so exporting the same call twice
updates the one event instead of adding a duplicate.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timedelta, timezone
from email.utils import parseaddr

from icalendar import Calendar, Event, vCalAddress, vText

from copilot.coach.state import NextStep, Verdict
from copilot.coach.verdict import next_step_dict
from copilot.errors import InputError
from copilot.export._fmt import evidence_line, one_line, resolve_labels, step_when

PRODID = "-//Call Copilot//Next step invite//EN"


def _uid(step: NextStep) -> str:
    """Derived from the step as the verdict JSON writes it (action, when, evidence times and words), so the same
    step gives the same UID across exports and versions."""
    wire = next_step_dict(step) or {}
    key = {
        "action": wire.get("action"),
        "when": wire.get("when"),
        "evidence": [[ev.get("t"), ev.get("text")] for ev in wire.get("evidence") or []],
    }
    digest = hashlib.sha256(json.dumps(key, sort_keys=True, default=str).encode("utf-8")).hexdigest()
    return f"{digest[:32]}@call-copilot"


def _summary(step: NextStep) -> str:
    action = one_line(step.action).rstrip(".")
    return f"{action[:1].upper()}{action[1:]}" if action else "Follow-up call"


def _description(verdict: Verdict, step: NextStep) -> str:
    labels = resolve_labels(None, verdict.vertical)
    lines = ["Next step agreed on the call." if verdict.next_steps_secured else "Next step proposed on the call."]
    if step.action:
        lines.append(f"Action: {one_line(step.action)}")
    if step.trigger:
        lines.append(f"Trigger: {one_line(step.trigger)}")
    evidence = [evidence_line(ev, labels) for ev in step.evidence]
    if evidence:
        lines += ["", "What was said:"] + evidence
    return "\n".join(lines)


def _organizer(organizer: str) -> vCalAddress:
    name, address = parseaddr(organizer)
    if not address or "@" not in address:
        raise InputError(f"organizer {organizer!r} is not an email address")
    cal_address = vCalAddress(f"mailto:{address}")
    if name:
        cal_address.params["CN"] = vText(name)
    return cal_address


def next_step_ics(
    verdict: Verdict,
    duration_minutes: int = 30,
    organizer: str | None = None,
) -> bytes | None:
    """An iCalendar file with one VEVENT at ``next_step.when``; None when no date/time was resolved.

    A naive ``when`` is local floating time (as DESIGN.md resolves it) and stays floating; one with an
    offset is written in UTC; a date without a time becomes an all-day event.
    """
    if isinstance(duration_minutes, bool) or not isinstance(duration_minutes, int) or duration_minutes <= 0:
        raise InputError(f"invite duration must be a positive number of minutes, not {duration_minutes!r}")
    step = verdict.next_step
    when = step_when(step)
    if step is None or when is None:
        return None

    event = Event()
    event.add("uid", _uid(step))
    event.add("dtstamp", datetime.now(timezone.utc).replace(microsecond=0))
    if isinstance(when, datetime):
        start = when.astimezone(timezone.utc) if when.tzinfo is not None else when
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(minutes=duration_minutes))
    else:
        assert isinstance(when, date)
        event.add("dtstart", when)
        event.add("dtend", when + timedelta(days=1))
    event.add("summary", _summary(step))
    event.add("description", _description(verdict, step))
    event.add("status", "CONFIRMED" if verdict.next_steps_secured else "TENTATIVE")
    if organizer:
        event.add("organizer", _organizer(organizer))

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add_component(event)
    ical: bytes = calendar.to_ical()  # icalendar is untyped here
    return ical
