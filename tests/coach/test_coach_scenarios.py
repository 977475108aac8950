"""Who said it matters: acknowledgement, counter-proposals, hedges, retractions, triggers, past dates.

Each scenario is written fresh (not taken from the eval endings) and in the plain lowercase style of
speech recognition, so these tests check the method, not memorised wording.
"""

from __future__ import annotations

from datetime import datetime

from coach_helpers import CALL_DATE, say

from copilot.coach import Coach, analyze


def verdict(*lines: str, vertical: str = "sales", separated: bool = True) -> dict:
    return analyze(say(*lines), CALL_DATE, vertical=vertical, speakers_separated=separated).to_json()


def test_counter_proposal_accepted_by_the_other_side_is_secured() -> None:
    v = verdict(
        "R: a good next step would be a demo with your vp on thursday at ten",
        "P: thursday doesnt work friday at nine",
        "R: friday at nine works ill send the invite",
    )
    assert v["next_steps_secured"] is True
    assert v["next_step"]["when"] == "2026-11-20T09:00:00"
    assert set(v["next_step"]["agreed_by"]) == {"rep", "prospect"}


def test_other_party_proposing_and_rep_agreeing_counts_as_both() -> None:
    v = verdict(
        "P: could we do a walkthrough with my team on monday at two",
        "R: monday at two works great",
    )
    assert v["next_steps_secured"] is True
    assert v["criteria"]["acknowledged"]["met"] is True


def test_a_yes_from_the_rep_alone_is_not_acknowledgement() -> None:
    v = verdict(
        "R: lets do a security review on tuesday at 2 pm",
        "R: great sounds good to me",
    )
    assert v["criteria"]["acknowledged"]["met"] is False
    assert v["next_steps_secured"] is False


def test_a_yes_before_the_step_was_stated_does_not_count() -> None:
    v = verdict(
        "P: yeah sounds good",
        "R: so the next step is a pricing review with your cfo on monday at 11",
        "R: thanks for your time",
    )
    assert v["criteria"]["acknowledged"]["met"] is False


def test_yes_to_a_different_question_does_not_acknowledge() -> None:
    v = verdict(
        "R: id like to book an onboarding session with your admins on wednesday at three",
        "P: by the way do you support single sign on",
        "R: we do and does wednesday at three work",
        "P: sure i gotta run to another meeting though bye",
    )
    assert v["criteria"]["acknowledged"]["met"] is False
    assert v["next_steps_secured"] is False


def test_a_hedge_outranks_a_yes() -> None:
    v = verdict(
        "R: can we do the demo with your team on tuesday at 2",
        "P: yeah maybe let me check with them",
    )
    assert v["criteria"]["acknowledged"]["met"] is False
    assert "hedged" in v["reason"]


def test_tough_for_me_is_not_a_yes() -> None:
    v = verdict(
        "R: how about the contract review on tuesday at two",
        "P: tuesdays tough for me",
    )
    assert v["criteria"]["acknowledged"]["met"] is False


def test_a_retraction_takes_the_acknowledgement_back() -> None:
    coach = Coach(CALL_DATE)
    lines = say(
        "R: so were set for the implementation call on thursday at 11",
        "P: yes thursday at 11 works",
        "P: actually hold off until i talk to my boss",
    )
    coach.feed(lines[0])
    after_yes = coach.feed(lines[1])
    assert after_yes.next_steps_secured is True
    after_retraction = coach.feed(lines[2])
    assert after_retraction.next_steps_secured is False
    assert after_retraction.criteria["acknowledged"].met is False
    assert "took back" in coach.verdict().to_json()["reason"]


def test_trigger_with_committed_response_is_recognised() -> None:
    v = verdict(
        "R: once it confirms sso ill schedule the security review within 48 hours",
        "P: okay that works",
        vertical="it_service_desk",
    )
    assert v["next_steps_secured"] is True
    assert v["criteria"]["specific_time_or_trigger"]["kind"] == "trigger"
    assert v["next_step"]["when"] is None and v["next_step"]["trigger"]
    assert v["commitment_level"] == 3


def test_past_and_unrelated_dates_are_not_next_step_times() -> None:
    v = verdict(
        "P: we signed with another vendor last tuesday",
        "P: and my kids recital is friday so this week is nuts",
        "R: understood lets stay in touch",
        "P: sure",
    )
    assert v["criteria"]["specific_time_or_trigger"]["met"] is False
    assert v["next_steps_secured"] is False


def test_vague_times_do_not_count() -> None:
    for vague in ("next week", "soon", "next quarter", "after the holidays"):
        v = verdict(f"R: lets do a demo with your team {vague}", "P: yes sounds good")
        assert v["criteria"]["specific_time_or_trigger"]["met"] is False, vague
        assert v["criteria"]["specific_action"]["met"] is True


def test_sending_information_is_not_a_specific_action() -> None:
    v = verdict("R: ill send you some info tomorrow", "P: great thanks")
    assert v["criteria"]["specific_action"]["met"] is False
    assert v["next_steps_secured"] is False
    assert v["weak_next_steps"]


def test_commitment_levels() -> None:
    invite = verdict(
        "R: how about a demo with your cto on tuesday at 2 or thursday at 10",
        "P: tuesday at 2",
        "R: great im sending the invite now",
        "P: got it accepted",
    )
    assert invite["commitment_level"] == 5 and invite["stages"]["lock"]["met"]
    verbal = verdict("R: how about a demo with your cto on tuesday at 2", "P: tuesday at 2 works")
    assert verbal["commitment_level"] == 4 and not verbal["stages"]["lock"]["met"]
    deadline = verdict("R: ill have the written proposal to you by friday at noon", "P: friday at noon great")
    assert deadline["commitment_level"] == 3
    vague = verdict("R: lets catch up next week", "P: sure")
    assert vague["commitment_level"] == 2
    info = verdict("R: should we set up a demo", "P: nah just send me some info")
    assert info["commitment_level"] == 1


def test_stages_are_heard() -> None:
    v = verdict(
        "R: let me make sure i captured everything you need faster onboarding and fewer tickets",
        "P: thats right",
        "R: does it make sense to keep this conversation going",
        "P: yes it does",
        "R: a good next step would be a demo with your vp",
        "R: i have tuesday at 2 or thursday at 10 which works better",
        "P: thursday at 10",
    )
    assert all(v["stages"][s]["met"] for s in ("summarize", "confirm", "propose", "lock"))
    assert v["next_steps_secured"] is True


def test_objections_get_their_answer() -> None:
    v = verdict(
        "R: should we get the pilot on the calendar",
        "P: i need to think about it",
        "R: sure no problem",
    )
    assert [o["type"] for o in v["objections"]] == ["think_about_it"]
    assert v["objections"][0]["try"].startswith("What specific things")
    assert any(c["category"] == "Objection handling" for c in v["coaching"])


def test_speakers_not_separated_says_so_plainly() -> None:
    v = verdict(
        "R: how about a demo with your cto on tuesday at 2",
        "R: tuesday at 2 works",
        separated=False,
    )
    assert any("could not be told apart" in n for n in v["notes"])
    assert "could not be told apart" in v["reason"]
    # acknowledgement rests on turn-taking: the second line is taken as the other side's answer
    assert v["criteria"]["acknowledged"]["met"] is True


def test_prompt_follows_the_method() -> None:
    coach = Coach(datetime(2026, 11, 18, 10, 0))
    assert "next step" in coach.state.prompt.lower()
    s1 = coach.feed(say("R: a good next step would be a demo with your vp")[0])
    assert " or " in s1.prompt  # lock: offer two times
    s2 = coach.feed(say("R: how about the demo on tuesday at 2 pm")[0])
    assert s2.prompt.startswith("Does Tuesday at 2pm work")
    s3 = coach.feed(say("P: tuesday at 2 works")[0])
    assert "invite" in s3.prompt.lower()
    s4 = coach.feed(say("P: actually i need to think about it")[0])
    assert s4.prompt.startswith("What specific things")


def test_moving_an_agreed_step_is_a_counter_proposal_not_a_retraction() -> None:
    v = verdict(
        "R: lets do the demo with your vp on monday at 10",
        "P: monday at 10 works",
        "P: actually can we push it to tuesday at 2",
        "R: tuesday at 2 works for me",
    )
    assert v["next_steps_secured"] is True
    assert v["next_step"]["when"] == "2026-11-24T14:00:00"


def test_backchannels_are_yeses_and_homophones_are_fixed() -> None:
    v = verdict(
        "R: id like two set up a demo for you and your team",
        "R: how about friday at ten",
        "P: uh huh friday at ten is fine",
    )
    assert v["next_steps_secured"] is True and v["next_step"]["when"] == "2026-11-20T10:00:00"
    v = verdict("R: can we do the security review on tuesday at to", "P: mm hmm that works")
    assert v["next_steps_secured"] is True and v["next_step"]["when"] == "2026-11-24T14:00:00"


def test_a_sentence_split_across_turns_still_locks() -> None:
    v = verdict(
        "R: so what id suggest",
        "R: is a technical deep dive with your architects",
        "R: i have tuesday at two",
        "R: or thursday at ten which works",
        "P: thursday at ten",
    )
    assert v["stages"]["lock"]["met"] and v["next_steps_secured"]
    assert v["next_step"]["when"] == "2026-11-19T10:00:00"


def test_a_day_without_a_time_is_an_iso_date() -> None:
    v = verdict("R: ill have the written proposal to you by friday", "P: friday works great")
    assert v["next_steps_secured"] is True
    assert v["next_step"]["when"] == "2026-11-20"


def test_narrowing_a_proposed_window_is_a_new_proposal_not_a_yes() -> None:
    coach = Coach(CALL_DATE)
    lines = say(
        "R: could we set up the renewal call with you and your procurement lead",
        "P: thursdays are usually calm mornings",
        "R: how about thursday at 9:30",
        "P: thursday at 9:30 works",
    )
    states = [coach.feed(u) for u in lines]
    assert states[2].criteria["acknowledged"].met is False  # the rep narrowed it; the prospect has not said yes
    assert states[3].next_steps_secured is True
    assert coach.verdict().to_json()["next_step"]["when"] == "2026-11-19T09:30:00"


def test_a_past_verb_elsewhere_does_not_make_the_slot_past() -> None:
    v = verdict("R: how about the demo on thursday at 9:30", "P: okay better than i expected thursday at 9:30 works")
    assert v["next_steps_secured"] is True
