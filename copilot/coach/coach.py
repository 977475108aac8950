"""The coach: final utterances in, the close state out after each one, and the verdict at the end.

It is pure and deterministic (no clock, no I/O after the playbook is loaded) so the live call, the file
analysis and the tests all get the same answer for the same words. Reading one utterance is cached
(:mod:`copilot.coach.features`); the cross-turn reasoning lives in :mod:`copilot.coach.tracker`.
"""

from __future__ import annotations

import bisect
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from copilot.coach.features import Features, features, weak_step_phrase
from copilot.coach.playbook import Playbook, load_playbook
from copilot.coach.state import (
    CRITERIA,
    STAGES,
    CloseState,
    CoachingMoment,
    CommitmentSignal,
    Criterion,
    Evidence,
    Metrics,
    NextStep,
    Objection,
    Stage,
    WeakNextStep,
)
from copilot.coach.text import restore_case
from copilot.coach.timex import describe
from copilot.coach.tracker import PROSPECT, REP, Step, Tracker, other, spoken_time
from copilot.errors import InputError
from copilot.session.utterance import Utterance

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Utt:
    speaker: str      # as given
    role: str         # as reasoned about (turn-taking stand-in when speakers are not separated)
    start: float
    end: float
    text: str


_MAX_SECONDS = 1e7
_YES_WORDS = {"yes", "yeah", "yep", "yup", "sure", "okay", "ok", "great", "perfect", "fine", "alright", "right", "got",
              "sounds", "deal", "absolutely", "definitely", "cool", "thanks", "no", "nah"}
_TURN_JOIN = 2  # how many earlier utterances of the same turn are read together with a new one


def _finite(x: Any, default: float) -> float:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return default
    if not math.isfinite(v):
        return default
    return min(max(v, 0.0), _MAX_SECONDS)  # seconds from the call's start: never negative, never absurd


def initial_state() -> CloseState:
    return CloseState(
        criteria={name: Criterion() for name in CRITERIA},
        stages={name: Stage() for name in STAGES},
        next_step=None,
        next_steps_secured=False,
        commitment_level=1,
        prompt="",
    )


class Coach:
    """Feed final utterances in time order; read ``state`` any time and ``verdict()`` at the end."""

    def __init__(self, call_date: datetime, vertical: str = "sales", speakers_separated: bool = True,
                 playbook_dir: Path | None = None) -> None:
        if not isinstance(call_date, datetime):
            raise InputError(f"the call's date must be a datetime, not {type(call_date).__name__}")
        self.call_date = call_date.replace(tzinfo=None, microsecond=0)
        self.playbook: Playbook = load_playbook(vertical, playbook_dir)
        self.vertical = self.playbook.vertical
        self.speakers_separated = bool(speakers_separated)
        self._tracker = Tracker(self.call_date)
        self._utts: list[_Utt] = []
        self._feats: list[Features] = []
        self._objections: list[Objection] = []
        self._weak: list[WeakNextStep] = []
        self._signals: list[CommitmentSignal] = []
        self._coaching: list[CoachingMoment] = []
        self._coaching_seen: set[CoachingMoment] = set()
        self._summarize: list[int] = []
        self._confirm: list[int] = []
        self._open_objection: int | None = None
        self._await_ack: tuple[int, Step] | None = None
        self._talk: dict[str, float] = {REP: 0.0, PROSPECT: 0.0}
        self._questions: dict[str, int] = {REP: 0, PROSPECT: 0}
        self._mono: dict[str, Any] = {}
        self._run: tuple[str, float, float] | None = None
        self._lock_praised = False
        self._control_coached: set[int] = set()
        self._clarity_coached: set[str] = set()
        self._state = initial_state()
        self.prompt_initial()

    # ---------------------------------------------------------------- public
    @property
    def state(self) -> CloseState:
        return self._state

    def feed(self, utterance: Utterance) -> CloseState:
        """Add one final utterance (in time order) and return the new close state."""
        i = len(self._utts)
        given = getattr(utterance, "speaker", PROSPECT)
        given = given if given in (REP, PROSPECT) else PROSPECT
        if self.speakers_separated:
            role = given
        else:
            # speakers cannot be told apart: every utterance is taken as a new turn by the other side
            role = given if i == 0 else other(self._utts[-1].role)
        start = _finite(getattr(utterance, "start", 0.0), self._utts[-1].end if self._utts else 0.0)
        end = max(start, _finite(getattr(utterance, "end", start), start))
        text = getattr(utterance, "text", "")
        text = text if isinstance(text, str) else str(text)
        u = _Utt(given, role, start, end, text)
        self._utts.append(u)
        own = features(text, self.playbook)
        f = self._turn_features(i, role, text, own)
        self._feats.append(own)
        events = self._tracker.feed(i, role, f)
        self._observe(i, u, f, events, own)
        self._state = self._build_state()
        return self._state

    def _turn_features(self, i: int, role: str, text: str, own: Features) -> Features:
        """Speech recognition splits sentences across utterances ("so what I'd suggest" / "is a demo with your
        team"): within one speaker's turn, read the utterance together with the one or two before it."""
        prev: list[int] = []
        k = i - 1
        while k >= 0 and len(prev) < _TURN_JOIN and self._utts[k].role == role:
            prev.append(k)
            k -= 1
        if not prev:
            return own
        joined = " ".join([self._utts[k].text for k in reversed(prev)] + [text])
        fj = features(joined, self.playbook)
        offset = len(fj.norm.tokens) - len(own.norm.tokens)
        # what is put forward (action, proposal, trigger, stage phrases) is read across the split; how this
        # utterance answers (yes, hedge, no, take-back) stays its own, and only times touching it are new
        return replace(
            own,
            action=own.action or fj.action,
            proposal=own.proposal or fj.proposal,
            pledge=own.pledge or fj.pledge,
            commit=own.commit or fj.commit,
            question=own.question or (fj.question and not (own.norm.tokens and own.norm.tokens[0] in _YES_WORDS)),
            trigger=own.trigger or fj.trigger,
            summarize=own.summarize or fj.summarize,
            confirm=own.confirm or fj.confirm,
            objection=own.objection or fj.objection,
            info_action=own.info_action or (fj.info_action and not own.action),
            vague_action=own.vague_action or fj.vague_action,
            step_times=tuple(m for m in fj.step_times if m.end > offset) or own.step_times,
            vague_times=own.vague_times,
            # a vague time in this utterance may belong to a step named just before it ("the rollout plan" / "sometime")
            vague_step_times=tuple(m for m in fj.vague_step_times if m.start >= offset) or own.vague_step_times,
            or_between_times=own.or_between_times or fj.or_between_times,
        )

    def verdict(self) -> dict[str, Any]:
        """The DESIGN.md verdict object for the call so far (JSON-serialisable)."""
        from copilot.coach.verdict import build_verdict

        return build_verdict(self)

    # ---------------------------------------------------------------- observing
    def prompt_initial(self) -> None:
        self._state = CloseState(**{**self._state.__dict__, "prompt": self._prompt(None, None)})

    def _ev(self, i: int) -> Evidence:
        u = self._utts[i]
        return Evidence(utterance=i, t=u.start, text=u.text, speaker=u.speaker)

    def _observe(self, i: int, u: _Utt, f: Features, events: list[tuple[str, object]], own: Features) -> None:
        role = u.role
        pb = self.playbook
        party = pb.other_party
        # metrics
        self._talk[role] = self._talk.get(role, 0.0) + (u.end - u.start)
        if f.question:
            self._questions[role] = self._questions.get(role, 0) + 1
        if self._run is not None and self._run[0] == role:
            self._run = (role, self._run[1], u.end)
        else:
            self._run = (role, u.start, u.end)
        length = self._run[2] - self._run[1]
        if not self._mono or length > self._mono["seconds"]:
            self._mono = {"speaker": role, "seconds": round(length, 1), "start": round(self._run[1], 3),
                          "end": round(self._run[2], 3)}
        # stages said by the rep
        if role == REP or not self.speakers_separated:
            if f.summarize:
                self._summarize.append(i)
            if f.confirm and (f.question or len(f.norm.tokens) < 30):
                self._confirm.append(i)
        # objections and signals from the other party
        settled = own.settled_after_hedge and own.accept  # "hmm, let me think... yeah, that works" is a yes
        if (role == PROSPECT or not self.speakers_separated) and f.objection is not None and not settled:
            prev_turn = self._tracker._prev_turn(i)
            before = prev_turn[0] - 1 if prev_turn else -1
            repeated = any(o.type == f.objection and before <= o.utterance < i for o in self._objections[-2:]) or any(
                o.type == f.objection and o.utterance == i - 1 and self._utts[i - 1].role == role
                for o in self._objections[-1:])
            if not repeated:
                self._objections.append(Objection(i, u.start, f.objection, u.text, pb.objection_try.get(f.objection, "")))
                self._open_objection = len(self._objections) - 1
        elif role == REP and self._open_objection is not None:
            obj = self._objections[self._open_objection]
            probed = f.question or bool(f.step_times) or (f.action is not None and f.proposal)
            if probed:
                self._coach(u.start, "Objection handling", f"Rep answered the '{_label(obj.type)}' objection with a "
                            f"question or a concrete step instead of accepting it.", None, "Strength")
            else:
                self._coach(u.start, "Objection handling", f"The {party} said '{_snip(obj.text)}' and the rep let it "
                            "stand.", obj.try_)
            self._open_objection = None
        if role == PROSPECT:
            for kind, strength in f.signals:
                self._signals.append(CommitmentSignal(i, u.start, kind, strength, u.text))
        # weak next steps (either side), unless the same words pin a concrete step
        focal = self._tracker.focal()
        secured_now = focal is not None and focal.kind == "specific" and focal.status == "accepted" and focal.specific_time
        wh_question = bool(f.norm.tokens) and f.norm.tokens[0] in ("when", "which", "what", "how", "who", "where", "oh") \
            and f.question
        w = own
        if w.weak is not None and not (w.action and (w.step_times or w.trigger)) and not (
            w.step_times and w.accept
        ) and not secured_now and not w.retract and not w.invite_now and " invite" not in f" {w.norm.text}" \
                and not wh_question:
            self._weak.append(WeakNextStep(i, u.start, u.text, w.weak[1]))
            if role == REP:
                self._coach(u.start, "Commitment", f"Weak next step: '{_snip(u.text)}'.", w.weak[1])
        # clarity: the rep settles for a time the calendar cannot hold ("next week", "soon")
        weak_here = bool(self._weak) and self._weak[-1].utterance == i and role == REP
        # only a time said of a next step counts: "thanks for the time today" or a recap's "before the new year" do not
        if role == REP and f.vague_step_times and not f.step_times and (f.vague_action or f.pledge or f.accept) \
                and not secured_now and not weak_here:
            phrase = f.vague_step_times[0].text
            if phrase not in self._clarity_coached and phrase not in ("later", "soon") or (
                    phrase == "soon" and f.vague_action and phrase not in self._clarity_coached):
                self._clarity_coached.add(phrase)
                self._coach(u.start, "Clarity", f"'{phrase}' is not a time anyone can put in a calendar.",
                            pb.suggestions.get("pin_time", "What day and time works? Let's get it on the calendar now."))
        # control: a step stated by the rep and not confirmed
        if self._await_ack is not None and role == PROSPECT:
            _, st = self._await_ack
            if st.status != "accepted" and st.index not in self._control_coached:
                self._control_coached.add(st.index)
                when = spoken_time(st) or "that time"
                self._coach(u.start, "Control", f"Rep stated next step but didn't confirm {party}'s agreement.",
                            pb.suggestions.get("confirm_time", "Does {time} work on your end?").format(time=when))
            self._await_ack = None
        for kind, obj_step in events:
            if not isinstance(obj_step, Step):
                continue
            st = obj_step
            if kind == "stated" and role == REP and st.kind == "specific" and st.specific_time and not (
                f.question or f.ack_request
            ) and st.status != "accepted":
                self._await_ack = (i, st)
            elif kind == "retracted":
                when = spoken_time(st) or "the slot"
                self._coach(u.start, "Commitment", f"The {party} took back the agreement.",
                            f"What would need to happen to keep {when}? Can we hold it while you check?")
            elif kind == "left" and st.status != "accepted":
                when = spoken_time(st) or "the next step"
                self._coach(u.start, "Control", f"The {party} left without agreeing to the step.",
                            pb.suggestions.get("confirm_time", "Does {time} work?").format(time=when))
            elif kind == "invite" and role == REP:
                self._coach(u.start, "Close timing", "Rep sent the calendar invite during the call.", None, "Strength")
        if self._tracker.lock_evidence and not self._lock_praised:
            self._lock_praised = True
            self._coach(self._utts[self._tracker.lock_evidence[0]].start, "Close timing",
                        "Rep offered concrete times to choose from.", None, "Strength")

    def _coach(self, t: float, category: str, message: str, try_: str | None, kind: str = "Improvement") -> None:
        m = CoachingMoment(t=t, category=category, message=message, try_=try_, kind=kind)
        if m not in self._coaching_seen:
            self._coaching_seen.add(m)
            bisect.insort(self._coaching, m, key=lambda x: x.t)  # kept in time order as it grows

    # ---------------------------------------------------------------- state
    def _build_state(self) -> CloseState:
        tr = self._tracker
        focal = tr.focal()
        evs = self._ev
        specific = [s for s in tr.steps if s.kind == "specific"]
        act_ev: tuple[Evidence, ...] = ()
        if focal is not None and focal.kind == "specific":
            act_ev = tuple(evs(k) for k in focal.action_evidence[:3])
        elif specific:
            act_ev = tuple(evs(k) for k in specific[0].action_evidence[:3])
        crit_action = Criterion(met=bool(specific), evidence=act_ev)
        time_met = focal is not None and focal.specific_time
        crit_time = Criterion(
            met=bool(time_met),
            evidence=tuple(evs(k) for k in (focal.time_evidence if focal is not None and time_met else [])[-3:]),
            kind=focal.time_kind if focal is not None and time_met else None,
        )
        ack = focal is not None and focal.status == "accepted"
        crit_ack = Criterion(met=bool(ack), evidence=tuple(evs(k) for k in (focal.ack_evidence[-3:] if ack and focal
                                                                              else [])))
        criteria = {"specific_action": crit_action, "specific_time_or_trigger": crit_time, "acknowledged": crit_ack}
        secured = all(c.met for c in criteria.values())
        stages = {
            "summarize": Stage(bool(self._summarize), tuple(evs(k) for k in self._summarize[:2])),
            "confirm": Stage(bool(self._confirm), tuple(evs(k) for k in self._confirm[:2])),
            "propose": Stage(bool(tr.propose_evidence), tuple(evs(k) for k in tr.propose_evidence[:3])),
            "lock": Stage(bool(tr.lock_evidence), tuple(evs(k) for k in tr.lock_evidence[:3])),
        }
        level = self._commitment(focal, secured)
        next_step = self._next_step(focal)
        total = sum(self._talk.values()) or 1.0
        metrics = Metrics(
            talk_ratio={k: round(v / total, 3) for k, v in self._talk.items()} if sum(self._talk.values()) else {},
            longest_monologue=dict(self._mono),
            questions=dict(self._questions),
        )
        state = CloseState(
            criteria=criteria,
            stages=stages,
            next_step=next_step,
            next_steps_secured=secured,
            commitment_level=level,
            weak_next_steps=tuple(self._weak),
            objections=tuple(self._objections),
            signals=tuple(self._signals),
            coaching=tuple(self._coaching),
            metrics=metrics,
            prompt="",
            utterance_count=len(self._utts),
        )
        return CloseState(**{**state.__dict__, "prompt": self._prompt(focal, state)})

    def _commitment(self, focal: Step | None, secured: bool) -> int:
        if secured and focal is not None:
            if focal.invite_sent and focal.invite_accepted:
                return 5
            if focal.appointment:
                return 4
            return 3
        steps = self._tracker.steps
        if focal is not None and focal.kind == "specific" and focal.status == "accepted":
            return 2  # agreed to the action, but the timing stayed vague
        if any(o.type == "send_info" for o in self._objections):
            return 1
        latest = max(steps, key=lambda s: (s.stated_at, s.index)) if steps else None
        if latest is not None and latest.kind == "info" and (focal is None or focal.status != "accepted"):
            return 1  # it ends on sending information
        agreed = [s for s in steps if s.status == "accepted"]
        if not agreed:
            # nothing agreed: a vague follow-up or a "let me check" still leaves a thread (2); a no or a hang-up does not (1)
            loose = any(s.kind == "vague" for s in steps) or any(s.status == "hedged" for s in steps)
            return 2 if loose else 1
        last = max(agreed, key=lambda s: (s.accepted_at or -1, s.index))
        if last.kind == "info" and not any(s.kind == "vague" and s.status == "accepted" and
                                           (s.accepted_at or -1) > (last.accepted_at or -1) for s in steps):
            return 1
        return 2

    def _next_step(self, focal: Step | None) -> NextStep | None:
        if focal is None:
            return None
        slot = focal.best_slot()
        when = slot.when if slot is not None and focal.trigger is None and slot.mention.kind != "duration" else None
        if focal.trigger is not None:
            when = None
        action = self._shown_action(focal)
        agreed: list[str] = []
        if focal.status == "accepted":
            agreed = [r for r in (REP, PROSPECT) if r in focal.agreed_by]
        elif focal.stated_by:
            agreed = [focal.stated_by]
        ev_idx = sorted(set(focal.action_evidence + focal.time_evidence + focal.ack_evidence))[:6]
        has_time = slot is not None and (slot.mention.hour is not None or slot.mention.eod or slot.mention.part is not None
                                         or slot.mention.kind == "duration")
        return NextStep(action=action, when=when, trigger=focal.trigger, agreed_by=tuple(agreed),
                        evidence=tuple(self._ev(k) for k in ev_idx), when_has_time=has_time)

    def _turn_text(self, k: int) -> str:
        """Utterance ``k`` with the one or two before it in the same turn (a sentence split by recognition)."""
        ks = [k]
        while len(ks) <= _TURN_JOIN and ks[-1] > 0 and self._utts[ks[-1] - 1].role == self._utts[k].role:
            ks.append(ks[-1] - 1)
        return " ".join(self._utts[j].text for j in reversed(ks))

    def _shown_action(self, step: Step) -> str | None:
        """The step's action as a short phrase in the speaker's own words and casing (never a whole sentence).

        A vague or send-information step has no action phrase; the words that name it ("send some info",
        "touch base") are taken from where it was stated.
        """
        action = step.action
        where = list(step.action_evidence)
        if action is None and step.kind in ("vague", "info"):
            where = sorted(set(step.statements + [step.first_utterance]))
            for k in where:
                if k >= len(self._feats):
                    continue
                action = weak_step_phrase(self._feats[k], self.playbook, step.kind) or weak_step_phrase(
                    features(self._turn_text(k), self.playbook), self.playbook, step.kind)
                if action:
                    break
            else:
                action = "send information" if step.kind == "info" else "follow up"
        if not action:
            return action
        for k in where:
            if k < len(self._utts):
                shown = restore_case(action, self._utts[k].text) or restore_case(action, self._turn_text(k))
                if shown:
                    return shown
        return action

    def _prompt(self, focal: Step | None, state: CloseState | None) -> str:
        sug = self.playbook.suggestions
        if self._open_objection is not None and (state is None or not state.next_steps_secured):
            obj = self._objections[self._open_objection]
            return obj.try_
        action_phrase = sug.get("default_action", "a demo")
        if focal is None or focal.kind != "specific":
            return sug.get("propose", "A good next step would be {action}.").format(action=action_phrase)
        if not focal.specific_time:
            a, b = self._two_slots()
            return sug.get("lock", "I have {slot1} or {slot2} — which works better?").format(slot1=a, slot2=b)
        if focal.status != "accepted":
            when = spoken_time(focal)
            if when is None and focal.trigger:
                return "Does that plan work for you — once that happens, we lock the time right away?"
            return sug.get("confirm_time", "Does {time} work on your end?").format(time=when or "that time")
        if focal.time_kind == "datetime" and not focal.invite_sent:
            return sug.get("invite", "I'm sending the invite now — can you accept it while we're on?")
        return sug.get("secured", "Recap who does what by when.")

    def _two_slots(self) -> tuple[str, str]:
        d = self.call_date.date()
        days: list[date] = []
        k = 1
        while len(days) < 3:
            cand = d + timedelta(days=k)
            if cand.weekday() < 5:
                days.append(cand)
            k += 1
        first, second = days[0], days[2]
        return f"{first.strftime('%A')} at 2pm", f"{second.strftime('%A')} at 10am"


def _snip(text: str, n: int = 60) -> str:
    t = " ".join(str(text).split())
    return t if len(t) <= n else t[: n - 1].rstrip() + "…"


def _label(otype: str) -> str:
    return otype.replace("_", " ")


def analyze(utterances: Sequence[Utterance], call_date: datetime, vertical: str = "sales",
            speakers_separated: bool = True, playbook_dir: Path | None = None) -> dict[str, Any]:
    """Feed a whole call and return its verdict."""
    coach = Coach(call_date, vertical=vertical, speakers_separated=speakers_separated, playbook_dir=playbook_dir)
    for u in utterances:
        coach.feed(u)
    return coach.verdict()


__all__ = ["Coach", "analyze", "describe", "initial_state"]
