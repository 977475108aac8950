"""The dialogue acts an utterance performs, and the step it describes: defined once, here.

The coach reasons over acts, not over phrases: "does tuesday at 2 work?" is an OFFER and an ACK_REQUEST,
"yeah that works, bye" is an ACCEPT and an EXIT, "let me share my screen" is DO_NOW. Which words signal an
act lives in the playbooks (``copilot/coach/playbooks``); how acts combine across turns lives in
``copilot.coach.dialogue``; how one utterance is read lives in ``copilot.coach.reader``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from copilot.coach.timex import TimeMention


class Act(str, Enum):
    """What an utterance does in the conversation (an utterance may do several things)."""

    PROPOSE = "propose"              # puts a concrete next step forward: a future action after this call
    VAGUE_STEP = "vague_step"        # puts only a vague follow-up forward ("let's touch base")
    SEND_INFO = "send_info"          # offers or asks for general information ("I'll send the deck")
    OFFER_TIMES = "offer_times"      # names a specific future time (or several) for a step
    CHOICE = "choice"                # asks the other side to choose ("which works better?")
    ACCEPT = "accept"                # a yes to what is on the table
    DECLINE = "decline"              # a no
    HEDGE = "hedge"                  # neither: "maybe", "let me check", "I'll let you know"
    RETRACT = "retract"              # takes an earlier yes back ("actually, hold off")
    ASK = "ask"                      # a question
    ACK_REQUEST = "ack_request"      # asks for agreement to what is on the table ("does that work?")
    OBJECTION = "objection"          # one of DESIGN.md's objection types
    EXIT = "exit"                    # leaving the call ("gotta run", "bye")
    BACKCHANNEL = "backchannel"      # only listening ("mm-hmm", "yeah", "right")
    DO_NOW = "do_now"                # done during the call ("let me share my screen"), not a next step
    HAND_BACK = "hand_back"          # the rep leaves the next move to the other side ("reach out whenever")
    SUMMARIZE = "summarize"          # the rep plays back what they heard
    CONFIRM = "confirm"              # the rep checks the other side wants to go on
    INVITE_SENT = "invite_sent"      # the calendar invite is sent during the call
    INVITE_ACCEPTED = "invite_accepted"
    SMALL_TALK = "small_talk"        # weather, weekends, pleasantries


@dataclass(frozen=True)
class StepSpec:
    """A next step as one utterance describes it, recognised by its structure.

    ``kind``: "meeting" (a meeting or call with a purpose, attendees or a length), "deliverable" (a piece of
    work with an owner), "callback", "booking", "visit", "vague" or "info". ``specific`` says whether it is a
    specific action in the method's sense.
    """

    kind: str
    phrase: str                      # the words that name it, normalised ("demo with you and priya")
    start: int                       # token span of the phrase
    end: int
    specific: bool
    owner: str | None = None         # "speaker", "listener", "both" or None
    length_minutes: int | None = None
    attendees: tuple[str, ...] = ()
    purpose: str | None = None
    future: bool = True              # False for something done now or already done


@dataclass(frozen=True)
class Trigger:
    """A trigger for the step ("once your CFO signs off"); ``committed``: someone commits to a response."""

    text: str
    committed: bool


@dataclass(frozen=True)
class Reading:
    """Everything the dialogue tracker needs from one utterance: its acts and what they are about."""

    acts: frozenset[Act]
    step: StepSpec | None = None
    times: tuple[TimeMention, ...] = ()          # specific future times said as part of a step
    vague_times: tuple[TimeMention, ...] = ()    # times too vague for a calendar ("next week", "probably friday")
    trigger: Trigger | None = None
    objection: str | None = None
    weak: tuple[str, str] | None = None          # (kind, the strong alternative to suggest)
    bare_yes: bool = False                       # the yes is one word of assent ("ok", "yeah") and nothing more
    accept_strength: int = 0                     # 2: an explicit yes ("that works"); 1: a word of assent; 0: none
    assent_first: bool = False                   # it opens with a word of assent ("perfect, perfect, …")
    future: bool = False                         # a proposal or commitment frame ("I'll", "let's", "next step")
    commits: bool = False                        # the speaker takes on a part of their own ("I'll nudge them")
    extra_words: int = 0                         # content words said beyond the yes (a new topic after "yeah so…")
    negated: bool = False                        # the utterance negates its own verb ("that doesn't work")
    busy_at: bool = False                        # its only "no" is a time the speaker is busy at ("I'm away the 3rd")
    topic: frozenset[str] = field(default_factory=frozenset)  # content words, to tell what an answer is about
    signals: tuple[tuple[str, str], ...] = ()
    confidence: float = 1.0                      # how sure the reading of the yes/no is (1: rules alone)

    def has(self, act: Act) -> bool:
        return act in self.acts
