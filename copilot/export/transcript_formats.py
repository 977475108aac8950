"""The transcript in the formats people paste, read, subtitle with, or feed back in.

Plain text for a CRM note, Markdown for a doc, SRT/WebVTT to subtitle the recording, and the transcript
JSON of DESIGN.md, which ``copilot analyze`` accepts again (so an edited transcript can be re-scored).
Only final utterances are exported (a partial is always superseded), in time order.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime

from copilot.errors import InputError
from copilot.export._fmt import clock, label_for, md_escape, one_line, resolve_labels
from copilot.session.transcript import Transcript
from copilot.session.utterance import Utterance


def _finals(utterances: Iterable[Utterance]) -> list[Utterance]:
    return sorted((u for u in utterances if u.final), key=lambda u: (u.start, u.end))


def _spoken(utterances: Iterable[Utterance]) -> list[Utterance]:
    return [u for u in _finals(utterances) if u.text.strip()]


def _started(started_at: datetime | str | None) -> datetime | None:
    if started_at is None or isinstance(started_at, datetime):
        return started_at
    try:
        return datetime.fromisoformat(str(started_at).replace("Z", "+00:00"))
    except ValueError:
        raise InputError(f"started_at {started_at!r} is not an ISO 8601 date/time") from None


def to_txt(utterances: Iterable[Utterance], labels: Mapping[str, str] | None = None) -> str:
    """One line per utterance: ``[00:01:05] Rep: text``."""
    names = resolve_labels(labels)
    lines = [f"[{clock(u.start)}] {label_for(u.speaker, names)}: {one_line(u.text)}" for u in _spoken(utterances)]
    return "".join(line + "\n" for line in lines)


def to_markdown(
    utterances: Iterable[Utterance],
    labels: Mapping[str, str] | None = None,
    *,
    started_at: datetime | str | None = None,
    title: str = "Call transcript",
) -> str:
    """A readable document: a title, the call's start if known, one paragraph per utterance."""
    names = resolve_labels(labels)
    parts = [f"# {title}", ""]
    started = _started(started_at)
    if started is not None:
        parts += [f"Call started {started.isoformat(sep=' ', timespec='minutes')}", ""]
    spoken = _spoken(utterances)
    if not spoken:
        parts += ["*Nothing was said.*", ""]
    for u in spoken:
        parts += [f"**[{clock(u.start)}] {md_escape(label_for(u.speaker, names))}:** {md_escape(one_line(u.text))}", ""]
    return "\n".join(parts)


def _cue_time(seconds: float, separator: str) -> str:
    millis = max(0, round(seconds * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


def _cue_span(u: Utterance, separator: str) -> str:
    start = _cue_time(u.start, separator)
    # A cue must not end before it starts; a zero-length utterance still gets a visible instant.
    end = _cue_time(max(u.end, u.start), separator)
    return f"{start} --> {end}"


def _cue_text(text: str) -> str:
    # Cue text may not hold a blank line (it ends the cue) nor the timing arrow.
    return one_line(text).replace("-->", "->")


def to_srt(utterances: Iterable[Utterance], labels: Mapping[str, str] | None = None) -> str:
    """SubRip subtitles: numbered cues, ``HH:MM:SS,mmm`` times, the speaker before the words."""
    names = resolve_labels(labels)
    blocks = []
    for number, u in enumerate(_spoken(utterances), start=1):
        blocks.append(f"{number}\n{_cue_span(u, ',')}\n{label_for(u.speaker, names)}: {_cue_text(u.text)}\n")
    return "\n".join(blocks)


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_vtt(utterances: Iterable[Utterance], labels: Mapping[str, str] | None = None) -> str:
    """WebVTT subtitles with voice spans (``<v Rep>``), so players can style each speaker."""
    names = resolve_labels(labels)
    blocks = ["WEBVTT\n"]
    for u in _spoken(utterances):
        voice = _vtt_escape(one_line(label_for(u.speaker, names)))
        blocks.append(f"{_cue_span(u, '.')}\n<v {voice}>{_vtt_escape(_cue_text(u.text))}</v>\n")
    return "\n".join(blocks)


def to_json(
    utterances: Iterable[Utterance],
    *,
    started_at: datetime | str | None = None,
    vertical: str | None = None,
    speakers_separated: bool = True,
) -> str:
    """The transcript JSON of DESIGN.md; ``parse_transcript`` reads it back to the same utterances."""
    transcript = Transcript(
        utterances=tuple(_finals(utterances)),
        started_at=_started(started_at),
        vertical=vertical,
        speakers_separated=speakers_separated,
    )
    return json.dumps(transcript.to_dict(), indent=2, ensure_ascii=False) + "\n"
