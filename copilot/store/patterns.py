"""Patterns, not incidents: what the last calls say about the rep's habits.

One missed next step is a coaching moment; the same miss in most calls is a habit to change. These are
pure functions on the history's rows (``CallSummary``, as ``Store.list_calls`` returns them, newest first), so
the CLI and the Qt pattern view compute the same numbers and sentences. The result is a plain JSON object
(``copilot history --json`` prints it as it is).

Only calls that ended normally (status "complete") and have a verdict count: a call cut off by a crash
says nothing about how the rep closes. Interrupted calls are counted separately.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from copilot.coach.state import CRITERIA, STAGES
from copilot.session.labels import ANY_VERTICAL
from copilot.store.records import CallSummary

LABELS = ANY_VERTICAL  # the pattern spans verticals: "the other side's yes"

# The method's advice for each miss: what to do, and a line to try (DESIGN.md, "The method it coaches").
HABITS: dict[str, tuple[str, str]] = {
    "specific_action": ("name one specific next step — a demo with their VP, a security review — not \"let's chat again\"",
                        "A good next step would be a demo with your VP — does that make sense?"),
    "specific_time_or_trigger": ("put a date and time, or a clear trigger, on the next step — \"next week\" does not count",
                                 "I have Tuesday at 2 or Thursday at 10 — which works better?"),
    "acknowledged": ("get the other side's yes out loud before the call ends — silence or \"maybe\" is not a yes",
                     "Does 2pm Tuesday work on your end? I'll send the invite now."),
    "summarize": ("open the close by playing back what you heard",
                  "Let me make sure I captured everything…"),
    "confirm": ("check they want to keep going before you propose",
                "Does it make sense to keep this conversation going?"),
    "propose": ("propose one concrete next step yourself",
                "A good next step would be a demo with your VP."),
    "lock": ("lock the step: offer two concrete times, or send the invite during the call",
             "I have Tuesday at 2 or Thursday at 10 — which works better? I'm sending the invite now."),
}


def met_flags(call: CallSummary, section: str) -> dict[str, bool]:
    """``{name: met}`` for ``section`` ("criteria" or "stages") of a call: its row's flags, else its verdict's."""
    flags = dict(call.criteria if section == "criteria" else call.stages)
    if not flags and call.verdict is not None:
        items = call.verdict.criteria if section == "criteria" else call.verdict.stages
        flags = {name: item.met for name, item in items.items()}
    return flags


def counted(calls: Iterable[CallSummary]) -> list[CallSummary]:
    """The calls the pattern is about: ended normally, with a verdict."""
    return [c for c in calls if c.status == "complete" and c.next_steps_secured is not None]


def misses(calls: Sequence[CallSummary], section: str, names: Sequence[str]) -> dict[str, int]:
    """How many calls missed each criterion/stage (a call that does not report one is not counted)."""
    result = {name: 0 for name in names}
    for call in calls:
        for name, met in met_flags(call, section).items():
            if not met:
                result[name] = result.get(name, 0) + 1
    return result


def most(counts: Mapping[str, int], total: int) -> dict[str, Any] | None:
    """The name missed most (ties go to the earliest in the method's order); None when nothing was missed."""
    if not counts or max(counts.values()) == 0:
        return None
    name = max(counts, key=lambda n: counts[n])  # max keeps the first of equals: the method's order
    return {"name": name, "missed": counts[name], "share": _share(counts[name], total)}


def commitment_over_time(calls: Iterable[CallSummary]) -> list[dict[str, Any]]:
    """``[{id, started_at, level}]`` oldest first, for the chart."""
    points = [{"id": c.id, "started_at": c.started_at, "level": c.commitment_level}
              for c in calls if c.commitment_level is not None]
    return sorted(points, key=lambda p: (str(p["started_at"]), p["id"] or 0))


def share_sentence(without: int, total: int) -> str:
    """ "Ends calls without commitment 80% of the time (4 of 5 calls)." """
    if total == 0:
        return "No finished calls yet."
    if without == 0:
        return f"Every call ended with a secured next step ({_of(total, total)})."
    return f"Ends calls without commitment {round(100 * without / total)}% of the time ({_of(without, total)})."


def habit(criterion: Mapping[str, Any] | None, stage: Mapping[str, Any] | None,
          total: int) -> dict[str, Any] | None:
    """The one habit to work on next: the criterion missed most (it decides the verdict), else the stage skipped most."""
    if criterion is not None:
        kind, found = "criterion", criterion
    elif stage is not None:
        kind, found = "stage", stage
    else:
        return None
    advice, try_ = HABITS[found["name"]] if found["name"] in HABITS else (f"work on {found['name']}", "")
    sentence = f"Work on next: {advice} (missing in {_of(found['missed'], total)})."
    if try_:
        sentence += f' Try: "{try_}"'
    return {"kind": kind, "name": found["name"], "missed": found["missed"], "try": try_ or None, "sentence": sentence}


def summary(calls: Sequence[CallSummary]) -> dict[str, Any]:
    """The numbers for one group of counted calls."""
    total = len(calls)
    secured = sum(1 for c in calls if c.next_steps_secured)
    levels = [c.commitment_level for c in calls if c.commitment_level is not None]
    criteria_missed = misses(calls, "criteria", CRITERIA)
    stages_skipped = misses(calls, "stages", STAGES)
    return {
        "calls": total,
        "secured": secured,
        "without_commitment": total - secured,
        "share_without_commitment": _share(total - secured, total),
        "average_commitment_level": round(sum(levels) / len(levels), 2) if levels else None,
        "criteria_missed": criteria_missed,
        "criterion_missed_most": most(criteria_missed, total),
        "stages_skipped": stages_skipped,
        "stage_skipped_most": most(stages_skipped, total),
    }


def pattern(calls: Sequence[CallSummary]) -> dict[str, Any]:
    """The pattern across ``calls``: the share without commitment, the criterion missed most, the stage
    skipped most, commitment over time, per vertical, the habit to work on, and the sentences to show."""
    done = counted(calls)
    result = summary(done)
    result["interrupted"] = sum(1 for c in calls if c.status == "interrupted")
    result["commitment_over_time"] = commitment_over_time(done)
    verticals: dict[str, list[CallSummary]] = {}
    for call in done:
        verticals.setdefault(call.vertical or "sales", []).append(call)
    result["per_vertical"] = {}
    for name in sorted(verticals):
        part = summary(verticals[name])
        part["sentence"] = share_sentence(part["without_commitment"], part["calls"])
        result["per_vertical"][name] = part
    result["share_sentence"] = share_sentence(result["without_commitment"], result["calls"])
    found = habit(result["criterion_missed_most"], result["stage_skipped_most"], result["calls"])
    result["habit"] = found["sentence"] if found else None
    result["habit_detail"] = found
    result["sentences"] = sentences(result)
    return result


def sentences(p: Mapping[str, Any]) -> list[str]:
    """The pattern in a few plain sentences, most important first."""
    lines = [p["share_sentence"]]
    total = p["calls"]
    if p.get("criterion_missed_most"):
        c = p["criterion_missed_most"]
        lines.append(f"Missed most: {LABELS.criterion_phrases.get(c['name'], c['name'])} ({_of(c['missed'], total)}).")
    if p.get("stage_skipped_most"):
        s = p["stage_skipped_most"]
        lines.append(f"Stage skipped most: {LABELS.stage(s['name'])} ({_of(s['missed'], total)}).")
    if p.get("average_commitment_level") is not None:
        lines.append(f"Commitment level averages {p['average_commitment_level']:g} of 5 "
                     "(1 nothing or \"send me info\" · 5 invite sent and accepted).")
    if len(p.get("per_vertical") or {}) > 1:
        lines.append("By vertical: " + "; ".join(
            f"{name} {round(100 * v['share_without_commitment'])}% without commitment ({_of(v['without_commitment'], v['calls'])})"
            for name, v in p["per_vertical"].items()) + ".")
    if p.get("interrupted"):
        n = p["interrupted"]
        lines.append(f"{n} interrupted call{'s' if n != 1 else ''} not counted.")
    if p.get("habit"):
        lines.append(p["habit"])
    return lines


def _of(part: int, total: int) -> str:
    return f"{part} of {total} call{'s' if total != 1 else ''}"


def _share(part: int, total: int) -> float:
    return round(part / total, 3) if total else 0.0
