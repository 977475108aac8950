"""The next step suggested from what was heard (the playbooks' ``next_steps`` tables): one short invented dialogue
per stage and vertical, the person or role it is with, what does not count (negations, the rep's own questions),
the JSON shape, and the Propose prompt that names it with the evidence."""

from __future__ import annotations

from datetime import datetime

import pytest

from copilot.coach import Coach
from copilot.coach.coach import analyze
from copilot.coach.playbook import load_playbook
from copilot.coach.state import Verdict
from copilot.coach.suggest import compile_table
from copilot.coach.verdict import state_to_dict
from copilot.errors import InputError
from copilot.session.utterance import Utterance

CALL = datetime(2026, 12, 4, 10, 5)  # a Friday
SLOTS = (datetime(2026, 12, 8, 14, 0), datetime(2026, 12, 10, 10, 30))


def call(*lines: str) -> list[Utterance]:
    """``"R: …"`` is the rep, ``"P: …"`` the other party; four seconds apart."""
    out = []
    for k, line in enumerate(lines):
        who, text = line.split(": ", 1)
        out.append(Utterance("rep" if who == "R" else "prospect", 4.0 * k, 4.0 * k + 3.5, text))
    return out


def suggested(vertical: str, *lines: str) -> dict | None:
    return analyze(call(*lines), CALL, vertical=vertical).to_json()["suggested_next_step"]


CASES = [
    # sales
    ("sales", "qualified", None, [
        "R: Walk me through how you handle renewals today.",
        "P: It's all spreadsheets, and we keep missing renewals because nobody owns the follow-up.",
        "P: We've earmarked roughly 30k for a tool this year.",
        "P: Ideally it's in place before our busy season starts in March.",
        "P: I make the final call on it, so it's really me you need to convince."]),
    ("sales", "stakeholders", None, [
        "R: Who else would be part of choosing something like this?",
        "P: Honestly it's a group decision: ops, finance and IT all have a say.",
        "P: I'd want to bring in our operations lead and someone from finance before we go further."]),
    ("sales", "technical", "architect", [
        "R: How did the walkthrough land with you?",
        "P: It looks good, but I'm nervous about how it would hook into our data warehouse.",
        "P: Our architect will ask about single sign-on and where the data is hosted."]),
    ("sales", "business_case", "CFO", [
        "R: What would it take to get this over the line internally?",
        "P: I'd have to show the payback; our CFO won't approve anything without a clear return on investment.",
        "P: If you can help me build the business case, that would make it much easier."]),
    ("sales", "competitive", None, [
        "R: Where are you in your search?",
        "P: We're also evaluating two other vendors and we'll compare them side by side.",
        "P: Could we run a pilot with a couple of our teams before we choose?"]),
    ("sales", "near_decision", None, [
        "R: So where does that leave us?",
        "P: We're pretty much ready to move forward.",
        "P: What are the payment terms, and is there a discount if we commit for two years?",
        "P: And when could we realistically start onboarding?"]),
    # recruiting
    ("recruiting", "screened", "hiring manager", [
        "R: Tell me a bit about what you're doing now.",
        "P: I've been leading a team of six data engineers for about four years.",
        "P: The role sounds like exactly what I'm looking for, and my notice period is a month.",
        "R: Great, the hiring manager would be Priya Shah, she runs the platform group."]),
    ("recruiting", "interviewed", None, [
        "R: How did it go with Marcus yesterday?",
        "P: Really well, I think we clicked, it was a great conversation about the roadmap.",
        "R: He said the same, he gave really positive feedback."]),
    ("recruiting", "final_round", None, [
        "R: So you've now done the final round with the whole team.",
        "P: Yes, the panel went well, I met everyone.",
        "P: I should mention I have another offer I need to answer by next Friday."]),
    # customer success
    ("customer_success", "review_due", None, [
        "R: How are things going on your side?",
        "P: Good. I'd like to look at our usage numbers for the last quarter.",
        "P: And we're setting our goals for next year, so it would help to see what's worked."]),
    ("customer_success", "adoption_gap", None, [
        "R: Anything slowing the team down?",
        "P: We hired eight new agents this month and they find the reporting screens confusing.",
        "P: Honestly most of them aren't using the automations at all."]),
    ("customer_success", "renewal_near", None, [
        "R: Anything else on your mind?",
        "P: Our contract is up in February, so the renewal is coming up.",
        "P: We'd want to talk about the seat count and the price before we renew."]),
    # real estate
    ("real_estate", "interested", "wife", [
        "R: Thanks for calling about the Elm Street listing.",
        "P: We really liked the photos, is it still available?",
        "P: How big is the backyard, and which school district is it in?",
        "P: My wife would want to see it too."]),
    ("real_estate", "ready_to_offer", "lender", [
        "R: How are you both feeling after the second showing?",
        "P: We want to put in an offer before someone else grabs it.",
        "P: We're pre-approved, our lender just needs the offer price."]),
    ("real_estate", "offer_accepted", "inspector", [
        "R: Great news, the sellers accepted your offer this morning.",
        "P: That's amazing, we're thrilled.",
        "P: So what happens now, do we need an inspector?"]),
    # IT service desk
    ("it_service_desk", "investigating", None, [
        "R: Service desk, how can I help?",
        "P: The shared drive keeps dropping out, it happens randomly a few times a day.",
        "P: A couple of other people on my floor said the same thing since the update."]),
    ("it_service_desk", "needs_hands_on", None, [
        "R: Service desk, what seems to be the problem?",
        "P: My laptop keeps showing an error message when I open the expense app and then it freezes.",
        "P: Could you take a look at my screen?"]),
    ("it_service_desk", "on_site", None, [
        "R: Service desk, how can I help?",
        "P: The docking station on my desk is dead, none of the monitors come on.",
        "P: I already tried another cable, so I think it's the hardware."]),
]


@pytest.mark.parametrize("vertical,stage,with_part,lines", CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_each_stage_is_suggested_from_a_fresh_dialogue(vertical: str, stage: str, with_part: str | None,
                                                       lines: list[str]) -> None:
    s = suggested(vertical, *lines)
    assert s is not None, lines
    assert s["stage"] == stage, s
    assert s["action"]
    assert s["evidence"] and all(e["utterance"] < len(lines) for e in s["evidence"])
    if with_part is not None:
        assert s["with"] is not None and with_part.lower() in s["with"].lower(), s


def test_too_little_heard_is_null() -> None:
    assert suggested("sales", "R: Hi, thanks for joining.", "P: Sure, happy to chat.") is None
    assert Coach(CALL).state.suggested_next_step is None


def test_the_reps_own_questions_are_not_what_was_heard() -> None:
    # the rep asks about budget, competitors, security: none of it was heard from the prospect
    assert suggested("sales", "R: Do you have budget, a timeline, and who signs off?",
                     "R: Are you looking at competitors? Any security concerns?", "P: Good questions.") is None


def test_a_negated_signal_does_not_count() -> None:
    assert suggested("sales", "P: We're not worried about security at all.",
                     "P: And we don't need any integration either.") is None
    s = suggested("sales", "P: We're not worried about security.", "P: But we are comparing three other vendors.")
    assert s is not None and s["stage"] == "competitive"


def test_the_most_recent_strongest_signals_decide() -> None:
    early = ["P: We're also talking to a competitor.",
             "P: Our CFO will want to see the return on investment.",
             "P: Building the business case is the hard part for me."]
    assert suggested("sales", *early)["stage"] == "business_case"
    later = early + ["P: Honestly, the contract terms are what I need now: payment terms and a start date."]
    assert suggested("sales", *later)["stage"] == "near_decision"


def test_a_person_named_with_the_role_is_who_it_is_with() -> None:
    s = suggested("sales", "P: Dana, our CFO, owns the budget.",
                  "P: She'll want to understand the payback before approving anything.")
    assert s is not None and s["stage"] == "business_case" and s["with"] == "Dana (CFO)"


def test_the_buying_committee_names_everyone_named() -> None:
    s = suggested("sales", "P: Legal and procurement both need to sign off, and the whole team has a say.",
                  "P: I'd also bring in our head of security.")
    assert s is not None and s["stage"] == "stakeholders"
    assert "legal" in s["with"].lower() and "security" in s["with"].lower()


def test_default_with_when_nobody_fitting_was_named() -> None:
    s = suggested("sales", "P: We're also looking at other vendors, kind of a bake-off.",
                  "P: A trial would help us compare.")
    assert s == {**s, "stage": "competitive", "with": "your evaluation team"}


def test_live_state_carries_it_as_it_is_heard() -> None:
    coach = Coach(CALL)
    assert state_to_dict(coach.state)["suggested_next_step"] is None
    coach.feed(Utterance("prospect", 0, 3, "We'd need a clear ROI before finance approves it."))
    d = state_to_dict(coach.state)["suggested_next_step"]
    assert d is not None and d["stage"] == "business_case"
    assert set(d) == {"stage", "action", "with", "evidence"}
    assert d["evidence"][0] == {"utterance": 0, "t": 0.0, "text": "We'd need a clear ROI before finance approves it.",
                                "speaker": "prospect"}


def test_the_verdict_json_round_trips() -> None:
    v = analyze(call("P: Our CFO needs to see the payback period.", "P: Can you help with the business case?"),
                CALL)
    data = v.to_json()
    assert list(data)[-1] == "suggested_next_step"
    back = Verdict.from_json(data)
    assert back.suggested_next_step == v.suggested_next_step
    assert Verdict.from_json({**data, "suggested_next_step": "nonsense"}).suggested_next_step is None


def test_propose_prompt_names_the_step_with_whom_and_why() -> None:
    coach = Coach(CALL)
    for u in call("P: Our CFO owns the budget for this.", "P: She'll want to see the payback before signing.",
                  "R: That's fair, we can help with that."):  # the worry answered: the commitment test gives way
        coach.feed(u)
    prompt = coach.state.prompt
    assert prompt.startswith("A good next step would be an ROI review with your CFO — "), prompt
    assert "the CFO" in prompt


def test_propose_prompt_keeps_offering_the_calendars_slots() -> None:
    coach = Coach(CALL, free_slots=SLOTS)
    for u in call("P: We're comparing you with two other vendors.", "R: Makes sense."):
        coach.feed(u)
    assert "a proof of concept with your evaluation team" in coach.state.prompt
    assert "Tuesday at 2pm or Thursday at 10:30am" in coach.state.prompt
    assert coach.state.offered_slots == SLOTS


def test_without_a_suggestion_the_default_propose_stays() -> None:
    coach = Coach(CALL)
    coach.feed(Utterance("rep", 0, 3, "Thanks for making the time."))
    assert coach.state.prompt == "A good next step would be a demo with your VP — does that make sense?"


def test_the_suggestion_does_not_touch_the_judgement() -> None:
    lines = call("P: We need SOC 2 and SSO, our CTO will check.", "R: Let's do a security review with your CTO "
                 "on Tuesday at 2pm.", "P: Tuesday at 2 works.")
    v = analyze(lines, CALL).to_json()
    assert v["next_steps_secured"] is True and v["suggested_next_step"]["stage"] == "technical"
    assert v["suggested_next_step"]["with"] == "CTO"


def test_a_bad_table_is_one_clear_line() -> None:
    with pytest.raises(InputError, match="needs an 'action'"):
        compile_table({"stages": {"x": {"signals": {"a": {"phrases": ["b"]}}}}}, "sales")
    with pytest.raises(InputError, match="needs 'signals'"):
        compile_table({"stages": {"x": {"action": "a call"}}}, "sales")
    with pytest.raises(InputError, match="expected a number"):
        compile_table({"stages": {"x": {"action": "a", "needs": "two", "signals": {"a": {"phrases": ["b"]}}}}},
                      "sales")
    assert compile_table(None, "sales") is None


def test_every_vertical_has_its_table() -> None:
    stages = {v: [s.name for s in load_playbook(v).next_steps.stages]  # type: ignore[union-attr]
              for v in ("sales", "recruiting", "customer_success", "real_estate", "it_service_desk")}
    assert stages == {
        "sales": ["qualified", "stakeholders", "technical", "business_case", "competitive", "near_decision"],
        "recruiting": ["screened", "interviewed", "final_round"],
        "customer_success": ["review_due", "adoption_gap", "renewal_near"],
        "real_estate": ["interested", "ready_to_offer", "offer_accepted"],
        "it_service_desk": ["investigating", "needs_hands_on", "on_site"],
    }


def test_every_stage_has_a_label_a_person_reads() -> None:
    from copilot.session.labels import NEXT_STEP_STAGES, labels_for

    for vertical, names in NEXT_STEP_STAGES.items():
        table = load_playbook(vertical).next_steps
        assert table is not None and [s.name for s in table.stages] == list(names)
        assert labels_for(vertical).next_stage(table.stages[0].name) == names[table.stages[0].name]
    assert labels_for("sales").next_stage("business_case") == "Business case needed → ROI review"


def test_a_lower_case_transcript_names_people_even_at_a_sentence_start() -> None:
    # a recogniser that writes in lower case capitalises only names
    s = suggested("sales", "P: so our cfo has to see the payback first",
                  "P: Ingrid, she's the cfo, won't approve anything without a clear return")
    assert s is not None and s["stage"] == "business_case" and s["with"] is not None and "Ingrid" in s["with"]


def test_where_the_rep_relays_the_other_sides_verdict_the_reps_words_count() -> None:
    # recruiting: the recruiter reports how the hiring-manager interview went
    s = suggested("recruiting", "R: I caught up with Fatima after your interview.",
                  "R: She was really impressed, she wants you to meet the wider team next.", "P: Oh great.")
    assert s is not None and s["stage"] == "interviewed"


def test_a_committee_named_as_a_group_is_who_the_meeting_is_with() -> None:
    s = suggested("sales", "P: Anything like this goes to the procurement board, they all have a say.",
                  "P: So I'd need to get it past them.")
    assert s is not None and s["stage"] == "stakeholders" and "board" in s["with"].lower()


def test_a_comparison_without_another_vendor_is_no_competitive_evaluation() -> None:
    s = suggested("sales", "P: What would the cost per order be versus what we pay now?",
                  "P: I need to know how fast it pays for itself.")
    assert s is not None and s["stage"] == "business_case"


def test_the_reps_statement_around_a_question_counts_the_question_does_not() -> None:
    s = suggested("it_service_desk", "R: I'll need twenty minutes on your laptop to reset it. When suits you?",
                  "P: This afternoon maybe.")
    assert s is not None and s["stage"] == "needs_hands_on"
    assert suggested("it_service_desk", "R: Is it your laptop or the docking station?", "P: Not sure.") is None


def test_a_product_name_next_to_a_signal_is_no_person() -> None:
    s = suggested("sales", "P: Our Salesforce integration is the big worry.", "P: And the API limits.")
    assert s is not None and s["stage"] == "technical" and s["with"] == "the technical evaluator"


def test_a_reps_summary_the_other_party_confirms_counts_as_theirs() -> None:
    summary = "R: So it sounds like the security review is the big hurdle for you."
    assert suggested("sales", summary, "P: Hmm, we'll see.") is None  # the rep's words alone are not enough
    s = suggested("sales", summary, "P: Yeah, exactly, that's the thing.")
    assert s is not None and s["stage"] == "technical"
