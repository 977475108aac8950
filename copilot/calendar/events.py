"""One .ics file → the events in a window of time, with recurrences expanded.

Recurrence (RRULE, RDATE, EXDATE, overridden instances) is ``recurring-ical-events``'s job and time zones (TZID,
UTC, floating, Outlook's Windows zone names) are ``icalendar``'s; nothing here re-implements either. Every time that
leaves this module is a naive datetime in the machine's local time, the way the rest of the program keeps the call's
date; a floating time is taken as local already.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any

from copilot.errors import InputError


@dataclass(frozen=True)
class CalendarEvent:
    """One occurrence of an event, in local time. ``busy`` is False for a transparent ("show as free") event."""

    start: datetime
    end: datetime
    title: str
    attendees: tuple[str, ...] = ()  # the people's names, as the invite gives them (CN, else from the address)
    organizer: str | None = None
    busy: bool = True
    all_day: bool = False

    def covers(self, when: datetime) -> bool:
        return self.start <= when < self.end

    def overlaps(self, start: datetime, end: datetime) -> bool:
        return self.start < end and start < self.end


def _local(value: date | datetime, tz: tzinfo | None) -> datetime:
    """A DTSTART/DTEND value as a naive local datetime (a date is its midnight)."""
    if not isinstance(value, datetime):
        return datetime.combine(value, time())
    if value.tzinfo is None:
        return value  # floating: the same wall-clock time wherever the user is
    return value.astimezone(tz).replace(tzinfo=None)


def person_name(value: Any) -> str | None:
    """The name of an ATTENDEE/ORGANIZER: its CN, else the address's local part made readable
    ("dana.lee@acme.com" → "Dana Lee"); None for a bare resource or an empty value."""
    if value is None:
        return None
    params = getattr(value, "params", {}) or {}
    name = str(params.get("CN", "")).strip().strip('"')
    if name and "@" not in name:
        return name
    address = str(value).split(":", 1)[-1] if ":" in str(value) else str(value)
    local = address.split("@", 1)[0]
    words = [w for w in re.split(r"[._\-+]+", local) if w.isalpha()]
    return " ".join(w.capitalize() for w in words) or None


def _people(component: Any) -> tuple[tuple[str, ...], str | None]:
    raw = component.get("ATTENDEE")
    attendees = raw if isinstance(raw, list) else ([raw] if raw is not None else [])
    names: list[str] = []
    for a in attendees:
        name = person_name(a)
        if name and name not in names:
            names.append(name)
    return tuple(names), person_name(component.get("ORGANIZER"))


def _event(component: Any, tz: tzinfo | None) -> CalendarEvent | None:
    start_raw = component.get("DTSTART")
    if start_raw is None:
        return None
    start_value = start_raw.dt
    all_day = not isinstance(start_value, datetime)
    end_raw = component.get("DTEND")
    if end_raw is not None:
        end_value = end_raw.dt
    elif component.get("DURATION") is not None:
        end_value = start_value + component.get("DURATION").dt
    else:
        end_value = start_value + (timedelta(days=1) if all_day else timedelta())
    start, end = _local(start_value, tz), _local(end_value, tz)
    if end < start:
        end = start
    attendees, organizer = _people(component)
    transparent = str(component.get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT"
    cancelled = str(component.get("STATUS", "")).upper() == "CANCELLED"
    if cancelled:
        return None
    return CalendarEvent(start, end, str(component.get("SUMMARY", "")).strip(), attendees, organizer,
                         busy=not transparent, all_day=all_day)


def parse_calendar(data: bytes, source: str = "calendar") -> Any:
    """The icalendar object of an .ics file's bytes; InputError with one line when it is not a calendar."""
    import icalendar

    try:
        calendars = icalendar.Calendar.from_ical(data, multiple=True)
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"{source}: not a readable iCalendar file ({first[:120]})") from None
    if not calendars:
        raise InputError(f"{source}: not an iCalendar file (no VCALENDAR)")
    return calendars


def events_between(calendars: Iterable[Any], start: datetime, end: datetime,
                   tz: tzinfo | None = None) -> list[CalendarEvent]:
    """Every occurrence overlapping [start, end) (local naive times), recurrences expanded, in start order."""
    import recurring_ical_events
    import x_wr_timezone

    out: list[CalendarEvent] = []
    for cal in calendars:
        cal = x_wr_timezone.to_standard(cal)  # Google's X-WR-TIMEZONE calendars
        # a day's margin either side: the window is local time, the calendar's times may be any zone
        for component in recurring_ical_events.of(cal).between(start - timedelta(days=1), end + timedelta(days=1)):
            event = _event(component, tz)
            if event is not None and event.overlaps(start, end):
                out.append(event)
    out.sort(key=lambda e: (e.start, e.end, e.title))
    return out


def read_calendar(path: Path) -> Any:
    """An .ics file's calendars; InputError with one line for a missing, unreadable or broken file."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"calendar {path}: no such file") from None
    except OSError as exc:
        raise InputError(f"calendar {path}: cannot read ({exc.strerror or exc})") from None
    return parse_calendar(data, f"calendar {path}")
