"""The close state: what the coach knows after each utterance, as immutable data.

This is the contract between the coach and everything that shows it (CLI printer, ``live --events``,
the Qt window, the exporters). Fields may be added; existing ones keep their names and meaning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from copilot.session.utterance import Utterance

CRITERIA = ("specific_action", "specific_time_or_trigger", "acknowledged")
STAGES = ("summarize", "confirm", "propose", "lock")
OBJECTION_TYPES = ("think_about_it", "send_info", "discuss_with_team", "call_next_week", "not_ready")
COACHING_CATEGORIES = ("Control", "Commitment", "Objection handling", "Close timing", "Clarity")


@dataclass(frozen=True)
class Evidence:
    """An utterance that supports a finding; ``utterance`` is its index in the call."""

    utterance: int
    t: float
    text: str
    speaker: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"utterance": self.utterance, "t": round(self.t, 3), "text": self.text, "speaker": self.speaker}


@dataclass(frozen=True)
class Criterion:
    """One of the three next-step criteria; ``kind`` is "datetime"/"trigger"/None for the time criterion."""

    met: bool = False
    evidence: tuple[Evidence, ...] = ()
    kind: str | None = None
    confidence: float = 0.0  # how sure the coach is that it is met (0 when it is not); under 0.7 it shows as unclear

    @property
    def unclear(self) -> bool:
        return self.met and self.confidence < 0.7


@dataclass(frozen=True)
class Stage:
    """One of the four close stages (summarize, confirm, propose, lock)."""

    met: bool = False
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class NextStep:
    """The most concrete next step put forward so far."""

    action: str | None
    when: datetime | None
    trigger: str | None
    agreed_by: tuple[str, ...]
    evidence: tuple[Evidence, ...] = ()
    when_has_time: bool = True  # False when only a day was said ("friday"): ``when`` is then a date, all day
    length_minutes: int | None = None  # the length said ("forty-five minutes" → 45), for the invite
    attendees: tuple[str, ...] = ()  # who was named to attend ("you", "marcus", "your cfo"), as normalised words


@dataclass(frozen=True)
class SuggestedStep:
    """The step the method suggests from what was heard (the playbook's ``next_steps`` table): its stage
    ("business_case"), the step ("an ROI review"), with whom ("Dana (CFO)", or the stage's default role; None when
    it is with the other party alone), and the utterances that led to it."""

    stage: str
    action: str
    with_: str | None
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class WeakNextStep:
    utterance: int
    t: float
    text: str
    try_: str


@dataclass(frozen=True)
class Objection:
    utterance: int
    t: float
    type: str
    text: str
    try_: str


@dataclass(frozen=True)
class CommitmentSignal:
    """A sign of commitment from the other party ("strong") or its weak counterpart ("weak")."""

    utterance: int
    t: float
    kind: str
    strength: str
    text: str


@dataclass(frozen=True)
class CoachingMoment:
    """``[28:45] Improvement - Control: <message> Try: "<try_>"``."""

    t: float
    category: str
    message: str
    try_: str | None = None
    kind: str = "Improvement"  # or "Strength"


@dataclass(frozen=True)
class Metrics:
    """Conversation metrics: talk share per speaker (0..1), longest monologue, questions asked."""

    talk_ratio: dict[str, float] = field(default_factory=dict)
    longest_monologue: dict[str, Any] = field(default_factory=dict)
    questions: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class CloseState:
    """Everything the coach has concluded so far."""

    criteria: dict[str, Criterion]
    stages: dict[str, Stage]
    next_step: NextStep | None
    next_steps_secured: bool
    commitment_level: int
    weak_next_steps: tuple[WeakNextStep, ...] = ()
    objections: tuple[Objection, ...] = ()
    signals: tuple[CommitmentSignal, ...] = ()
    coaching: tuple[CoachingMoment, ...] = ()
    metrics: Metrics = field(default_factory=Metrics)
    prompt: str = ""  # the single most useful thing for the rep to say now
    utterance_count: int = 0
    offered_slots: tuple[datetime, ...] = ()  # free times from the rep's calendar that the prompt offers
    suggested_next_step: SuggestedStep | None = None  # the step to propose, from what was heard (None: too little)


@dataclass(frozen=True)
class Verdict:
    """The verdict on a whole call: the close state at its end, the reason, the transcript, and notes.

    Typed all the way through the program; ``copilot.coach.verdict.verdict_to_json`` (``to_json``) is the one
    place it becomes DESIGN.md's JSON, and ``verdict_from_json`` the one place a stored verdict is read back.
    """

    state: CloseState
    reason: str
    utterances: tuple[Utterance, ...] = ()
    notes: tuple[str, ...] = ()
    vertical: str = "sales"

    @property
    def next_steps_secured(self) -> bool:
        return self.state.next_steps_secured

    @property
    def criteria(self) -> dict[str, Criterion]:
        return self.state.criteria

    @property
    def stages(self) -> dict[str, Stage]:
        return self.state.stages

    @property
    def next_step(self) -> NextStep | None:
        return self.state.next_step

    @property
    def commitment_level(self) -> int:
        return self.state.commitment_level

    @property
    def weak_next_steps(self) -> tuple[WeakNextStep, ...]:
        return self.state.weak_next_steps

    @property
    def objections(self) -> tuple[Objection, ...]:
        return self.state.objections

    @property
    def coaching(self) -> tuple[CoachingMoment, ...]:
        return self.state.coaching

    @property
    def metrics(self) -> Metrics:
        return self.state.metrics

    @property
    def prompt(self) -> str:
        return self.state.prompt

    @property
    def suggested_next_step(self) -> SuggestedStep | None:
        return self.state.suggested_next_step

    def to_json(self) -> dict[str, Any]:
        from copilot.coach.verdict import verdict_to_json

        return verdict_to_json(self)

    @classmethod
    def from_json(cls, data: Any) -> Verdict:
        from copilot.coach.verdict import verdict_from_json

        return verdict_from_json(data)
