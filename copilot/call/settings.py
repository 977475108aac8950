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
from pathlib import Path
from typing import Any

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
    version: int = VERSION

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AppSettings:
        known = {f.name for f in fields(cls)}
        clean = {k: v for k, v in data.items() if k in known}
        settings = replace(cls(), **clean)
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
