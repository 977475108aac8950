"""Words and small formatting shared by the widgets: labels for the method's items, times, evidence.

Kept in one place so the checklist, the summary and the compact mode say the same thing the same way.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from copilot.coach.state import Evidence
from copilot.session.clock import call_clock

STAGE_LABELS = {"summarize": "Summarize", "confirm": "Confirm", "propose": "Propose", "lock": "Lock"}
STAGE_HINTS = {
    "summarize": "“Let me make sure I captured everything…”",
    "confirm": "“Does it make sense to keep this conversation going?”",
    "propose": "“A good next step would be a demo with your VP.”",
    "lock": "“I have Tuesday at 2 or Thursday at 10 — which works better? I'm sending the invite now.”",
}
CRITERION_LABELS = {
    "specific_action": "Specific action",
    "specific_time_or_trigger": "Date/time or trigger",
    "acknowledged": "Prospect said yes",
}
CRITERION_HINTS = {
    "specific_action": "A concrete step — a demo with the VP, a security review — not “let's chat again”.",
    "specific_time_or_trigger": "“Tuesday at 2pm”, “by end of day”, or a clear trigger; “next week” does not count.",
    "acknowledged": "The prospect says yes out loud to the step; “maybe” or silence is not a yes.",
}
LADDER = {
    5: "Invite sent and accepted",
    4: "Yes to a specific date/time",
    3: "Action with a timeline or trigger",
    2: "Vague “follow up next week”",
    1: "“Send me some info” / nothing",
}
SPEAKER_LABELS = {"rep": "You", "prospect": "Prospect"}


def speaker_label(speaker: str) -> str:
    return SPEAKER_LABELS.get(speaker, speaker.capitalize() or "?")


def evidence_html(evidence: Iterable[Evidence], limit: int = 3) -> str:
    """Evidence lines for a tooltip or a detail box, newest last: ``[02:45] Prospect: “…”``."""
    rows = []
    for ev in list(evidence)[-limit:]:
        who = f"{speaker_label(ev.speaker)}: " if ev.speaker else ""
        rows.append(f"<b>[{call_clock(ev.t)}]</b> {html.escape(who)}“{html.escape(ev.text)}”")
    return "<br>".join(rows)


def when_text(when: Any) -> str:
    """A resolved next-step time for people: ``Tue 24 Nov, 2:00 pm``."""
    if when is None:
        return ""
    if isinstance(when, str):
        try:
            when = date.fromisoformat(when) if len(when) == 10 else datetime.fromisoformat(when)
        except ValueError:
            return when
    if isinstance(when, datetime) and when.time() == datetime.min.time():
        when = when.date()  # midnight is how a day without a time reads back: show the day only
    if isinstance(when, datetime):
        hour = when.strftime("%I:%M %p").lstrip("0").lower()
        return f"{when.strftime('%a %d %b')}, {hour}"
    if isinstance(when, date):
        return when.strftime("%a %d %b")
    return str(when)
