"""The mutual action plan: started from a call, carried across two calls with one account, stored, exported as
Markdown and CSV and read back, and refused with one line when a file is not a plan."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path

import pytest

from copilot.actionplan.plan import (
    ActionPlan,
    PlanStep,
    account_name,
    account_slug,
    plan_csv,
    plan_from_call,
    plan_from_csv,
    plan_markdown,
)
from copilot.actionplan.store import carry_forward, load_plan, plan_path, save_plan
from copilot.calendar.events import CalendarEvent
from copilot.coach import analyze
from copilot.errors import InputError
from copilot.export.bundle import write_exports
from copilot.session.transcript import load_transcript
from copilot.session.utterance import Utterance

DEMO = Path(__file__).resolve().parents[2] / "assets" / "demo" / "demo_call.json"
FIRST = datetime(2026, 12, 4, 10, 5)
SECOND = datetime(2026, 12, 8, 14, 0)  # the demo agreed on the first call

# The second call: the demo itself. Written for this test; it names the company, a dependency and a risk.
SECOND_CALL = [
    ("rep", "Thanks for joining, Dana and Marcus. Here's the sandbox with last week's tickets."),
    ("prospect", "This is impressive. Here at Northwind we'd roll it out to all twelve agents."),
    ("rep", "What would you need to see before moving ahead?"),
    ("prospect", "We'd need the security review done first, our IT team insists on it."),
    ("prospect", "Honestly, the budget approval timeline is unclear until January."),
    ("rep", "Understood. I'll send the security questionnaire by Wednesday."),
    ("rep", "How about a proposal review with Marcus on Friday the 18th at 11am, forty-five minutes?"),
    ("prospect", "Friday the 18th at 11 works for both of us."),
    ("rep", "Great, I'll send the invite now. Thanks, Dana."),
    ("prospect", "Thanks, Sam. Talk Friday."),
]


def _first_verdict():
    transcript = load_transcript(DEMO)
    return analyze(transcript.utterances, FIRST, vertical="sales")


def _second_verdict():
    said = [Utterance(who, i * 8.0, i * 8.0 + 7.0, text) for i, (who, text) in enumerate(SECOND_CALL)]
    return analyze(said, SECOND, vertical="sales")


def test_a_call_starts_a_plan_from_its_agreed_step_and_materials() -> None:
    plan = plan_from_call(_first_verdict(), account="Northwind", started_at=FIRST, rep_name="Sam",
                          prospect_name="Dana")
    rows = [(s.date, s.action, s.owner, s.status, s.kind) for s in plan.steps]
    assert rows[0] == ("2026-12-08T14:00", "Live demo with Dana and Marcus", "Sam", "scheduled", "step")
    assert ("2026-12-08T14:00", "Bring the cost per ticket model", "Sam", "open", "material") in rows
    assert any(kind == "dependency" and "sign off" in action for _, action, _, _, kind in rows)
    assert [r.text for r in plan.risks] == ["I'm not sure I can take on another project right now"]
    assert plan.calls == ("2026-12-04T10:05",)


def test_the_plan_is_carried_across_two_calls_with_one_account(tmp_path: Path) -> None:
    first = _first_verdict()
    meeting = CalendarEvent(FIRST, datetime(2026, 12, 4, 10, 35), "Northwind - support automation",
                            attendees=("Sam Ortiz", "Dana Whitfield"))
    account = account_name(None, first, meeting)
    assert account == "Northwind"
    one = carry_forward(tmp_path, plan_from_call(first, account=account, started_at=FIRST, rep_name="Sam",
                                                 prospect_name="Dana"), FIRST)
    assert plan_path(tmp_path, account) == tmp_path / "action_plans" / "northwind.json"
    # the rep edits a row between the calls: the cost model is done
    edited = ActionPlan(one.account, tuple(s if s.kind != "material" else PlanStep(
        s.date, s.action, s.owner, "done", s.kind, s.heard_on, s.id) for s in one.steps), one.risks, one.calls)
    save_plan(tmp_path, edited)

    second = _second_verdict()
    assert account_name(None, second) == "Northwind"  # heard on the call ("here at Northwind")
    plan = carry_forward(tmp_path, plan_from_call(second, account="Northwind", started_at=SECOND, rep_name="Sam",
                                                  prospect_name="Dana"), SECOND)
    by_action = {s.action: s for s in plan.steps}
    # the earlier rows are kept with their status; the demo was this call, so it is done
    assert by_action["Live demo with Dana and Marcus"].status == "done"
    assert by_action["Bring the cost per ticket model"].status == "done"
    # the later call's step, material, dependency and risk are added
    review = next(s for s in plan.steps if s.action.lower().startswith("proposal review"))
    assert (review.date, review.status, review.heard_on) == ("2026-12-18T11:00", "scheduled", "2026-12-08T14:00")
    assert by_action["Send the security questionnaire"].date == "2026-12-09"
    assert any(s.kind == "dependency" and "security review" in s.action for s in plan.steps)
    assert any("budget approval timeline is unclear" in r.text for r in plan.risks)
    assert plan.calls == ("2026-12-04T10:05", "2026-12-08T14:00")
    assert load_plan(tmp_path, "northwind") == plan  # stored under the account, read back the same


def test_a_step_heard_again_is_not_added_twice(tmp_path: Path) -> None:
    first = plan_from_call(_first_verdict(), account="Acme", started_at=FIRST)
    carry_forward(tmp_path, first, FIRST)
    again = carry_forward(tmp_path, first, FIRST)
    assert len(again.steps) == len(first.steps) and len(again.risks) == len(first.risks)


def test_csv_and_markdown_written_and_read_back(tmp_path: Path) -> None:
    plan = plan_from_call(_first_verdict(), account="Northwind", started_at=FIRST, rep_name="Sam",
                          prospect_name="Dana")
    write_exports(tmp_path, None, _first_verdict(), started_at=FIRST, plan=plan)
    text = (tmp_path / "action_plan.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["date", "action", "owner", "status"]
    back = plan_from_csv(text, "Northwind")
    assert [(s.date, s.action, s.owner, s.status) for s in back.steps] == [tuple(r) for r in rows[1:]]
    assert {s.action for s in back.steps} == {s.action for s in plan.steps}
    md = (tmp_path / "action_plan.md").read_text(encoding="utf-8")
    assert md.startswith("# Mutual action plan: Northwind\n")
    assert "| Tue 08 Dec 2026, 14:00 | Live demo with Dana and Marcus | Sam | scheduled | step |" in md
    assert "## Risks\n\n- I'm not sure I can take on another project right now (open, heard 2026-12-04)" in md


def test_the_pdf_report_carries_the_plan(tmp_path: Path) -> None:
    pypdf = pytest.importorskip("pypdf")
    plan = plan_from_call(_first_verdict(), account="Northwind", started_at=FIRST, rep_name="Sam",
                          prospect_name="Dana")
    write_exports(tmp_path, None, _first_verdict(), started_at=FIRST, plan=plan)
    reader = pypdf.PdfReader(io.BytesIO((tmp_path / "verdict.pdf").read_bytes()))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Mutual action plan: Northwind" in text and "Bring the cost per ticket model" in text


def test_bad_files_are_one_line(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="lacks the column"):
        plan_from_csv("when,what\n2026-12-08,demo\n")
    with pytest.raises(InputError, match="line 2: 'next tuesday' is not a date"):
        plan_from_csv("date,action,owner,status\nnext tuesday,demo,Sam,open\n")
    with pytest.raises(InputError, match="line 2: unknown status 'maybe'"):
        plan_from_csv("date,action,owner,status\n2026-12-08,demo,Sam,maybe\n")
    path = plan_path(tmp_path, "Acme")
    path.parent.mkdir(parents=True)
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match="is damaged") as caught:
        load_plan(tmp_path, "Acme")
    assert "\n" not in str(caught.value)
    with pytest.raises(InputError, match="cannot name an account"):
        account_slug("!!!")
    assert load_plan(tmp_path, "nobody yet") is None


def test_account_names() -> None:
    assert account_slug("Acme Corp.") == "acme-corp"
    assert account_name("  Acme   Corp ") == "Acme Corp"
    meeting = CalendarEvent(FIRST, FIRST, "Globex | renewal review")
    assert account_name(None, None, meeting) == "Globex"
    assert account_name(None, None, None) == ""


def test_plan_json_round_trip() -> None:
    plan = plan_from_call(_first_verdict(), account="Northwind", started_at=FIRST)
    assert ActionPlan.from_json(json.loads(json.dumps(plan.to_json()))) == plan
