"""Vertical playbooks as data: the phrases the coach listens for and the suggestions it makes.

Why data and not code: a recruiter, a CSM and a service-desk lead hear different words for the same
moves, and they must be able to add a phrase without touching Python. A playbook is a JSON file
(``copilot/coach/playbooks/<vertical>.json``, or the same name in a user folder, which wins); it may
``extend`` another (all of them extend ``common``), and its lists are added to the parent's.
Loading compiles every phrase list into one regular expression so matching stays fast.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from copilot.coach.suggest import NextStepTable, compile_table
from copilot.coach.text import compile_phrases
from copilot.errors import InputError

log = logging.getLogger(__name__)

PACKAGED_DIR = Path(__file__).resolve().parent / "playbooks"
VERTICALS = ("sales", "recruiting", "customer_success", "real_estate", "it_service_desk")
_ALIASES = {"cs": "customer_success", "customer-success": "customer_success", "realestate": "real_estate",
            "real-estate": "real_estate", "itsd": "it_service_desk", "it": "it_service_desk",
            "it-service-desk": "it_service_desk", "service_desk": "it_service_desk",
            # transcripts that span verticals (or do not say) get the general sales phrasing
            "mixed": "sales", "general": "sales", "default": "sales", "": "sales"}

_LISTS = (
    # the structure of a step (copilot.coach.steps)
    "event_nouns", "vague_event_nouns", "purpose", "convene", "callback_verbs", "callback_carries", "booking_verbs",
    "visit_verbs", "produce", "info_nouns",
    # dialogue acts (copilot.coach.acts)
    "future", "do_now", "now_words", "hand_back", "vague_step", "send_info", "accept", "assent", "bare_yes", "decline",
    "time_decline", "hedge", "retract", "exit", "ack_request", "choose", "triggers", "trigger_response", "smalltalk",
    "summarize", "confirm", "invite_now", "invite_accepted",
)


_KEYS = set(_LISTS) | {"_doc", "extends", "vertical", "other_party", "objections", "objection_priority",
                       "weak_next_steps", "signals", "suggestions", "vocabulary", "next_steps"}


@dataclass(frozen=True)
class WeakKind:
    name: str
    pattern: re.Pattern[str]
    try_: str


@dataclass(frozen=True, eq=False)
class Playbook:
    """A compiled playbook: one regular expression per phrase list, plus the suggestions."""

    vertical: str
    other_party: str
    patterns: dict[str, re.Pattern[str]]
    objections: dict[str, re.Pattern[str]]
    objection_try: dict[str, str]
    objection_priority: tuple[str, ...]
    weak: tuple[WeakKind, ...]
    signals: dict[str, dict[str, re.Pattern[str]]]
    suggestions: dict[str, str] = field(default_factory=dict)
    vocabulary: tuple[str, ...] = ()  # names the speech model should expect (copilot.asr.vocabulary), not phrases
    next_steps: NextStepTable | None = None  # the method's table: what was heard → the step to suggest (coach.suggest)

    def has(self, name: str, padded: str) -> bool:
        return self.patterns[name].search(padded) is not None

    def find(self, name: str, padded: str) -> re.Match[str] | None:
        return self.patterns[name].search(padded)


def _read(name: str, user_dir: Path | None) -> dict[str, Any]:
    candidates = []
    if user_dir is not None:
        candidates.append(Path(user_dir) / f"{name}.json")
    candidates.append(PACKAGED_DIR / f"{name}.json")
    for path in candidates:
        if path.is_file():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError) as exc:
                raise InputError(f"cannot read playbook {path}: {exc}") from None
            except json.JSONDecodeError as exc:
                raise InputError(f"playbook {path} is not valid JSON: line {exc.lineno}: {exc.msg}") from None
            if not isinstance(data, dict):
                raise InputError(f"playbook {path} must hold a JSON object")
            unknown = sorted(set(data) - _KEYS)
            if unknown:  # a list the coach does not read would be ignored without a word
                raise InputError(f"playbook {path}: unknown list {unknown[0]!r} (see the playbooks' README for the "
                                 "lists the coach reads)")
            return data
    raise InputError(f"unknown vertical {name!r} (known: {', '.join(VERTICALS)})")


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        if key in ("extends", "_doc"):
            continue
        old = out.get(key)
        if isinstance(old, list) and isinstance(value, list):
            out[key] = old + [v for v in value if v not in old]
        elif isinstance(old, dict) and isinstance(value, dict):
            out[key] = _merge(old, value)
        else:
            out[key] = value
    return out


def _raw(name: str, user_dir: Path | None, seen: tuple[str, ...] = ()) -> dict[str, Any]:
    if name in seen:
        raise InputError(f"playbook {name!r} extends itself")
    data = _read(name, user_dir)
    parent = data.get("extends")
    if isinstance(parent, str) and parent:
        return _merge(_raw(parent, user_dir, seen + (name,)), data)
    return data


def canonical_vertical(vertical: str | None) -> str:
    v = (vertical or "sales").strip().lower().replace(" ", "_")
    return _ALIASES.get(v, v)


def load_playbook(vertical: str = "sales", playbook_dir: Path | str | None = None) -> Playbook:
    """The compiled playbook for a vertical (user folder first, then the packaged one)."""
    user_dir = Path(playbook_dir).expanduser() if playbook_dir is not None else None
    return _load_cached(canonical_vertical(vertical), str(user_dir) if user_dir else None)


@lru_cache(maxsize=32)
def _load_cached(vertical: str, user_dir: str | None) -> Playbook:
    if vertical == "common":
        raise InputError(f"unknown vertical 'common' (known: {', '.join(VERTICALS)})")
    data = _raw(vertical, Path(user_dir) if user_dir else None)
    patterns = {name: compile_phrases(list(data.get(name, [])), f"{vertical}.{name}") for name in _LISTS}
    objections: dict[str, re.Pattern[str]] = {}
    objection_try: dict[str, str] = {}
    for otype, spec in (data.get("objections") or {}).items():
        if not isinstance(spec, dict):
            continue
        objections[otype] = compile_phrases(list(spec.get("phrases", [])), f"{vertical}.objections.{otype}")
        objection_try[otype] = str(spec.get("try", ""))
    priority = tuple(p for p in data.get("objection_priority", []) if p in objections) + tuple(
        t for t in objections if t not in data.get("objection_priority", [])
    )
    weak = tuple(
        WeakKind(str(w.get("name", f"weak{i}")), compile_phrases(list(w.get("phrases", [])), f"{vertical}.weak"),
                 str(w.get("try", "")))
        for i, w in enumerate(data.get("weak_next_steps", [])) if isinstance(w, dict)
    )
    signals: dict[str, dict[str, re.Pattern[str]]] = {}
    for kind, spec in (data.get("signals") or {}).items():
        if isinstance(spec, dict):
            signals[kind] = {s: compile_phrases(list(spec.get(s, [])), f"{vertical}.signals.{kind}") for s in ("strong", "weak")}
    suggestions = {str(k): str(v) for k, v in (data.get("suggestions") or {}).items()}
    vocabulary = data.get("vocabulary", [])
    if not isinstance(vocabulary, list) or not all(isinstance(v, str) for v in vocabulary):
        raise InputError(f"playbook {vertical}: 'vocabulary' must be a list of names (strings)")
    log.debug("loaded playbook %s", vertical)
    return Playbook(
        vertical=vertical,
        other_party=str(data.get("other_party", "prospect")),
        patterns=patterns,
        objections=objections,
        objection_try=objection_try,
        objection_priority=priority,
        weak=weak,
        signals=signals,
        suggestions=suggestions,
        vocabulary=tuple(v.strip() for v in vocabulary if v.strip()),
        next_steps=compile_table(data.get("next_steps"), vertical),
    )
