"""Reading a transcript, strictly, so a bad file gets a one-line reason: the transcript JSON of DESIGN.md, and the
caption files people already have (WebVTT, SRT, ``Name: text``; ``copilot.session.captions``)."""

from __future__ import annotations

import json
import math
import re
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


# A transcript is three levels deep ({"utterances": [{...}]}); anything far deeper is not one, and Python's JSON
# reader (and every repr of what it returns) would run out of stack on it: a RecursionError, not a reason.
MAX_JSON_DEPTH = 64
# A ten-hour call is a few megabytes of transcript; a file far larger is not one, and would only fill memory.
MAX_TRANSCRIPT_BYTES = 64 * 1024 * 1024

_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


def _show(value: Any, limit: int = 40) -> str:
    """A value for an error message: its repr, cut short, on one line (never recursing into nested data)."""
    if isinstance(value, (list, dict)):
        return f"a JSON {'list' if isinstance(value, list) else 'object'}"
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InputError(f"{where} must be a number of seconds, not {_show(value)}")
    return float(value)


def _confidence(value: Any, where: str) -> float:
    """How sure the speaker is: optional, 0.5 (a coin toss between two voices) to 1 (a channel or a name says)."""
    if value is None:
        return 1.0
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.5 <= value <= 1.0:
        raise InputError(f"{where}: speaker_confidence must be a number from 0.5 to 1, not {_show(value)}")
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
            raise InputError(f"{where}: speaker must be \"rep\" or \"prospect\", not {_show(speaker)}")
        text = raw.get("text")
        if not isinstance(text, str):
            raise InputError(f"{where}: text must be a string")
        start = _number(raw.get("start"), f"{where}: start")
        end = _number(raw.get("end"), f"{where}: end")
        if end < start:
            raise InputError(f"{where}: ends ({end}) before it starts ({start})")
        confidence = _confidence(raw.get("speaker_confidence"), where)
        utterances.append(Utterance(speaker, start, end, text.strip(), speaker_confidence=confidence))
    utterances.sort(key=lambda u: (u.start, u.end))
    started_at = None
    raw_started = data.get("started_at")
    if raw_started is not None:
        try:
            started_at = datetime.fromisoformat(str(raw_started).replace("Z", "+00:00"))
        except ValueError:
            raise InputError(f"{source}: started_at {_show(raw_started)} is not an ISO 8601 date/time") from None
    vertical = data.get("vertical") if isinstance(data.get("vertical"), str) else None
    separated = data.get("speakers_separated", True) is not False
    return Transcript(tuple(utterances), started_at, vertical, separated)


TRANSCRIPT_SUFFIXES = (".json", ".vtt", ".srt", ".txt")
_SRT_HEAD = re.compile(rb"\A\s*\d+\s*\r?\n\s*\d+:\d{2}:\d{2}[,.]\d{1,3}\s*-->")
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def _sniff(head: bytes) -> str | None:
    """The transcript format a file's first bytes show ("json", "webvtt", "srt"), or None."""
    for bom in _BOMS:
        if head.startswith(bom):
            head = head[len(bom):]
            if bom != _BOMS[0]:  # UTF-16: look at every other byte
                head = head.decode("utf-16-le" if bom == b"\xff\xfe" else "utf-16-be", "ignore").encode()
            break
    if head.startswith(b"WEBVTT"):
        return "webvtt"
    if head.lstrip().startswith(b"{"):
        return "json"
    if _SRT_HEAD.match(head):
        return "srt"
    return None


def is_transcript_file(path: Path) -> bool:
    """A transcript is a .json, .vtt, .srt or .txt file, or any file that opens like one (``{``, ``WEBVTT``, an SRT
    cue); only the first bytes are read."""
    if path.suffix.lower() in TRANSCRIPT_SUFFIXES:
        return True
    try:
        with path.open("rb") as fh:
            head = fh.read(256)
    except OSError:
        return False
    return _sniff(head) is not None


def _read_text(path: Path) -> str:
    """The file as text: UTF-8 (a byte-order mark, as Windows editors write, is dropped) or UTF-16 with its mark."""
    try:
        if path.stat().st_size > MAX_TRANSCRIPT_BYTES:
            raise InputError(f"{path}: too large for a transcript ({path.stat().st_size // 2**20} MB; "
                             f"at most {MAX_TRANSCRIPT_BYTES // 2**20} MB)")
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    try:
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            return raw.decode("utf-16")
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text (save the transcript as UTF-8)") from None


def _json_depth(text: str) -> int:
    """How deep the JSON's lists and objects nest, counted without recursing (strings skipped)."""
    depth = deepest = 0
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_JSON_DEPTH:
                break
        elif token in ("]", "}"):
            depth -= 1
    return deepest


def _load_json(text: str, path: Path) -> Transcript:
    depth = _json_depth(text)
    if depth > MAX_JSON_DEPTH:
        raise InputError(f"{path}: not a transcript (its JSON nests more than {MAX_JSON_DEPTH} levels deep; "
                         "a transcript needs 3)")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: invalid JSON ({exc.msg} at line {exc.lineno})") from None
    return parse_transcript(data, str(path))


def _format(path: Path, text: str) -> str:
    """json, webvtt, srt or text: a .json file is JSON; otherwise what the text opens with, else the suffix."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        return "json"
    sniffed = _sniff(text[:256].encode("utf-8", "ignore"))
    if sniffed is not None:
        return sniffed
    return {".vtt": "webvtt", ".srt": "srt"}.get(suffix, "text")


def load_transcript(path: Path, rep: str | None = None) -> Transcript:
    """Read a transcript: the JSON of DESIGN.md, or captions (WebVTT, SRT, ``Name: text``) in which ``rep`` names
    the rep and every other speaker is the other party (``copilot.session.captions``)."""
    text = _read_text(path)
    fmt = _format(path, text)
    if fmt == "json":
        return _load_json(text, path)
    from copilot.session.captions import read_captions

    utterances, meta = read_captions(text, fmt, str(path), rep)
    return Transcript(tuple(utterances), meta=meta)
