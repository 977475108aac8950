"""The follow-up cadence from a call: the recap 2 h after its end, the materials when they were promised, the
confirmation 24 h before the next meeting, the follow-up 48 h after the recap — read from the transcript by the
real coach, never from canned verdicts (except where a test needs one exact next step)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from copilot.coach import analyze
from copilot.coach.state import NextStep, Verdict
from copilot.followups import FollowUp, followups_for
from copilot.followups.cadence import call_end, contact_name
from copilot.session.utterance import Utterance

DEMO = Path(__file__).resolve().parents[2] / "assets" / "demo" / "demo_call.json"
WEDNESDAY = datetime(2026, 12, 2, 10, 0)


def said(*lines: tuple[str, str]) -> list[Utterance]:
    """Utterances four seconds apart."""
    return [Utterance(who, 4.0 * i, 4.0 * i + 3.0, text) for i, (who, text) in enumerate(lines)]


def derive(utterances: list[Utterance], started: datetime = WEDNESDAY, **kw: object) -> tuple[FollowUp, ...]:
    return followups_for(analyze(utterances, started, vertical="sales"), utterances, started, **kw)  # type: ignore[arg-type]


def kinds(items: tuple[FollowUp, ...], kind: str) -> list[FollowUp]:
    return [f for f in items if f.kind == kind]


def with_step(verdict: Verdict, when: datetime | None, *, has_time: bool = True, action: str = "demo with Marcus",
              attendees: tuple[str, ...] = ("marcus",)) -> Verdict:
    step = NextStep(action, when, None, ("rep", "prospect"), when_has_time=has_time, attendees=attendees)
    return replace(verdict, state=replace(verdict.state, next_step=step))


def test_the_demo_call_leaves_recap_confirmation_and_follow_up() -> None:
    data = json.loads(DEMO.read_text(encoding="utf-8"))
    utterances = [Utterance(u["speaker"], u["start"], u["end"], u["text"]) for u in data["utterances"]]
    started = datetime(2026, 12, 4, 10, 5)  # a Friday; "Tuesday at 2pm" is 8 December
    items = followups_for(analyze(utterances, started, vertical="sales"), utterances, started)
    end = call_end(started, utterances)
    assert end == started + timedelta(seconds=utterances[-1].end)
    assert [f.kind for f in items] == ["recap", "follow_up", "confirmation"]  # due order
    recap, follow_up, confirm = items
    assert recap.due == (end + timedelta(hours=2)).replace(microsecond=0)
    assert recap.what == "Send the recap email to Dana"  # "Hi Dana", "Thanks, Dana"
    assert confirm.due == datetime(2026, 12, 7, 14, 0)  # 24 h before Tuesday 14:00
    assert confirm.what == "Confirm Tuesday's live demo with Dana and Marcus"
    # 48 h after the recap is Sunday: Monday at 9:00
    assert follow_up.due == datetime(2026, 12, 7, 9, 0)
    assert follow_up.what == "Follow up with Dana if no reply to the recap"


def test_the_follow_up_is_48_hours_after_the_recap_on_a_weekday() -> None:
    items = derive(said(("rep", "Thanks for the time today."), ("prospect", "Sure, bye.")))
    recap, = kinds(items, "recap")
    follow_up, = kinds(items, "follow_up")
    assert follow_up.due - recap.due == timedelta(hours=48)
    assert recap.what == "Send the recap email" and follow_up.what == "Follow up if no reply to the recap"
    assert not kinds(items, "confirmation") and not kinds(items, "materials")


@pytest.mark.parametrize(("line", "due", "what"), [
    ("I'll send you the case study by end of day.", datetime(2026, 12, 2, 17, 0),
     "Send the case study (promised by end of day)"),
    ("Great, and I'll get you the ROI model tomorrow morning.", datetime(2026, 12, 3, 9, 0),
     "Send the ROI model (promised tomorrow morning)"),
    ("I'll have the proposal over to you by Friday.", datetime(2026, 12, 4, 17, 0),
     "Send the proposal (promised by Friday)"),
    ("I'll email you our pricing sheet by Thursday at 3pm.", datetime(2026, 12, 3, 15, 0),
     "Send the pricing sheet (promised by Thursday at 3pm)"),
    ("Let me send over the onboarding checklist.", datetime(2026, 12, 2, 17, 0),
     "Send the onboarding checklist (promised on the call)"),  # no time said: the end of the call's day
    ("I'll forward you the security whitepaper and the SOC 2 report later.", datetime(2026, 12, 2, 17, 0),
     "Send the security whitepaper and the SOC 2 report (promised on the call)"),
])
def test_materials_the_rep_promised_are_due_when_promised(line: str, due: datetime, what: str) -> None:
    items = derive(said(("prospect", "This looks promising."), ("rep", line), ("prospect", "Thanks, talk soon.")))
    materials = kinds(items, "materials")
    assert [(f.due, f.what) for f in materials] == [(due, what)]


def test_a_request_the_rep_says_yes_to_is_a_promise_and_one_they_deflect_is_not() -> None:
    yes = derive(said(("prospect", "Could you send me the integration guide by Friday?"), ("rep", "Sure, will do.")))
    assert [f.what for f in kinds(yes, "materials")] == ["Send the integration guide (promised by Friday)"]
    deflected = derive(said(("prospect", "Could you just send me some info?"),
                            ("rep", "Of course. What would be most valuable for you to see?")))
    assert not kinds(deflected, "materials")


def test_what_the_rep_asks_the_other_side_to_send_is_not_the_reps_promise() -> None:
    items = derive(said(("rep", "Could you send me your ticket volumes by Friday?"), ("prospect", "Sure, will do.")))
    assert not kinds(items, "materials")


def test_an_offer_counts_once_the_other_side_accepts_it() -> None:
    accepted = derive(said(("rep", "Want me to send you the case study?"), ("prospect", "Yes please, that would help.")))
    assert [f.what for f in kinds(accepted, "materials")] == ["Send the case study (promised on the call)"]
    declined = derive(said(("rep", "Want me to send you the case study?"), ("prospect", "No thanks, not needed.")))
    assert not kinds(declined, "materials")


@pytest.mark.parametrize("line", [
    "I won't send the deck, it's out of date.",
    "I'm sending you the invite right now.",  # the invite is sent on the call
    "I'll send you a recap by end of day.",   # the recap is its own follow-up
    "I'll send it over.",                     # nothing named
    "I'll get started on the migration plan.",
    "We sent the contract last week.",
])
def test_what_is_not_a_promise_of_materials(line: str) -> None:
    assert not kinds(derive(said(("rep", line), ("prospect", "Okay.")), ), "materials")


def test_the_same_material_promised_twice_is_one_follow_up_due_the_first_time() -> None:
    items = derive(said(("rep", "I'll send you the case study by end of day."), ("prospect", "Great."),
                        ("rep", "So, the recap: I'll send you the case study tomorrow.")))
    assert [(f.what, f.due) for f in kinds(items, "materials")] == [
        ("Send the case study (promised by end of day)", datetime(2026, 12, 2, 17, 0))]


def test_materials_promised_on_an_evening_call_are_due_after_it() -> None:
    evening = datetime(2026, 12, 2, 18, 30)
    items = derive(said(("rep", "I'll send you the case study."), ("prospect", "Thanks.")), evening)
    end = evening + timedelta(seconds=7)
    assert [f.due for f in kinds(items, "materials")] == [end + timedelta(hours=2)]
    eod = derive(said(("rep", "I'll send you the case study by end of day."), ("prospect", "Thanks.")), evening)
    assert [f.due for f in kinds(eod, "materials")] == [end]  # 17:00 had passed: due at once


def test_the_confirmation_is_24_hours_before_the_meeting() -> None:
    utterances = said(("rep", "Hi Priya."), ("prospect", "Hi."))
    verdict = analyze(utterances, WEDNESDAY, vertical="sales")
    monday = datetime(2026, 12, 7, 10, 0)
    confirm, = kinds(followups_for(with_step(verdict, monday), utterances, WEDNESDAY), "confirmation")
    assert confirm.what == "Confirm Monday's demo with Priya and Marcus"
    assert confirm.due == datetime(2026, 12, 4, 10, 0)  # Sunday 10:00 is a weekend: the Friday before
    thursday = datetime(2026, 12, 3, 15, 0)
    confirm, = kinds(followups_for(with_step(verdict, thursday), utterances, WEDNESDAY), "confirmation")
    assert confirm.due == datetime(2026, 12, 2, 15, 0)
    later = datetime(2026, 12, 21, 15, 0)  # more than a week away: named by its date
    confirm, = kinds(followups_for(with_step(verdict, later, attendees=("you", "your cfo")), utterances, WEDNESDAY),
                     "confirmation")
    assert confirm.what == "Confirm December 21's demo with Priya and your CFO"


def test_a_meeting_sooner_than_24_hours_is_confirmed_with_the_recap_and_one_within_2_hours_not_at_all() -> None:
    utterances = said(("rep", "Thanks, Priya."), ("prospect", "Bye."))
    verdict = analyze(utterances, WEDNESDAY, vertical="sales")
    recap_due = call_end(WEDNESDAY, utterances) + timedelta(hours=2)
    soon = followups_for(with_step(verdict, datetime(2026, 12, 3, 9, 0)), utterances, WEDNESDAY)
    assert [f.due for f in kinds(soon, "confirmation")] == [recap_due]
    assert not kinds(followups_for(with_step(verdict, WEDNESDAY + timedelta(hours=1)), utterances, WEDNESDAY),
                     "confirmation")
    assert not kinds(followups_for(with_step(verdict, datetime(2026, 11, 30, 9, 0)), utterances, WEDNESDAY),
                     "confirmation")  # a date before the call
    assert not kinds(followups_for(with_step(verdict, None), utterances, WEDNESDAY), "confirmation")  # a trigger only


def test_a_day_without_a_time_is_confirmed_the_day_before_at_nine() -> None:
    utterances = said(("rep", "Bye Priya."), ("prospect", "Bye."))
    verdict = with_step(analyze(utterances, WEDNESDAY, vertical="sales"), datetime(2026, 12, 4), has_time=False)
    confirm, = kinds(followups_for(verdict, utterances, WEDNESDAY), "confirmation")
    assert confirm.due == datetime(2026, 12, 3, 9, 0) and confirm.what.startswith("Confirm Friday's demo")


def test_the_coach_resolves_the_meeting_the_confirmation_is_for() -> None:
    items = derive(said(("rep", "A good next step would be a security review with your IT lead. Does Friday at 11am work?"),
                        ("prospect", "Friday at 11 works, yes."), ("rep", "Great, thanks Priya.")))
    confirm, = kinds(items, "confirmation")
    assert confirm.due == datetime(2026, 12, 3, 11, 0)
    assert confirm.what.startswith("Confirm Friday's security review with Priya")


def test_the_contact_comes_from_the_caller_or_what_the_rep_called_them() -> None:
    utterances = said(("rep", "Hi Dana, thanks for joining."), ("prospect", "Thanks, Sam."), ("rep", "Bye, Dana."))
    assert contact_name(utterances) == "Dana"  # the rep's words, not the prospect's "Thanks, Sam"
    assert derive(utterances)[0].what == "Send the recap email to Dana"
    assert derive(utterances, contact="Dana Lee")[0].what == "Send the recap email to Dana Lee"
    assert contact_name(said(("rep", "Thanks so much."), ("rep", "Hi everyone."))) is None


def test_nothing_said_leaves_nothing_and_times_are_local() -> None:
    assert followups_for(None, [], WEDNESDAY) == ()
    utterances = said(("rep", "Thanks for the time."), ("prospect", "Bye."))
    aware = WEDNESDAY.astimezone().astimezone(timezone.utc)
    assert followups_for(None, utterances, aware) == followups_for(None, utterances, WEDNESDAY)
    assert all(f.due.tzinfo is None for f in followups_for(None, utterances, aware))


def test_a_follow_up_kind_is_one_of_four() -> None:
    with pytest.raises(ValueError):
        FollowUp("lunch", WEDNESDAY, "Have lunch")
