"""The configuration of one run, built once at the composition root and passed down.

Three sources, in order of precedence: the command line, the environment (``COPILOT_HOME``,
``COPILOT_ALLOW_DOWNLOAD`` — read here and nowhere else), and the settings the user saved in the app.
What comes out is plain, checked and canonical: the data folder as a path, the vertical as the
playbook's own name (``cs`` → ``customer_success``), so no later stage re-parses or re-decides it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

import platformdirs

from copilot.calendar.slots import WorkingHours
from copilot.call.settings import AppSettings, load_settings, working_hours
from copilot.coach.playbook import VERTICALS, canonical_vertical
from copilot.errors import UsageError

APP_NAME = "call-copilot"
HOME_ENV = "COPILOT_HOME"
DOWNLOAD_ENV = "COPILOT_ALLOW_DOWNLOAD"
MAX_THREADS = 16


@dataclass(frozen=True)
class Config:
    """Everything a call needs to know about this run. Immutable: safe to hand to any thread."""

    home: Path  # where settings.json lives: --data-dir, COPILOT_HOME or the user data folder
    data_dir: Path  # the history, journal and recordings: the folder chosen in Settings, else ``home``
    model: str | None = None
    cpu_threads: int = 1  # per channel; 1 was as fast as 2 for tiny.en (RESEARCH.md) and leaves a core free
    vocabulary: str | None = None
    allow_download: bool = False
    vertical: str = "sales"
    planned_minutes: int = 30
    planned_minutes_given: bool = False  # --planned-minutes: it wins over the calendar's meeting end
    mic: str | None = None
    system_source: str | None = None
    keep_audio: bool = False
    save: bool = True
    rep_name: str | None = None  # which named speaker of a caption file is the rep
    auto_start: str = "off"  # "off", "ask" or "start" a call when another app starts using the microphone
    calendars: tuple[Path, ...] = ()  # the rep's .ics files or folders (--calendar, Settings)
    account: str | None = None  # the account the call belongs to (--account): its action plan is carried
    working_hours: WorkingHours = field(default_factory=WorkingHours)

    def with_settings(self, settings: AppSettings) -> Config:
        """The same run after the user changed the settings in the app (the data folder may move)."""
        return replace(
            self,
            data_dir=Path(settings.data_dir).expanduser() if settings.data_dir else self.home,
            model=settings.model or self.model,
            vertical=check_vertical(settings.vertical),
            planned_minutes=settings.planned_minutes,
            mic=settings.mic,
            system_source=settings.system_source,
            keep_audio=settings.keep_audio,
            rep_name=settings.rep_name,
            vocabulary=settings.vocabulary,
            auto_start=settings.auto_start,
            calendars=tuple(Path(c).expanduser() for c in settings.calendars),
            working_hours=working_hours(settings),
        )


def default_data_dir(data_dir: str | os.PathLike[str] | None, environ: Mapping[str, str]) -> Path:
    """``--data-dir``, else ``COPILOT_HOME``, else the platform's user data folder (not created here)."""
    if data_dir is not None and str(data_dir) != "":
        return Path(data_dir).expanduser()
    if environ.get(HOME_ENV):
        return Path(environ[HOME_ENV]).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def parse_started_at(value: str | None) -> datetime | None:
    """``--started-at``: an ISO 8601 date/time, or UsageError with an example."""
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--started-at {value!r} is not an ISO 8601 date/time (e.g. 2026-11-21T10:00)") from None


def check_vertical(vertical: str | None) -> str:
    """The canonical vertical, or a UsageError naming the known ones."""
    name = canonical_vertical(vertical)
    if name not in VERTICALS:
        raise UsageError(f"unknown vertical {vertical!r} (known: {', '.join(VERTICALS)})")
    return name


def build_config(*, data_dir: str | os.PathLike[str] | None = None, environ: Mapping[str, str] | None = None,
                 settings: AppSettings | None = None, model: str | None = None, vertical: str | None = None,
                 cpu_threads: int | None = None, vocabulary: str | None = None, mic: str | None = None,
                 system_source: str | None = None, planned_minutes: int | None = None, save: bool = True,
                 rep_name: str | None = None, calendars: Sequence[str | os.PathLike[str]] | None = None,
                 account: str | None = None) -> Config:
    """The run's configuration: command-line values win over the environment, which wins over the settings
    (``settings``, or the ones saved in the data folder)."""
    env = os.environ if environ is None else environ
    threads = 1 if cpu_threads is None else cpu_threads
    if not 1 <= threads <= MAX_THREADS:
        raise UsageError(f"--threads must be between 1 and {MAX_THREADS}")
    if planned_minutes is not None and not 5 <= planned_minutes <= 240:
        raise UsageError("--planned-minutes must be between 5 and 240")
    home = default_data_dir(data_dir, env)
    saved = settings if settings is not None else load_settings(home)
    return Config(
        home=home,
        data_dir=Path(saved.data_dir).expanduser() if saved.data_dir else home,
        model=model or saved.model or None,
        cpu_threads=threads,
        vocabulary=vocabulary if vocabulary is not None else saved.vocabulary,
        allow_download=env.get(DOWNLOAD_ENV) == "1",
        vertical=check_vertical(vertical if vertical is not None else saved.vertical),
        planned_minutes=planned_minutes or saved.planned_minutes,
        planned_minutes_given=planned_minutes is not None,
        mic=mic if mic is not None else saved.mic,
        system_source=system_source if system_source is not None else saved.system_source,
        keep_audio=saved.keep_audio,
        save=save,
        rep_name=rep_name if rep_name is not None else saved.rep_name,
        auto_start=saved.auto_start,
        calendars=tuple(Path(c).expanduser() for c in (calendars if calendars else saved.calendars)),
        account=" ".join(account.split()) or None if account else None,
        working_hours=working_hours(saved),
    )
