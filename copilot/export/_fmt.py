"""Small formatting helpers shared by the exporters, so every file shows times and names the same way.

The verdict arrives typed (``copilot.coach.state.Verdict``): evidence, weak next steps and objections carry their
own time, text and speaker, so nothing here looks anything up again by index. Names come from the one table of
labels (``copilot.session.labels``); dates are written in fixed English, never in the process locale.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date, datetime

from copilot.coach.state import CoachingMoment, Evidence, NextStep
from copilot.session.clock import call_clock
from copilot.session.labels import labels_for, long_when

log = logging.getLogger(__name__)


def resolve_labels(labels: Mapping[str, str] | None, vertical: str | None = None) -> dict[str, str]:
    """Speaker labels: the vertical's (``copilot.session.labels``; "Candidate" on a recruiting call), overridden by
    ``labels`` (e.g. names the user typed)."""
    merged = labels_for(vertical).speakers
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


def one_line(text: object) -> str:
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


def step_when(step: NextStep | None) -> datetime | date | None:
    """When the next step is: a datetime (naive = local floating time), a date when only a day was said, or None."""
    if step is None or step.when is None:
        return None
    return step.when if step.when_has_time else step.when.date()


def human_when(when: date) -> str:
    """ "Wednesday, November 15, 2026 at 10:00 AM" (or without the time for a date only); never the locale's names."""
    return long_when(when)


def evidence_line(ev: Evidence, labels: Mapping[str, str]) -> str:
    """``[01:16] Prospect: "Wednesday at 10 is open for both of us."`` for one piece of evidence."""
    who = f"{label_for(ev.speaker, labels)}: " if ev.speaker else ""
    return f'[{call_clock(ev.t)}] {who}"{one_line(ev.text)}"'


def coaching_line(moment: CoachingMoment) -> str:
    """``[28:45] Improvement - Control: message Try: "…"`` (DESIGN.md's form)."""
    kind = one_line(moment.kind) or "Improvement"
    category = one_line(moment.category) or "General"
    line = f"[{call_clock(moment.t)}] {kind} - {category}: {one_line(moment.message)}"
    suggestion = one_line(moment.try_)
    if suggestion:
        line += f' Try: "{suggestion.strip(chr(34))}"'
    return line
