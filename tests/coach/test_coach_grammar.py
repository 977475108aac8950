"""Grammar the coach reads, each mechanism shown on wording of its own (not the held-out endings' lines).

Each test names one general shape of speech and checks both sides of it: the shape that is a step (or a yes, or a
trigger) and the near-miss that is not.
"""

from __future__ import annotations

import pytest
from coach_helpers import CALL_DATE, say

from copilot.coach import analyze
from copilot.coach.acts import Act
from copilot.coach.playbook import load_playbook
from copilot.coach.reader import read
from copilot.coach.text import normalize

PB = load_playbook("sales")


def verdict(*lines: str) -> dict:
    return analyze(say(*lines), CALL_DATE).to_json()


def met(v: dict, criterion: str) -> bool:
    return bool(v["criteria"][criterion]["met"])


# ------------------------------------------------------------------ a cleft says the same as the plain sentence
@pytest.mark.parametrize(("cleft", "plain"), [
    ("so what i'll do is get the contract redlined", ("so", "ill", "get", "the", "contract", "redlined")),
    ("what we're going to do is to book the venue", ("were", "going", "to", "book", "the", "venue")),
    ("what i'd do is a half hour with your ops lead", ("id", "do", "a", "half", "hour", "with", "your", "ops", "lead")),
])
def test_a_cleft_reads_as_the_plain_commitment(cleft: str, plain: tuple[str, ...]) -> None:
    assert normalize(cleft).tokens == plain


def test_a_step_put_as_a_cleft_is_a_step() -> None:
    v = verdict("R: What I'll do is have your new badge printed and waiting at reception by Monday at 9.",
                "P: Monday at nine, perfect.")
    assert v["next_steps_secured"], v["reason"]


# ------------------------------------------------------------------ the head of a compound noun decides information
@pytest.mark.parametrize("line", [
    "R: I'll send you our quarterly benchmark report overview.",
    "R: i'll email you the onboarding checklist guide tonight",
    "R: I'll forward the integration faq links.",
])
def test_information_named_by_a_compound_is_information(line: str) -> None:
    r = read(say(line)[0].text, PB)
    assert r.has(Act.SEND_INFO)
    assert not r.has(Act.PROPOSE)


@pytest.mark.parametrize("line", [
    "R: I'll send you the signed order form by Friday.",
    "R: I'll draft the data processing agreement this week.",
])
def test_a_piece_of_work_is_still_a_deliverable(line: str) -> None:
    assert read(say(line)[0].text, PB).has(Act.PROPOSE)


# ------------------------------------------------------------------ "have X <participle>": a deliverable
@pytest.mark.parametrize("line", [
    "R: I'll have the two spare monitors configured by Thursday at noon.",
    "R: we'll have your storage quota increased by tomorrow at 5pm",
])
def test_have_something_done_is_a_deliverable(line: str) -> None:
    r = read(say(line)[0].text, PB)
    assert r.has(Act.PROPOSE) and r.step is not None and r.step.kind == "deliverable"


# ------------------------------------------------------------------ someone else's obligation is not a proposal
@pytest.mark.parametrize("line", [
    "P: yeah legal has to do it, not me",
    "P: our finance team needs to book that themselves",
    "P: they have to schedule that on their side",
])
def test_a_third_partys_obligation_puts_nothing_forward(line: str) -> None:
    assert not read(say(line)[0].text, PB).has(Act.PROPOSE)


def test_our_own_obligation_still_refers_to_the_step() -> None:
    v = verdict("R: How about a pricing review with your CFO on Tuesday at 3?",
                "P: Yes, we need to do it, Tuesday at 3 works.")
    assert v["next_steps_secured"], v["reason"]


# ------------------------------------------------------------------ triggers
@pytest.mark.parametrize("line", [
    "R: so the second floor is where the study is",
    "R: the minute hand on that clock is broken",
    "R: log it in the portal when you get a chance",
    "R: ping me when you get a minute",
])
def test_ordinal_and_idiom_are_not_triggers(line: str) -> None:
    assert read(say(line)[0].text, PB).trigger is None


@pytest.mark.parametrize("line", [
    "R: the second the bank approves it I'll call you",
    "R: the moment legal signs off I'll send the order form",
    "R: the minute facilities confirms the room, I'll book the workshop",
])
def test_moment_triggers_still_heard(line: str) -> None:
    r = read(say(line)[0].text, PB)
    assert r.trigger is not None and r.trigger.committed


def test_a_trigger_said_before_the_commitment_in_one_turn_is_committed() -> None:
    v = verdict("R: As soon as your security team approves the vendor form, just drop me an email.",
                "R: And I'll switch on the single sign-on integration that same day.",
                "P: Yes, perfect, I'll chase them this week.")
    assert met(v, "specific_action") and met(v, "specific_time_or_trigger"), v["reason"]
    assert met(v, "acknowledged"), v["reason"]


def test_an_uncommitted_trigger_stays_uncommitted() -> None:
    v = verdict("R: As soon as your security team approves the vendor form, just drop me an email.",
                "P: Sure.")
    assert not met(v, "specific_time_or_trigger"), v["reason"]


# ------------------------------------------------------------------ a yes and the answerer's own part in it
def test_a_yes_with_my_own_part_is_a_yes() -> None:
    v = verdict("R: I'll have the revised quote over to you by Thursday at noon.",
                "P: ok great I'll loop in our buyer when it lands")
    assert met(v, "acknowledged"), v["reason"]


def test_a_yes_then_a_hedge_is_no_yes() -> None:
    v = verdict("R: I'll have the revised quote over to you by Thursday at noon.",
                "P: ok I'll have to see what our buyer says first")
    assert not met(v, "acknowledged"), v["reason"]


# ------------------------------------------------------------------ a pause that settles into a yes
@pytest.mark.parametrize(("line", "retracts"), [
    ("P: hold on. ok yes, accepted", False),
    ("P: wait actually, yep, that works", False),
    ("P: hang on, actually scratch that", True),
    ("P: yes. actually hold off on that", True),
])
def test_a_pause_that_settles_into_a_yes_takes_nothing_back(line: str, retracts: bool) -> None:
    assert read(say(line)[0].text, PB).has(Act.RETRACT) is retracts


# ------------------------------------------------------------------ a day floated is not a slot
@pytest.mark.parametrize(("line", "specific"), [
    ("P: maybe thursday, I'd have to look", False),
    ("P: perhaps friday or so", False),
    ("P: maybe thursday at 10?", True),
])
def test_a_floated_day_is_not_a_slot(line: str, specific: bool) -> None:
    r = read(say(line)[0].text, PB)
    assert bool(r.times) is specific


# ------------------------------------------------------------------ a length with its time between
def test_a_length_with_its_time_and_attendees_is_a_meeting() -> None:
    r = read("could we grab a quick thirty minutes friday at two you me and our solutions lead", PB)
    assert r.has(Act.PROPOSE) and r.step is not None and r.step.kind == "meeting"
    assert "friday" not in r.step.phrase  # the time is the step's slot, not its name


# ------------------------------------------------------------------ the step put forward, not the one mentioned
def test_their_own_meeting_does_not_hide_the_request() -> None:
    v = verdict("P: can you get me those by Monday end of day? I've got the steering committee meeting Tuesday",
                "R: yes, by Monday end of day you'll have them",
                "P: great")
    assert met(v, "specific_action") and v["next_steps_secured"], v["reason"]


# ------------------------------------------------------------------ whatever "the next step is" names
@pytest.mark.parametrize("line", [
    "R: so the next step really is a boiler inspection, our surveyor needs to see the pipework",
    "R: ok the final stage is forty five minutes, you'll meet Ana who runs finance",
    "R: the only thing left is the medical, I can put you down for the 9th at 8 am",
])
def test_what_the_next_step_is_named_as_is_a_step(line: str) -> None:
    r = read(say(line)[0].text, PB)
    assert r.has(Act.PROPOSE) and r.step is not None and r.step.specific, r


@pytest.mark.parametrize("line", [
    "R: the next step is just to touch base in the new year",
    "R: the next step is a quick call sometime",
])
def test_a_vague_next_step_stays_vague(line: str) -> None:
    assert not read(say(line)[0].text, PB).has(Act.PROPOSE)


def test_the_last_stage_is_not_the_past_and_a_title_is_not_a_full_stop() -> None:
    v = verdict("R: A sensible next step would be a workshop with Mr. Alvarez, since he owns the budget. "
                "I have Monday at 3 or Tuesday at 11, which is better?",
                "P: Tuesday at 11.",
                "R: Great, sending the invite now.",
                "P: Accepted.")
    assert v["next_steps_secured"], v["reason"]


# ------------------------------------------------------------------ asked-for work and viewings
def test_a_request_for_a_piece_of_work_with_a_deadline_is_a_step() -> None:
    v = verdict("P: could you get me the signed variation order by Thursday noon?",
                "R: yes, by Thursday noon",
                "P: perfect")
    assert met(v, "specific_action") and v["next_steps_secured"], v["reason"]


def test_you_should_see_it_is_a_viewing_not_an_invite() -> None:
    r = read("honestly you should see it before the weekend rush", load_playbook("real_estate"))
    assert r.has(Act.PROPOSE) and not r.has(Act.INVITE_SENT)


def test_put_you_down_for_is_a_booking_of_the_step_named() -> None:
    v = verdict("R: the last thing is the fitness check",
                "R: want me to put you down for Friday at 7 am?",
                "P: yes Friday at 7 works")
    assert v["next_steps_secured"], v["reason"]


# ------------------------------------------------------------------ yeses that stand, and times that are not offers
def test_in_and_out_is_not_im_in() -> None:
    assert read("possibly wednesday, I'm in and out all week", PB).accept_strength == 0


def test_a_later_maybe_about_something_else_leaves_an_explicit_yes_standing() -> None:
    v = verdict("R: I'll have the revised floor plan in your inbox by Monday at 9.",
                "P: Monday at 9, yes, that works.",
                "P: then I'll maybe show it to my brother-in-law at some point.")
    assert met(v, "acknowledged"), v["reason"]


def test_a_maybe_about_the_time_still_takes_a_bare_yes_back() -> None:
    v = verdict("R: so the panel would be with the two partners",
                "P: ok",
                "R: and they've got Thursday at 11 open",
                "P: right",
                "P: uh probably thursday could work, let me check my diary")
    assert not met(v, "acknowledged"), v["reason"]


@pytest.mark.parametrize("offer", [
    "R: they've pencilled Friday at 10 or Monday at 2 for it.",
    "R: Thursday at 11, does that work?",
])
def test_times_offered_after_the_step_belong_to_it(offer: str) -> None:
    v = verdict("R: so the final round is with the COO at the Leeds office", offer, "P: Friday at 10, yes that works"
                if "Friday" in offer else "P: yes that works")
    assert met(v, "specific_time_or_trigger") and v["next_steps_secured"], v["reason"]


def test_a_date_said_as_busy_is_no_counter_offer() -> None:
    v = verdict("R: the moment the board signs off I'll call you and we'll go through the contract together",
                "P: ok great I'll keep an eye on my phone",
                "P: heads up, I have a conference booked on the 3rd of March")
    assert met(v, "acknowledged"), v["reason"]


def test_a_trigger_then_a_backchannel_then_the_call_back() -> None:
    v = verdict("R: so as soon as the vendor patches it on their side",
                "P: mm-hmm",
                "R: I'll ring you back and we'll reinstall it together",
                "P: yes please")
    assert met(v, "specific_time_or_trigger") and v["next_steps_secured"], v["reason"]


def test_call_my_mobile_is_an_instruction_not_a_meeting() -> None:
    r = read("call my mobile, I'm on site all day", PB)
    assert r.step is None or r.step.kind != "meeting"


# ------------------------------------------------------------------ summaries and check-ins as shapes
@pytest.mark.parametrize("line", [
    "so your scanner drops the connection every hour and it started after the driver update, right?",
    "ok so the sticking points for you are the notice period and the travel, correct?",
    "just so i've got this straight, budget is approved but procurement wants three quotes",
    "let me play that back: two sites, sixty users, and you need it live by april",
])
def test_a_restatement_is_a_summary(line: str) -> None:
    assert read(line, PB).has(Act.SUMMARIZE)


@pytest.mark.parametrize("line", [
    "so you're free tuesday at 2, right?",
    "just reply to the ticket if you need anything else",
    "so i'll send the contract over tonight",
])
def test_a_time_check_or_a_hand_back_is_not_a_summary(line: str) -> None:
    assert not read(line, PB).has(Act.SUMMARIZE)


@pytest.mark.parametrize(("line", "confirms"), [
    ("is this still a priority for you this half?", True),
    ("honestly, is it still worth us pursuing this together?", True),
    ("are you still keen on the role?", True),
    ("just let me know whenever you're ready to move forward", False),
    ("we're not ready to go ahead this year", False),
])
def test_a_check_in_is_asked(line: str, confirms: bool) -> None:
    assert read(line, PB).has(Act.CONFIRM) is confirms


@pytest.mark.parametrize(("answer", "agreed"), [
    ("P: i'll clear my afternoon for it", True),
    ("P: I'll block it out now", True),
    ("P: i'll be in touch with my boss", False),
    ("P: i'll have to check it with finance", False),
])
def test_an_answer_that_takes_on_its_part_of_the_step_is_a_yes(answer: str, agreed: bool) -> None:
    v = verdict("R: How about a pricing workshop with your CFO on Tuesday at 3?", answer)
    assert met(v, "acknowledged") is agreed, v["reason"]


# ------------------------------------------------------------------ words end where words end
@pytest.mark.parametrize("line", ["I'm in a workshop all day.", "the new office is opening soon",
                                  "our planning worksheet is a mess"])
def test_a_word_inside_a_longer_word_is_no_yes(line: str) -> None:
    assert read(line, PB).accept_strength == 0


def test_busy_in_a_workshop_is_no_yes_to_the_slot() -> None:
    v = verdict("R: How about a demo with your ops lead on Wednesday at 10?", "P: I'm in a workshop all day Wednesday.")
    assert not met(v, "acknowledged"), v["reason"]


@pytest.mark.parametrize("line", ["First off, sure.", "first of all yes", "One is enough.", "one would be plenty"])
def test_a_number_that_is_not_an_answer_is_no_time(line: str) -> None:
    assert read(line, PB).times == ()


@pytest.mark.parametrize("line", ["two works", "eleven please", "two is better", "19th works"])
def test_a_number_said_as_the_answer_is_a_time(line: str) -> None:
    assert read(line, PB).times


def test_this_call_is_not_a_next_step() -> None:
    r = read("This has been a really helpful conversation.", PB)
    assert not r.has(Act.PROPOSE)


def test_a_playbook_list_the_coach_does_not_read_is_refused(tmp_path) -> None:
    from copilot.errors import InputError

    (tmp_path / "sales.json").write_text('{"extends": "common", "vertical": "sales", "actions": ["tasting"]}')
    with pytest.raises(InputError, match="unknown list 'actions'"):
        load_playbook("sales", tmp_path)


@pytest.mark.parametrize(("line", "retracts"), [("P: ok hang on", False), ("P: hold on a sec", False),
                                                ("P: hang on, actually scratch that", True)])
def test_a_pause_on_its_own_takes_nothing_back(line: str, retracts: bool) -> None:
    assert read(say(line)[0].text, PB).has(Act.RETRACT) is retracts


@pytest.mark.parametrize("line", [
    "R: I'll have the vendor's remediation plan, the timeline and who owns each fix in your inbox by Monday at 9.",
    "R: we'll have both signed copies in your hands by Friday noon",
])
def test_a_deliverable_with_a_long_object_is_a_step(line: str) -> None:
    r = read(say(line)[0].text, PB)
    assert r.has(Act.PROPOSE) and r.step is not None and r.step.kind == "deliverable"


def test_id_like_to_meet_them_is_a_meeting() -> None:
    v = verdict("P: The two finalists, I'd like to meet them. I can do Tuesday the 8th at 10.",
                "R: Tuesday the 8th at 10 works, I'll book them in.", "P: Yes, that's the plan.")
    assert v["next_steps_secured"], v["reason"]
