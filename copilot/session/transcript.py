"""The transcript JSON of DESIGN.md: reading it strictly, so a bad file gets a one-line reason."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from copilot.errors import InputError
from copilot.session.utterance import SPEAKERS, Utterance


@dataclass(frozen=True)
class Transcript:
    """Utterances in time order, plus what is known about the call."""

    utterances: tuple[Utterance, ...]
    started_at: datetime | None = None
    vertical: str | None = None
    speakers_separated: bool = True
    meta: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"utterances": [u.to_dict() for u in self.utterances]}
        if self.started_at is not None:
            d["started_at"] = self.started_at.isoformat()
        if self.vertical:
            d["vertical"] = self.vertical
        if not self.speakers_separated:
            d["speakers_separated"] = False
        return d


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InputError(f"{where} must be a number of seconds, not {value!r}")
    return float(value)


def parse_transcript(data: Any, source: str = "transcript") -> Transcript:
    """Validate a decoded transcript object; raise InputError naming the first problem."""
    if not isinstance(data, dict) or not isinstance(data.get("utterances"), list):
        raise InputError(f"{source}: not a transcript (expected an object with an \"utterances\" list)")
    utterances: list[Utterance] = []
    for i, raw in enumerate(data["utterances"]):
        where = f"{source}: utterance {i}"
        if not isinstance(raw, dict):
            raise InputError(f"{where} is not an object")
        speaker = raw.get("speaker")
        if speaker not in SPEAKERS:
            raise InputError(f"{where}: speaker must be \"rep\" or \"prospect\", not {speaker!r}")
        text = raw.get("text")
        if not isinstance(text, str):
            raise InputError(f"{where}: text must be a string")
        start = _number(raw.get("start"), f"{where}: start")
        end = _number(raw.get("end"), f"{where}: end")
        if end < start:
            raise InputError(f"{where}: ends ({end}) before it starts ({start})")
        utterances.append(Utterance(speaker, start, end, text.strip()))
    utterances.sort(key=lambda u: (u.start, u.end))
    started_at = None
    raw_started = data.get("started_at")
    if raw_started is not None:
        try:
            started_at = datetime.fromisoformat(str(raw_started).replace("Z", "+00:00"))
        except ValueError:
            raise InputError(f"{source}: started_at {raw_started!r} is not an ISO 8601 date/time") from None
    vertical = data.get("vertical") if isinstance(data.get("vertical"), str) else None
    separated = data.get("speakers_separated", True) is not False
    return Transcript(tuple(utterances), started_at, vertical, separated)


TRANSCRIPT_SUFFIXES = (".json",)


def is_transcript_file(path: Path) -> bool:
    """A transcript is a .json file, or any file whose first non-blank byte is '{'."""
    if path.suffix.lower() in TRANSCRIPT_SUFFIXES:
        return True
    try:
        with path.open("rb") as fh:
            head = fh.read(64).lstrip()
    except OSError:
        return False
    return head.startswith(b"{")


def load_transcript(path: Path) -> Transcript:
    """Read a transcript JSON file."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{path}: not a UTF-8 JSON transcript") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: invalid JSON ({exc.msg} at line {exc.lineno})") from None
    return parse_transcript(data, str(path))
