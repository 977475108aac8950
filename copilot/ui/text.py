"""Small formatting shared by the widgets: speakers, evidence and times, in the words of the call's vertical.

The words themselves (the other party's name, the criteria, the stages, the ladder, the hints) live in one
Qt-free table, ``copilot.session.labels``, which the exports and the terminal read too; this module only puts
them into the window's HTML. Dates never go through the process locale (Qt changes it).
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import date

from copilot.coach.state import Evidence, NextStep
from copilot.session.clock import call_clock
from copilot.session.labels import Labels, labels_for, short_when


def speaker_label(speaker: str, labels: Labels | None = None) -> str:
    """The window's name for a speaker: "You" for the rep, the vertical's other party ("Prospect", "Candidate")."""
    return (labels or labels_for(None)).speaker(speaker, you=True)


def evidence_html(evidence: Iterable[Evidence], limit: int = 3, labels: Labels | None = None) -> str:
    """Evidence lines for a tooltip or a detail box, newest last: ``[02:45] Prospect: “…”``."""
    rows = []
    for ev in list(evidence)[-limit:]:
        who = f"{speaker_label(ev.speaker, labels)}: " if ev.speaker else ""
        rows.append(f"<b>[{call_clock(ev.t)}]</b> {html.escape(who)}“{html.escape(ev.text)}”")
    return "<br>".join(rows)


def when_text(when: date | None) -> str:
    """A resolved next-step time for people: ``Tue 24 Nov, 2:00 pm`` (the day alone for a date, or midnight)."""
    return "" if when is None else short_when(when)


def step_when_text(step: NextStep) -> str:
    """When the next step is, for people; the day alone when only a day was said."""
    if step.when is None:
        return ""
    return when_text(step.when if step.when_has_time else step.when.date())
