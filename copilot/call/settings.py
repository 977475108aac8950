"""The app's settings: one typed object, loaded once at start-up and passed down.

Stored as ``settings.json`` in the data folder (so ``--data-dir``/``COPILOT_HOME`` move it too), with
a version number for later migrations. Qt-free on purpose: ``copilot.call.config`` merges it with the
command line and the environment into the run's ``Config``; the app's dialog edits it.
Written atomically; a damaged file falls back to the defaults with a logged warning.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, fields, replace
from datetime import time
from pathlib import Path
from typing import Any

from copilot.calendar.slots import WorkingHours
from copilot.coach.playbook import VERTICALS
from copilot.export.atomic import write_atomic

log = logging.getLogger(__name__)

VERSION = 1
FILE_NAME = "settings.json"
MODELS = ("tiny.en", "base", "base.en", "small.en")
AUTO_START = ("off", "ask", "start")


@dataclass(frozen=True)
class AppSettings:
    """What the user chose in the settings dialog."""

    mic: str | None = None  # input device name; None: the system default
    system_source: str | None = None  # system-audio source name; None: the default monitor/loopback
    model: str = "tiny.en"
    planned_minutes: int = 30
    vertical: str = "sales"
    data_dir: str | None = None  # None: COPILOT_HOME or the platform's user data folder
    keep_audio: bool = False  # recording may need everyone's consent: off unless the user turns it on
    rep_name: str | None = None  # the rep's name as caption files write it (which speaker is the rep)
    vocabulary: str | None = None  # names and terms the speech model should expect, comma-separated
    auto_start: str = "off"  # "off", "ask" or "start": when another app starts recording from the microphone
    calendars: tuple[str, ...] = ()  # the rep's calendar: .ics files or folders of them, read on the device
    work_start: str = "09:00"  # working hours, for the free slots the prompts offer
    work_end: str = "17:00"
    meeting_minutes: int = 30  # the usual length of a next meeting
    days_ahead: int = 14  # how far ahead to look for free slots
    version: int = VERSION

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["calendars"] = list(self.calendars)
        return d

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AppSettings:
        known = {f.name for f in fields(cls)}
        clean = {k: v for k, v in data.items() if k in known}
        raw_calendars = clean.pop("calendars", ())
        settings = replace(cls(), **clean)
        calendars = tuple(str(c) for c in raw_calendars if isinstance(c, str) and c.strip()) \
            if isinstance(raw_calendars, (list, tuple)) else ()
        settings = replace(settings, calendars=calendars)
        opens, closes = _clock(settings.work_start), _clock(settings.work_end)
        if opens is None or closes is None or opens >= closes:
            settings = replace(settings, work_start="09:00", work_end="17:00")
        if not isinstance(settings.meeting_minutes, int) or not 10 <= settings.meeting_minutes <= 240:
            settings = replace(settings, meeting_minutes=30)
        if not isinstance(settings.days_ahead, int) or not 1 <= settings.days_ahead <= 60:
            settings = replace(settings, days_ahead=14)
        if settings.vertical not in VERTICALS:
            settings = replace(settings, vertical="sales")
        if not isinstance(settings.planned_minutes, int) or not 5 <= settings.planned_minutes <= 240:
            settings = replace(settings, planned_minutes=30)
        if settings.auto_start not in AUTO_START:
            settings = replace(settings, auto_start="off")
        if not isinstance(settings.rep_name, str) or not settings.rep_name.strip():
            settings = replace(settings, rep_name=None)
        if not isinstance(settings.vocabulary, str) or not settings.vocabulary.strip():
            settings = replace(settings, vocabulary=None)
        return replace(settings, version=VERSION)


def _clock(value: object) -> time | None:
    """"HH:MM" as a time, or None when it is not one."""
    try:
        return time.fromisoformat(str(value))
    except ValueError:
        return None


def working_hours(settings: AppSettings) -> WorkingHours:
    """The settings' working hours, meeting length and look-ahead, as the calendar's free-slot search takes them."""
    return WorkingHours(start=_clock(settings.work_start) or time(9), end=_clock(settings.work_end) or time(17),
                        meeting_minutes=settings.meeting_minutes, days_ahead=settings.days_ahead)


def load_settings(folder: Path) -> AppSettings:
    path = folder / FILE_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return AppSettings()
    except (OSError, ValueError) as exc:
        log.warning("settings in %s unreadable (%s); using the defaults", path, exc)
        return AppSettings()
    if not isinstance(data, dict):
        return AppSettings()
    return AppSettings.from_dict(data)


def save_settings(folder: Path, settings: AppSettings) -> Path:
    """Raises OutputError when the folder cannot be written."""
    return write_atomic(folder / FILE_NAME, json.dumps(settings.to_dict(), indent=1) + "\n")
