"""Free slots to offer when locking the next step: "I have Tuesday at 2pm or Thursday at 10am — which works better?"

The two best slots are the earliest free ones on two different working days after the call's day (the next step
is rarely later the same day, and two days give the other side a real choice), inside working hours, long enough
for the usual meeting, on a half-hour grid, clear of every busy event.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from copilot.calendar.events import CalendarEvent


@dataclass(frozen=True)
class WorkingHours:
    """When the rep takes meetings (Settings): the day's hours, the working weekdays (0 = Monday), the usual meeting
    length and how far ahead to look."""

    start: time = time(9, 0)
    end: time = time(17, 0)
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)
    meeting_minutes: int = 30
    days_ahead: int = 14


GRID = timedelta(minutes=30)


def free_slots(events: Sequence[CalendarEvent], after: datetime, hours: WorkingHours = WorkingHours(),
               count: int = 2, minutes: int | None = None) -> tuple[datetime, ...]:
    """The first free start on each of the next working days after ``after``'s day, ``count`` of them."""
    length = timedelta(minutes=minutes or hours.meeting_minutes)
    busy = [e for e in events if e.busy]
    found: list[datetime] = []
    day = after.date()
    for _ in range(hours.days_ahead):
        day += timedelta(days=1)
        if day.weekday() not in hours.weekdays:
            continue
        start = datetime.combine(day, hours.start)
        close = datetime.combine(day, hours.end)
        while start + length <= close:
            clash = next((e for e in busy if e.overlaps(start, start + length)), None)
            if clash is None:
                found.append(start)
                break
            start = max(start + GRID, _on_grid(clash.end, day))
        if len(found) >= count:
            break
    return tuple(found)


def _on_grid(when: datetime, day: object) -> datetime:
    """The first half-hour mark at or after ``when`` (a meeting ending 10:50 frees 11:00)."""
    midnight = datetime.combine(when.date(), time())
    steps = -(-(when - midnight) // GRID)
    return midnight + steps * GRID
