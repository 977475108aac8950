"""The verdict as a person reads it in a terminal (rich): what was secured, what is missing, what to try."""

from __future__ import annotations

from typing import Any, Mapping

from rich.console import Console
from rich.table import Table
from rich.text import Text

from copilot.export import coaching_line
from copilot.session.clock import call_clock

_CRITERIA = (("specific_action", "Specific action"), ("specific_time_or_trigger", "Date/time or trigger"),
             ("acknowledged", "Both parties agreed"))
_STAGES = ("summarize", "confirm", "propose", "lock")


def _evidence(item: Mapping[str, Any]) -> str:
    evidence = item.get("evidence") or []
    if not evidence:
        return ""
    first = evidence[0]
    text = str(first.get("text", ""))
    text = text if len(text) <= 70 else text[:67] + "…"
    return f"[{call_clock(first.get('t'))}] {text}"


def print_verdict(verdict: Mapping[str, Any], console: Console, title: str | None = None) -> None:
    """Print the verdict: headline, reason, criteria, stages, next step, weak steps, objections, coaching."""
    secured = bool(verdict.get("next_steps_secured"))
    headline = Text("✔ Next step secured" if secured else "✘ No next step secured",
                    style="bold green" if secured else "bold red")
    if title:
        headline.append(f"  — {title}", style="dim")
    console.print(headline)
    console.print(str(verdict.get("reason", "")))
    for note in verdict.get("notes") or []:
        console.print(Text(f"Note: {note}", style="yellow"))

    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    table.add_column("Criterion")
    table.add_column("")
    table.add_column("Evidence", overflow="fold")
    criteria = verdict.get("criteria") or {}
    for key, label in _CRITERIA:
        item = criteria.get(key) or {}
        met = bool(item.get("met"))
        mark = Text("met" if met else "missing", style="green" if met else "red")
        kind = item.get("kind")
        table.add_row(label + (f" ({kind})" if kind else ""), mark, _evidence(item))
    console.print(table)

    stages = verdict.get("stages") or {}
    line = Text("Close: ")
    for i, name in enumerate(_STAGES):
        met = bool((stages.get(name) or {}).get("met"))
        line.append(("✔ " if met else "· ") + name, style="green" if met else "dim")
        if i < len(_STAGES) - 1:
            line.append(" → ")
    console.print(line)
    level = verdict.get("commitment_level")
    console.print(f"Commitment level: {level}/5")

    step = verdict.get("next_step")
    if step:
        when = step.get("when") or step.get("trigger") or "no specific time"
        console.print(f"Next step: {step.get('action') or '(unclear action)'} — {when}"
                      f" (agreed by: {', '.join(step.get('agreed_by') or []) or 'nobody yet'})")
    for weak in verdict.get("weak_next_steps") or []:
        console.print(Text(f"Weak next step [{call_clock(weak.get('t'))}] “{weak.get('text', '')}” → try: {weak.get('try', '')}",
                           style="yellow"))
    for obj in verdict.get("objections") or []:
        console.print(Text(f"Objection ({obj.get('type')}) → try: {obj.get('try', '')}", style="yellow"))
    for moment in verdict.get("coaching") or []:
        console.print(coaching_line(moment), markup=False, highlight=False)
    metrics = verdict.get("metrics") or {}
    ratio = metrics.get("talk_ratio") or {}
    if ratio:
        shares = ", ".join(f"{k} {v:.0%}" for k, v in ratio.items() if isinstance(v, (int, float)))
        console.print(Text(f"Talk ratio: {shares}", style="dim"))
