"""The follow-ups as an iCalendar file of tasks (``followups.ics``): one VTODO each, with an alarm when it is due.

Any calendar or task app (Thunderbird, Apple Reminders via Calendar, Outlook) imports it; written with
``icalendar``. Due times are local floating times, as the history keeps them, so a task due at 17:00 is due at
17:00 wherever the rep is. The UID is the follow-up's id in the history, so importing a newer export updates the
same tasks instead of adding copies; done ones are COMPLETED.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta, timezone

from icalendar import Alarm, Calendar, Todo

from copilot.followups.model import StoredFollowUp

PRODID = "-//Call Copilot//Follow-ups//EN"
KIND_CATEGORY = {"recap": "Recap", "materials": "Materials", "confirmation": "Confirmation",
                 "follow_up": "Follow-up"}


def uid(item: StoredFollowUp) -> str:
    """Stable per follow-up in one history: its id and its call's."""
    return f"followup-{item.id}-call-{item.call_id}@call-copilot"


def followups_ics(items: Iterable[StoredFollowUp], now: datetime | None = None) -> bytes:
    """One VCALENDAR holding a VTODO (DUE, SUMMARY, STATUS, a VALARM at the due time) per follow-up."""
    stamp = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(microsecond=0)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    for item in items:
        todo = Todo()
        todo.add("uid", uid(item))
        todo.add("dtstamp", stamp)
        todo.add("summary", item.what)
        todo.add("due", item.due.replace(microsecond=0))
        todo.add("categories", [KIND_CATEGORY.get(item.kind, item.kind)])
        todo.add("description", f"From call {item.call_id} ({item.kind.replace('_', ' ')}).")
        if item.done:
            todo.add("status", "COMPLETED")
            todo.add("percent-complete", 100)
        else:
            todo.add("status", "NEEDS-ACTION")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", item.what)
        alarm.add("trigger", timedelta(0), parameters={"RELATED": "END"})  # RFC 5545: END is the VTODO's DUE
        todo.add_component(alarm)
        calendar.add_component(todo)
    ical: bytes = calendar.to_ical()
    return ical
