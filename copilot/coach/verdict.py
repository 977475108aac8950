"""The close state and the verdict as JSON, and coaching moments as one line of text.

One place that knows the wire shapes of DESIGN.md (``copilot analyze --json``, ``live --events``), so the
CLI, the exporters and the UI all show the same words.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from copilot.coach.state import (
    CloseState,
    CoachingMoment,
    Criterion,
    Evidence,
    Metrics,
    NextStep,
    Objection,
    Stage,
    SuggestedStep,
    Verdict,
    WeakNextStep,
)
from copilot.session.utterance import Utterance
from copilot.session.clock import call_clock

if TYPE_CHECKING:
    from copilot.coach.coach import Coach

SPEAKERS_NOTE = "Speakers could not be told apart, so acknowledgement rests on turn-taking alone."


def _iso(when: datetime | None) -> str | None:
    return when.strftime("%Y-%m-%dT%H:%M:%S") if when is not None else None


def _evidence(items: tuple[Evidence, ...]) -> list[dict[str, Any]]:
    return [e.to_dict() for e in items]


def _criterion(c: Criterion, with_kind: bool = False) -> dict[str, Any]:
    d: dict[str, Any] = {"met": c.met}
    if with_kind:
        d["kind"] = c.kind
    d["evidence"] = _evidence(c.evidence)
    d["confidence"] = round(c.confidence, 2)
    d["unclear"] = c.unclear
    return d


def next_step_dict(ns: NextStep | None) -> dict[str, Any] | None:
    if ns is None:
        return None
    when = _iso(ns.when)
    if when is not None and not ns.when_has_time:
        when = when[:10]  # only a day was said: an ISO date, which the calendar invite makes an all-day event
    return {"action": ns.action, "when": when, "trigger": ns.trigger, "agreed_by": list(ns.agreed_by),
            "evidence": _evidence(ns.evidence), "length_minutes": ns.length_minutes,
            "attendees": list(ns.attendees)}


def suggested_dict(s: SuggestedStep | None) -> dict[str, Any] | None:
    """``{"stage", "action", "with", "evidence"}`` or None: the step the method suggests from what was heard."""
    if s is None:
        return None
    return {"stage": s.stage, "action": s.action, "with": s.with_, "evidence": _evidence(s.evidence)}


def coaching_dict(m: CoachingMoment) -> dict[str, Any]:
    return {"t": round(m.t, 3), "category": m.category, "message": m.message, "try": m.try_, "kind": m.kind}


def state_to_dict(state: CloseState) -> dict[str, Any]:
    """The JSON form of a close state: the ``{"type": "state", ...}`` event body and what the UI renders."""
    return {
        "next_steps_secured": state.next_steps_secured,
        "criteria": {
            "specific_action": _criterion(state.criteria["specific_action"]),
            "specific_time_or_trigger": _criterion(state.criteria["specific_time_or_trigger"], with_kind=True),
            "acknowledged": _criterion(state.criteria["acknowledged"]),
        },
        "stages": {name: {"met": s.met, "evidence": _evidence(s.evidence)} for name, s in state.stages.items()},
        "next_step": next_step_dict(state.next_step),
        "commitment_level": state.commitment_level,
        "weak_next_steps": [{"utterance": w.utterance, "t": round(w.t, 3), "text": w.text, "try": w.try_}
                            for w in state.weak_next_steps],
        "objections": [{"utterance": o.utterance, "t": round(o.t, 3), "type": o.type, "text": o.text, "try": o.try_}
                       for o in state.objections],
        "signals": [{"utterance": s.utterance, "t": round(s.t, 3), "kind": s.kind, "strength": s.strength,
                     "text": s.text} for s in state.signals],
        "coaching": [coaching_dict(m) for m in state.coaching],
        "metrics": {"talk_ratio": dict(state.metrics.talk_ratio),
                    "longest_monologue": dict(state.metrics.longest_monologue),
                    "questions": dict(state.metrics.questions)},
        "prompt": state.prompt,
        "offered_slots": [t.isoformat(timespec="minutes") for t in state.offered_slots],
        "utterance_count": state.utterance_count,
        "suggested_next_step": suggested_dict(state.suggested_next_step),
    }


def format_coaching(moment: CoachingMoment) -> str:
    """``[28:45] Improvement - Control: <message> Try: "<try>"`` (no Try part when there is nothing to try)."""
    line = f"[{call_clock(moment.t)}] {moment.kind} - {moment.category}: {moment.message}"
    if moment.try_:
        line += f' Try: "{moment.try_}"'
    return line


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def reason(coach: Coach, state: CloseState) -> str:
    """One sentence that says why: what was agreed, or what is missing."""
    party = coach.playbook.other_party
    focal = coach.dialogue.focal()
    ns = state.next_step
    crit = state.criteria
    from copilot.coach.dialogue import spoken_time
    note = "" if coach.speakers_separated else "; speakers could not be told apart, so acknowledgement rests on turn-taking alone"
    if state.next_steps_secured and ns is not None and focal is not None:
        if focal.time_kind == "trigger" and focal.trigger is not None:
            words = focal.trigger.text.split()
            timing = "on a trigger: " + " ".join(words[:10]).rstrip(" ,.") + ("…" if len(words) > 10 else "")
        else:
            timing = f"for {spoken_time(focal) or 'the agreed time'}"
        invite = " and accepted the invite during the call" if focal.invite_accepted else ""
        unsure = "" if not crit["acknowledged"].unclear else \
            f" — but only with a word of assent, so confirm it: ask whether {spoken_time(focal) or 'it'} works"
        return f"Next step secured: {ns.action} {timing}, and the {party} agreed{invite}{unsure}{note}."
    missing: list[str] = []
    if not crit["specific_action"].met:
        missing.append("no specific action was agreed (only a vague follow-up)" if focal is not None
                       else "no next step was put forward")
    if not crit["specific_time_or_trigger"].met:
        vague = focal.vague_time if focal is not None else None
        missing.append(f"no specific date/time or trigger was set ('{vague}' is not specific)" if vague
                       else "no specific date/time or trigger was set")
    if not crit["acknowledged"].met:
        status = focal.status if focal is not None else "pending"
        missing.append({
            "retracted": f"the {party} took back their agreement",
            "declined": f"the {party} turned it down",
            "hedged": f"the {party} only hedged instead of saying yes",
        }.get(status, f"the {party} never said yes to it"))
    lead = "No next step secured"
    if focal is not None and focal.kind == "specific" and focal.action:
        lead = f"No next step secured: {ns.action if ns is not None and ns.action else focal.action} was put forward, but"
        return f"{lead} {_join(missing)}{note}."
    return f"{lead}: {_join(missing)}{note}."


def build_verdict(coach: Coach) -> Verdict:
    """The verdict on the call so far, typed (``to_json`` gives DESIGN.md's object)."""
    state = coach.state
    notes: list[str] = []
    if not coach.speakers_separated:
        notes.append(SPEAKERS_NOTE)
    share = coach.voice_attributed_share()
    if share is not None:
        notes.append(f"Speakers were told apart by their voices (one mixed channel): {share:.0%} of the speech is "
                     f"attributed with confidence; a yes that rests on a doubtful attribution shows as unclear.")
    for k in coach.dialogue.retractions:
        notes.append(f"Utterance {k} took back an earlier agreement.")
    return Verdict(state=state, reason=reason(coach, state), utterances=coach.utterances, notes=tuple(notes),
                   vertical=coach.vertical)


def _slots_from(value: Any) -> tuple[datetime, ...]:
    out: list[datetime] = []
    for item in value if isinstance(value, list) else []:
        try:
            out.append(datetime.fromisoformat(str(item)))
        except ValueError:
            continue
    return tuple(out)


def verdict_to_json(v: Verdict) -> dict[str, Any]:
    """DESIGN.md's verdict object (plus ``metrics``, ``signals``, ``notes``, ``vertical``, ``prompt``,
    ``suggested_next_step``)."""
    d = state_to_dict(v.state)
    return {
        "next_steps_secured": v.next_steps_secured,
        "reason": v.reason,
        "criteria": d["criteria"],
        "stages": d["stages"],
        "next_step": d["next_step"],
        "commitment_level": v.commitment_level,
        "weak_next_steps": d["weak_next_steps"],
        "objections": d["objections"],
        "coaching": d["coaching"],
        "utterances": [u.to_dict() for u in v.utterances],
        "metrics": d["metrics"],
        "signals": d["signals"],
        "notes": list(v.notes),
        "vertical": v.vertical,
        "prompt": v.prompt,
        "suggested_next_step": d["suggested_next_step"],
    }


def _num(value: Any, default: float = 0.0) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else default


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _list(value: Any) -> list[Any]:
    return [x for x in value if isinstance(x, dict)] if isinstance(value, list) else []


def _evidence_from(items: Any) -> tuple[Evidence, ...]:
    return tuple(Evidence(int(_num(e.get("utterance"))), _num(e.get("t")), _text(e.get("text")),
                          _text(e.get("speaker"))) for e in _list(items))


def _when_from(value: Any) -> tuple[datetime | None, bool]:
    if not isinstance(value, str) or not value:
        return None, True
    try:
        return datetime.fromisoformat(value), len(value) > 10
    except ValueError:
        return None, True


def _suggested_from(value: Any) -> SuggestedStep | None:
    if not isinstance(value, dict) or not isinstance(value.get("stage"), str) or not value["stage"]:
        return None
    with_ = value.get("with")
    return SuggestedStep(stage=value["stage"], action=_text(value.get("action")),
                         with_=with_ if isinstance(with_, str) else None, evidence=_evidence_from(value.get("evidence")))


def verdict_from_json(data: Any) -> Verdict:
    """A verdict read back from its JSON (a stored call); tolerant of older or partial objects."""
    from copilot.coach.coach import initial_state
    from copilot.coach.state import CommitmentSignal

    d: dict[str, Any] = data if isinstance(data, dict) else {}
    base = initial_state()
    crit_in: dict[str, Any] = d["criteria"] if isinstance(d.get("criteria"), dict) else {}
    criteria = {}
    for name, default in base.criteria.items():
        c: dict[str, Any] = crit_in[name] if isinstance(crit_in.get(name), dict) else {}
        met = bool(c.get("met"))
        criteria[name] = Criterion(met=met, evidence=_evidence_from(c.get("evidence")),
                                   kind=c.get("kind") if isinstance(c.get("kind"), str) else None,
                                   confidence=_num(c.get("confidence"), 1.0 if met else 0.0))
    stages_in: dict[str, Any] = d["stages"] if isinstance(d.get("stages"), dict) else {}
    stages = {name: Stage(bool((stages_in.get(name) or {}).get("met")),
                          _evidence_from((stages_in.get(name) or {}).get("evidence"))) for name in base.stages}
    ns_in: dict[str, Any] | None = d["next_step"] if isinstance(d.get("next_step"), dict) else None
    next_step = None
    if ns_in is not None:
        when, has_time = _when_from(ns_in.get("when"))
        agreed: list[Any] = ns_in["agreed_by"] if isinstance(ns_in.get("agreed_by"), list) else []
        next_step = NextStep(action=ns_in.get("action") if isinstance(ns_in.get("action"), str) else None, when=when,
                             trigger=ns_in.get("trigger") if isinstance(ns_in.get("trigger"), str) else None,
                             agreed_by=tuple(str(a) for a in agreed), evidence=_evidence_from(ns_in.get("evidence")),
                             when_has_time=has_time,
                             length_minutes=ns_in["length_minutes"] if isinstance(ns_in.get("length_minutes"), int)
                             and not isinstance(ns_in.get("length_minutes"), bool) else None,
                             attendees=tuple(a for a in ns_in.get("attendees") or () if isinstance(a, str))
                             if isinstance(ns_in.get("attendees"), list) else ())
    level = d.get("commitment_level")
    metrics_in: dict[str, Any] = d["metrics"] if isinstance(d.get("metrics"), dict) else {}
    state = CloseState(
        criteria=criteria,
        stages=stages,
        next_step=next_step,
        next_steps_secured=bool(d.get("next_steps_secured")),
        commitment_level=level if isinstance(level, int) and 1 <= level <= 5 else 1,
        weak_next_steps=tuple(WeakNextStep(int(_num(w.get("utterance"))), _num(w.get("t")), _text(w.get("text")),
                                           _text(w.get("try"))) for w in _list(d.get("weak_next_steps"))),
        objections=tuple(Objection(int(_num(o.get("utterance"))), _num(o.get("t")), _text(o.get("type")),
                                   _text(o.get("text")), _text(o.get("try"))) for o in _list(d.get("objections"))),
        signals=tuple(CommitmentSignal(int(_num(s.get("utterance"))), _num(s.get("t")), _text(s.get("kind")),
                                       _text(s.get("strength")), _text(s.get("text")))
                      for s in _list(d.get("signals"))),
        coaching=tuple(CoachingMoment(_num(m.get("t")), _text(m.get("category")), _text(m.get("message")),
                                      m.get("try") if isinstance(m.get("try"), str) else None,
                                      _text(m.get("kind")) or "Improvement") for m in _list(d.get("coaching"))),
        metrics=Metrics(talk_ratio=dict(metrics_in.get("talk_ratio") or {}),
                        longest_monologue=dict(metrics_in.get("longest_monologue") or {}),
                        questions=dict(metrics_in.get("questions") or {})),
        prompt=_text(d.get("prompt")),
        utterance_count=len(_list(d.get("utterances"))),
        offered_slots=_slots_from(d.get("offered_slots")),
        suggested_next_step=_suggested_from(d.get("suggested_next_step")),
    )
    utterances = tuple(Utterance(u["speaker"], _num(u.get("start")), _num(u.get("end")), _text(u.get("text")))
                       for u in _list(d.get("utterances")) if u.get("speaker") in ("rep", "prospect"))
    notes = tuple(n for n in d.get("notes", []) if isinstance(n, str)) if isinstance(d.get("notes"), list) else ()
    return Verdict(state=state, reason=_text(d.get("reason")), utterances=utterances, notes=notes,
                   vertical=_text(d.get("vertical")) or "sales")
