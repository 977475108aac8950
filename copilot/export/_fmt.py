"""Small formatting helpers shared by the exporters, so every file shows times and names the same way.

The verdict object arrives as plain JSON (DESIGN.md) and may be honestly empty in places (a coach that
found nothing, a mono call), so every reader here tolerates missing keys and ``None``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from copilot.session.clock import call_clock

log = logging.getLogger(__name__)

DEFAULT_LABELS: dict[str, str] = {"rep": "Rep", "prospect": "Prospect"}

# English names on purpose: strftime("%A") follows the process locale, which a GUI toolkit may change.
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def resolve_labels(labels: Mapping[str, str] | None) -> dict[str, str]:
    """Speaker labels: the defaults, overridden by ``labels`` (e.g. Recruiter/Candidate)."""
    merged = dict(DEFAULT_LABELS)
    if labels:
        merged.update(labels)
    return merged


def label_for(speaker: str | None, labels: Mapping[str, str]) -> str:
    if not speaker:
        return ""
    return labels.get(speaker, speaker.capitalize())


def clock(seconds: float) -> str:
    """``HH:MM:SS`` (whole seconds, floored), as in a transcript line ``[00:01:05]``."""
    total = max(0, int(seconds))
    return f"{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"


def one_line(text: Any) -> str:
    """Collapse all whitespace (newlines included) to single spaces."""
    return " ".join(("" if text is None else str(text)).split())


def md_escape(text: str) -> str:
    """Escape what would turn spoken words into Markdown markup (emphasis, links, HTML, code, tables).

    Square brackets stay readable ("[28:45]"): without a following "(" and with no reference
    definitions in our documents they cannot form a link, so only "](" is broken up.
    """
    escaped = "".join("\\" + ch if ch in "\\`*_<>|" else ch for ch in text).replace("](", "]\\(")
    if escaped.startswith(("#", "+", "-", "=", ">")):
        escaped = "\\" + escaped
    return escaped


def parse_when(value: Any) -> datetime | date | None:
    """``next_step.when`` as a datetime (naive = local floating time), a date (date only), or None."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        if _DATE_ONLY.match(text):
            return date.fromisoformat(text)
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        log.warning("next_step.when %r is not an ISO 8601 date/time; treating it as unresolved", value)
        return None


def next_step_when(verdict: Mapping[str, Any]) -> datetime | date | None:
    step = verdict.get("next_step")
    if not isinstance(step, Mapping):
        return None
    return parse_when(step.get("when"))


def _hour12(moment: datetime) -> str:
    hour = moment.hour % 12 or 12
    suffix = "AM" if moment.hour < 12 else "PM"
    return f"{hour}:{moment.minute:02d} {suffix}"


def _utc_offset(moment: datetime) -> str:
    offset = moment.utcoffset()
    if offset is None:
        return ""
    if not offset:
        return " UTC"
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return f" (UTC{sign}{minutes // 60:02d}:{minutes % 60:02d})"


def human_when(when: datetime | date) -> str:
    """ "Wednesday, November 15, 2026 at 10:00 AM" (or without the time for a date only)."""
    day = f"{_DAYS[when.weekday()]}, {_MONTHS[when.month - 1]} {when.day}, {when.year}"
    if isinstance(when, datetime):
        return f"{day} at {_hour12(when)}{_utc_offset(when)}"
    return day


def mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def items(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else []


def speaker_of(verdict: Mapping[str, Any], index: Any) -> str | None:
    """The speaker of utterance ``index`` in the verdict's own utterance list, if it is there."""
    utterances = items(verdict.get("utterances"))
    if isinstance(index, int) and not isinstance(index, bool) and 0 <= index < len(utterances):
        speaker = mapping(utterances[index]).get("speaker")
        return speaker if isinstance(speaker, str) else None
    return None


def evidence_line(verdict: Mapping[str, Any], ev: Any, labels: Mapping[str, str]) -> str:
    """``[01:16] Prospect: "Wednesday at 10 is open for both of us."`` for one evidence entry."""
    ev = mapping(ev)
    speaker = ev.get("speaker") if isinstance(ev.get("speaker"), str) else None
    speaker = speaker or speaker_of(verdict, ev.get("utterance"))
    who = f"{label_for(speaker, labels)}: " if speaker else ""
    text = one_line(ev.get("text"))
    return f'[{call_clock(ev.get("t"))}] {who}"{text}"'


def coaching_line(moment: Any) -> str:
    """``[28:45] Improvement - Control: message Try: "…"`` (DESIGN.md's form)."""
    moment = mapping(moment)
    kind = one_line(moment.get("kind")) or "Improvement"
    category = one_line(moment.get("category")) or "General"
    line = f"[{call_clock(moment.get('t'))}] {kind} - {category}: {one_line(moment.get('message'))}"
    suggestion = one_line(moment.get("try"))
    if suggestion:
        line += f' Try: "{suggestion.strip(chr(34))}"'
    return line
