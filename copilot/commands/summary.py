"""The verdict as a person reads it in a terminal (rich): what was secured, what is missing, what to try."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from copilot.coach.state import Evidence, Verdict
from copilot.coach.verdict import next_step_dict
from copilot.export import coaching_line
from copilot.session.clock import call_clock
from copilot.session.labels import Labels, labels_for


def _evidence(evidence: tuple[Evidence, ...]) -> str:
    if not evidence:
        return ""
    first = evidence[0]
    text = first.text if len(first.text) <= 70 else first.text[:67] + "…"
    return f"[{call_clock(first.t)}] {text}"


def _step_line(verdict: Verdict, words: Labels) -> str | None:
    step = verdict.next_step
    if step is None:
        return None
    wire = next_step_dict(step) or {}  # ``when`` in DESIGN.md's ISO form (a date alone when only a day was said)
    when = wire.get("when") or step.trigger or "no specific time"
    agreed = ", ".join(words.speaker(s) for s in step.agreed_by) or "nobody yet"
    return f"Next step: {step.action or '(unclear action)'} — {when} (agreed by: {agreed})"


def print_verdict(verdict: Verdict, console: Console, title: str | None = None) -> None:
    """Print the verdict: headline, reason, criteria, stages, next step, weak steps, objections, coaching."""
    words = labels_for(verdict.vertical)
    secured = verdict.next_steps_secured
    headline = Text("✔ Next step secured" if secured else "✘ No next step secured",
                    style="bold green" if secured else "bold red")
    if title:
        headline.append(f"  — {title}", style="dim")
    console.print(headline)
    console.print(verdict.reason)
    for note in verdict.notes:
        console.print(Text(f"Note: {note}", style="yellow"))

    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    table.add_column("Criterion")
    table.add_column("")
    table.add_column("Evidence", overflow="fold")
    for key, crit in verdict.criteria.items():
        mark = Text("met" if crit.met else "missing", style="green" if crit.met else "red")
        kind = f" ({crit.kind})" if crit.kind else ""
        table.add_row(words.criterion(key, short=True) + kind, mark, _evidence(crit.evidence))
    console.print(table)

    line = Text("Close: ")
    names = list(verdict.stages)
    for i, name in enumerate(names):
        met = verdict.stages[name].met
        line.append(("✔ " if met else "· ") + words.stage(name).lower(), style="green" if met else "dim")
        if i < len(names) - 1:
            line.append(" → ")
    console.print(line)
    console.print(f"Commitment level: {verdict.commitment_level}/5 — {words.rung(verdict.commitment_level)}")

    step = _step_line(verdict, words)
    if step:
        console.print(step)
    suggested = verdict.state.suggested_next_step
    if suggested is not None:
        console.print(Text(words.suggestion(suggested.action, suggested.with_, suggested.stage), style="cyan"))
    for weak in verdict.weak_next_steps:
        console.print(Text(f"Weak next step [{call_clock(weak.t)}] “{weak.text}” → try: {weak.try_}",
                           style="yellow"))
    for obj in verdict.objections:
        console.print(Text(f"Objection [{call_clock(obj.t)}] {words.objection(obj.type)}: “{obj.text}” → try: "
                           f"{obj.try_}", style="yellow"))
    for moment in verdict.coaching:
        console.print(coaching_line(moment), markup=False, highlight=False)
    ratio = verdict.metrics.talk_ratio
    if ratio:
        shares = ", ".join(f"{words.speaker(k)} {v:.0%}" for k, v in ratio.items())
        console.print(Text(f"Talk ratio: {shares}", style="dim"))
