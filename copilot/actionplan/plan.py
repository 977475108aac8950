"""The mutual action plan: the dated steps both sides agreed, what they depend on, and the risks heard.

A complex deal takes several calls; the plan is what both sides work through between them. It is started from a
call's verdict (the agreed next step, the materials promised with their by-dates, the dependencies heard) and kept
per account: a later call's steps are added and the earlier ones stay, with the status the rep gave them. A step
that was the meeting this later call *is* (its time falls at the call's start) is marked done.

The plan is plain data (frozen dataclasses); the rep edits it in the app and the edit replaces the rows. JSON is
its stored form (``copilot.actionplan.store``), Markdown and CSV (date, action, owner, status) its exports.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from copilot.actionplan.heard import REP, Heard, heard
from copilot.calendar.events import CalendarEvent
from copilot.coach.state import Verdict
from copilot.errors import InputError
from copilot.session.labels import day_month

STATUSES = ("open", "scheduled", "done", "dropped")
KINDS = ("step", "material", "dependency")
CSV_COLUMNS = ("date", "action", "owner", "status")
_SAME_MEETING = timedelta(minutes=30)  # a step this close to a later call's start is that call


@dataclass(frozen=True)
class PlanStep:
    """One row. ``date`` is ISO ("2026-12-08T14:00" or "2026-12-08") or "" when none was said."""

    date: str
    action: str
    owner: str
    status: str = "open"
    kind: str = "step"
    heard_on: str = ""  # the call it came from (its start, ISO), so a reader knows which call said it
    id: str = ""

    def key(self) -> str:
        """What makes two rows the same step across calls: the action's words and the day."""
        words = " ".join(re.findall(r"[a-z0-9]+", self.action.lower()))
        return f"{words}|{self.date[:10]}"


@dataclass(frozen=True)
class Risk:
    text: str
    heard_on: str = ""
    status: str = "open"  # or "resolved"


@dataclass(frozen=True)
class ActionPlan:
    account: str
    steps: tuple[PlanStep, ...] = ()
    risks: tuple[Risk, ...] = ()
    calls: tuple[str, ...] = field(default=())  # the starts (ISO) of the calls it was built from

    def to_json(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "calls": list(self.calls),
            "steps": [{"id": s.id, "date": s.date, "action": s.action, "owner": s.owner, "status": s.status,
                       "kind": s.kind, "heard_on": s.heard_on} for s in self.steps],
            "risks": [{"text": r.text, "heard_on": r.heard_on, "status": r.status} for r in self.risks],
        }

    @classmethod
    def from_json(cls, data: Any) -> ActionPlan:
        """Read a stored plan; a file that is not one raises ``InputError`` with one line."""
        try:
            steps = tuple(_step(dict(s)) for s in data.get("steps", []))
            risks = tuple(Risk(str(r["text"]), str(r.get("heard_on", "")), str(r.get("status", "open")))
                          for r in data.get("risks", []))
            return cls(str(data.get("account", "")), steps, risks, tuple(str(c) for c in data.get("calls", [])))
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise InputError(f"not an action plan: {exc}") from None


def _step(row: Mapping[str, Any]) -> PlanStep:
    status = str(row.get("status", "") or "open").strip().lower()
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r} (one of {', '.join(STATUSES)})")
    kind = str(row.get("kind", "") or "step")
    step = PlanStep(str(row.get("date", "") or "").strip(), str(row["action"]).strip(),
                    str(row.get("owner", "") or "").strip(), status, kind if kind in KINDS else "step",
                    str(row.get("heard_on", "") or ""), str(row.get("id", "") or ""))
    if step.date:
        parse_date(step.date)
    return step if step.id else replace(step, id=_id(step))


def _id(step: PlanStep) -> str:
    return hashlib.sha1(f"{step.kind}|{step.key()}".encode()).hexdigest()[:10]


def parse_date(text: str) -> date:
    """A row's date ("2026-12-08" or "2026-12-08T14:00"); anything else is one ``ValueError`` line."""
    try:
        return datetime.fromisoformat(text) if "T" in text or " " in text.strip() else date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date (write 2026-12-08 or 2026-12-08T14:00)") from None


def iso(when: date | None) -> str:
    if when is None:
        return ""
    if isinstance(when, datetime):
        return when.strftime("%Y-%m-%dT%H:%M")
    return when.isoformat()


def _named(role: str, rep_name: str | None, prospect_name: str | None) -> str:
    return (rep_name or "Rep") if role == REP else (prospect_name or "Prospect")


def _named_for_plan(text: str, prospect_name: str | None) -> str:
    """A plan is read by both sides, so "a demo with you" names who "you" was ("a demo with Dana")."""
    if not prospect_name or prospect_name.lower() in ("you", "prospect"):
        return text
    text = re.sub(r"\byour\b", f"{prospect_name}'s", text, flags=re.IGNORECASE)
    return re.sub(r"\byou\b", prospect_name, text, flags=re.IGNORECASE)


def plan_from_call(verdict: Verdict, *, account: str = "", started_at: datetime | None = None,
                   rep_name: str | None = None, prospect_name: str | None = None,
                   found: Heard | None = None) -> ActionPlan:
    """The plan one call starts: its agreed next step, the materials promised, the dependencies and risks heard."""
    found = found if found is not None else heard(verdict, started_at)
    on = iso(started_at)
    steps: list[PlanStep] = []
    step = verdict.next_step
    if step is not None and step.action:
        when: date | None = None
        if step.when is not None:
            when = step.when if step.when_has_time else step.when.date()
        agreed = verdict.next_steps_secured or (verdict.criteria.get("acknowledged") is not None
                                                and verdict.criteria["acknowledged"].met)
        status = "scheduled" if agreed and when is not None else "open"
        # the rep books a meeting; a step left to a trigger ("once your CFO signs off") waits on the other side
        owner = _named("prospect" if step.trigger and when is None else REP, rep_name, prospect_name)
        action = _named_for_plan(step.action, prospect_name)
        action = action[:1].upper() + action[1:]
        if step.trigger and when is None:
            action += f" ({step.trigger.rstrip('.')})"
        steps.append(PlanStep(iso(when), action, owner, status, "step", on))
    for m in found.materials:
        verb = "Bring" if m.due_said == "at the meeting" else "Send"
        steps.append(PlanStep(iso(m.due), f"{verb} {m.what}",
                              _named(m.owner, rep_name, prospect_name), "open", "material", on))
    for d in found.dependencies:
        steps.append(PlanStep("", d.quote, _named(d.speaker, rep_name, prospect_name), "open", "dependency", on))
    risks = tuple(Risk(r.quote, on) for r in found.risks)
    return ActionPlan(account, tuple(replace(s, id=_id(s)) for s in _unique(steps)), risks, (on,) if on else ())


def _unique(steps: Iterable[PlanStep]) -> list[PlanStep]:
    seen: set[str] = set()
    out = []
    for s in steps:
        if s.key() not in seen:
            seen.add(s.key())
            out.append(s)
    return out


def merge(earlier: ActionPlan, later: ActionPlan, *, later_started: datetime | None = None) -> ActionPlan:
    """The account's plan after another call: every earlier row kept with its status, the new rows added.

    A row heard again keeps the earlier one (and the rep's edits to it). An earlier scheduled step whose time is
    within half an hour of the later call's start was that call, so it is marked done.
    """
    steps = list(earlier.steps)
    if later_started is not None:
        for i, s in enumerate(steps):
            if s.status == "scheduled" and "T" in s.date:
                when = datetime.fromisoformat(s.date)
                if abs(when - later_started) <= _SAME_MEETING:
                    steps[i] = replace(s, status="done")
    keys = {s.key() for s in steps}
    steps += [s for s in later.steps if s.key() not in keys]
    texts = {r.text.lower() for r in earlier.risks}
    risks = list(earlier.risks) + [r for r in later.risks if r.text.lower() not in texts]
    calls = tuple(dict.fromkeys(earlier.calls + later.calls))
    return ActionPlan(earlier.account or later.account, tuple(steps), tuple(risks), calls)


def sorted_steps(plan: ActionPlan) -> list[PlanStep]:
    """Dated rows first, by date; undated ones after, in the order they were heard."""
    dated = sorted((s for s in plan.steps if s.date), key=lambda s: s.date)
    return dated + [s for s in plan.steps if not s.date]


def _pretty(text: str) -> str:
    if not text:
        return "—"
    when = parse_date(text)
    if isinstance(when, datetime):
        return f"{day_month(when)}, {when:%H:%M}"
    return day_month(when)


def plan_markdown(plan: ActionPlan) -> str:
    """The plan as Markdown: the steps table (with what each row is), then the risks."""
    from copilot.export._fmt import md_escape, one_line

    out = [f"# Mutual action plan{': ' + md_escape(one_line(plan.account)) if plan.account else ''}", ""]
    if plan.calls:
        out += [f"Built from {len(plan.calls)} call{'s' if len(plan.calls) != 1 else ''} "
                f"({', '.join(c[:10] for c in plan.calls)}).", ""]
    out += ["## Steps", ""]
    rows = sorted_steps(plan)
    if rows:
        out += ["| Date | Action | Owner | Status | Kind |", "|---|---|---|---|---|"]
        for s in rows:
            out.append(f"| {_pretty(s.date)} | {md_escape(one_line(s.action))} | {md_escape(one_line(s.owner)) or '—'} "
                       f"| {s.status} | {s.kind} |")
    else:
        out.append("No steps yet.")
    out += ["", "## Risks", ""]
    out += [f"- {md_escape(one_line(r.text))} ({r.status}{', heard ' + r.heard_on[:10] if r.heard_on else ''})"
            for r in plan.risks] or ["None heard."]
    return "\n".join(out) + "\n"


def plan_csv(plan: ActionPlan) -> str:
    """The steps as CSV with the columns date, action, owner, status (what a spreadsheet or CRM imports)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for s in sorted_steps(plan):
        writer.writerow((s.date, s.action, s.owner, s.status))
    return buffer.getvalue()


def plan_from_csv(text: str, account: str = "") -> ActionPlan:
    """Rows read back from ``plan_csv``'s form (or a spreadsheet's); a bad row is one ``InputError`` line."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(f"the action plan CSV lacks the column(s) {', '.join(missing)}")
    steps = []
    for n, row in enumerate(reader, start=2):
        try:
            if not (row.get("action") or "").strip():
                raise ValueError("no action")
            steps.append(_step(row))
        except ValueError as exc:
            raise InputError(f"action plan CSV line {n}: {exc}") from None
    return ActionPlan(account, tuple(steps))


def account_name(explicit: str | None, verdict: Verdict | None = None,
                 meeting: CalendarEvent | None = None) -> str:
    """Which account a call belongs to: the name the rep set, else a company the other party named ("here at
    Acme"), else the calendar meeting's title up to its first separator; "" when none is known."""
    if explicit and explicit.strip():
        return " ".join(explicit.split())
    if verdict is not None:
        for u in verdict.utterances:
            if u.speaker == REP:
                continue
            m = re.search(r"\b(?i:here at|we at|over at|i work at|i work for|i'm with|i am with)\s+"
                          r"((?:[A-Z][\w&.'-]*)(?:\s+[A-Z][\w&.'-]*){0,3})", u.text.replace("’", "'"))
            if m is not None:
                return m.group(1).rstrip(".'")
    if meeting is not None and meeting.title.strip():
        title = re.split(r"\s+[-—–|/:x]\s+|:\s+|\s+<>\s+", meeting.title.strip())[0]
        return " ".join(title.split())
    return ""


def account_slug(name: str) -> str:
    """A file name for an account: lower-case words joined by "-" ("Acme Corp." → "acme-corp")."""
    slug = "-".join(re.findall(r"[^\W_]+", name.lower()))[:80]
    if not slug:
        raise InputError(f"{name!r} cannot name an account: give it at least one letter or digit")
    return slug
