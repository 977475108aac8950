"""The rep's calendar files (a .ics file or a folder of them), re-read when they change.

A missing or broken file is one line in ``problems`` and is skipped: the call goes on without what it held.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

from copilot.calendar.events import CalendarEvent, events_between, read_calendar
from copilot.calendar.slots import WorkingHours, free_slots
from copilot.errors import InputError


MAX_MEETING = timedelta(hours=4)  # longer timed events are blocks ("customer calls 9–17"), not a meeting


def meeting_at(events: Sequence[CalendarEvent], when: datetime) -> CalendarEvent | None:
    """The meeting in progress at ``when``: a timed event of at most four hours that covers it — one with attendees
    before one without, then the one that started closest to it."""
    covering = [e for e in events if not e.all_day and e.covers(when) and e.end - e.start <= MAX_MEETING]
    return max(covering, key=lambda e: (bool(e.attendees), e.start)) if covering else None


class CalendarSource:
    """Calendar files read on demand; each is parsed again only when its modification time changes."""

    def __init__(self, paths: Sequence[str | Path], tz: tzinfo | None = None) -> None:
        self.paths = tuple(Path(p).expanduser() for p in paths)
        self.tz = tz
        self._cache: dict[Path, tuple[float, Any]] = {}
        self._lock = threading.Lock()
        self.problems: tuple[str, ...] = ()

    def files(self) -> tuple[list[Path], list[str]]:
        found: list[Path] = []
        problems: list[str] = []
        for p in self.paths:
            if p.is_dir():
                found.extend(sorted(q for q in p.rglob("*") if q.suffix.lower() == ".ics" and q.is_file()))
            elif p.exists():
                found.append(p)
            else:
                problems.append(f"calendar {p}: no such file or folder")
        return found, problems

    def _calendar(self, f: Path) -> Any:
        mtime = f.stat().st_mtime
        cached = self._cache.get(f)
        if cached is None or cached[0] != mtime:
            cached = (mtime, read_calendar(f))
            self._cache[f] = cached
        return cached[1]

    def events(self, start: datetime, end: datetime) -> list[CalendarEvent]:
        """The occurrences overlapping [start, end), from files as they are now on disk; a file that cannot be read
        or expanded is skipped and named in ``problems``."""
        with self._lock:
            files, problems = self.files()
            out: list[CalendarEvent] = []
            for f in files:
                try:
                    out.extend(events_between(self._calendar(f), start, end, self.tz))
                except InputError as exc:
                    problems.append(str(exc))
                except OSError as exc:
                    problems.append(f"calendar {f}: cannot read ({exc.strerror or exc})")
                except (ValueError, KeyError, TypeError) as exc:  # icalendar's InvalidCalendar is a ValueError
                    first = (str(exc).splitlines() or [type(exc).__name__])[0]
                    problems.append(f"calendar {f}: not a readable iCalendar file ({first[:120]})")
            self.problems = tuple(problems)
            out.sort(key=lambda e: (e.start, e.end, e.title))
            return out

    def meeting_at(self, when: datetime) -> CalendarEvent | None:
        return meeting_at(self.events(when - timedelta(hours=12), when + timedelta(hours=12)), when)

    def free_slots(self, after: datetime, hours: WorkingHours = WorkingHours(), count: int = 2,
                   minutes: int | None = None) -> tuple[datetime, ...]:
        events = self.events(after, after + timedelta(days=hours.days_ahead + 1))
        return free_slots(events, after, hours, count, minutes)
