"""The words people read, in one table: per vertical, the other party's name, the criteria, the stages, the
commitment ladder and the objections; and dates written in fixed English, never in the process locale.

The window (``copilot.ui``), the exports (``copilot.export``) and the terminal (``copilot.commands``) all take
their labels from here, so a recruiting call says "Candidate" in the checklist, the transcript files and the
terminal alike. Qt-free and free of the coach, so every layer may read it; the keys are the method's own names
(``copilot.coach.state.CRITERIA``/``STAGES``, DESIGN.md's objection types), which a test holds them to.

Dates: ``strftime('%A')``/``'%B'``/``'%p'`` follow the process locale, which a GUI toolkit may change under us
(Qt does); every day and month name here comes from a fixed table instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from types import MappingProxyType

REP = "rep"
PROSPECT = "prospect"

CRITERION_KEYS = ("specific_action", "specific_time_or_trigger", "acknowledged")
STAGE_KEYS = ("summarize", "confirm", "propose", "lock")
OBJECTION_KEYS = ("think_about_it", "send_info", "discuss_with_team", "call_next_week", "not_ready")

# The other party's name per vertical (the playbooks' ``other_party``; a test keeps the two equal).
OTHER_PARTY: Mapping[str, str] = MappingProxyType({
    "sales": "prospect",
    "recruiting": "candidate",
    "customer_success": "customer",
    "real_estate": "client",
    "it_service_desk": "caller",
})
DEFAULT_VERTICAL = "sales"

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December")


def _frozen(**items: str) -> Mapping[str, str]:
    return MappingProxyType(dict(items))


STAGES: Mapping[str, str] = _frozen(summarize="Summarize", confirm="Confirm", propose="Propose", lock="Lock")
STAGE_HINTS: Mapping[str, str] = _frozen(
    summarize="“Let me make sure I captured everything…”",
    confirm="“Does it make sense to keep this conversation going?”",
    propose="“A good next step would be a demo with your VP.”",
    lock="“I have Tuesday at 2 or Thursday at 10 — which works better? I'm sending the invite now.”",
)
# DESIGN.md's commitment hierarchy, strongest first: its own words, and the short form the window shows.
LADDER: Mapping[int, str] = MappingProxyType({
    5: "calendar invite sent and accepted",
    4: "verbal agreement to a specific date/time",
    3: "agreement to a specific action with a timeline or trigger",
    2: 'vague "follow up next week"',
    1: '"send me some info" / nothing',
})
LADDER_SHORT: Mapping[int, str] = MappingProxyType({
    5: "Invite sent and accepted",
    4: "Yes to a specific date/time",
    3: "Action with a timeline or trigger",
    2: "Vague “follow up next week”",
    1: "“Send me some info” / nothing",
})
OBJECTIONS: Mapping[str, str] = _frozen(
    think_about_it="I need to think about it",
    send_info="Send me some info",
    discuss_with_team="I'll discuss with my team",
    call_next_week="Call me next week",
    not_ready="We're not ready yet",
)


# The stages of "what was heard → the step to suggest" (the playbooks' ``next_steps`` tables; a test keeps the
# two equal): the stage's name as a person reads it, with the step it leads to.
NEXT_STEP_STAGES: Mapping[str, Mapping[str, str]] = MappingProxyType({
    "sales": _frozen(qualified="Qualified → demo", stakeholders="Several stakeholders → buying-committee meeting",
                     technical="Technical concerns → deep-dive", business_case="Business case needed → ROI review",
                     competitive="Competitive evaluation → proof of concept",
                     near_decision="Near a decision → proposal review"),
    "recruiting": _frozen(screened="Good screen → hiring-manager interview",
                          interviewed="Interview went well → panel", final_round="Panel done → offer call"),
    "customer_success": _frozen(review_due="Results to review → QBR", adoption_gap="Adoption gap → training",
                                renewal_near="Renewal near → renewal review"),
    "real_estate": _frozen(interested="Interested → viewing", ready_to_offer="Ready to offer → offer meeting",
                           offer_accepted="Offer accepted → inspection"),
    "it_service_desk": _frozen(investigating="Still investigating → call-back",
                               needs_hands_on="Needs hands on → remote session", on_site="Hardware → visit"),
})


@dataclass(frozen=True)
class Labels:
    """The labels of one vertical. ``criteria`` are the report's titles, ``criteria_short`` the checklist's and the
    terminal's; ``criterion_phrases`` fit in a sentence ("Missed most: a specific action")."""

    vertical: str
    other_party: str  # the noun, as in a sentence: "the candidate turned it down"
    criteria: Mapping[str, str]
    criteria_short: Mapping[str, str]
    criterion_hints: Mapping[str, str]
    criterion_phrases: Mapping[str, str]
    stages: Mapping[str, str]
    stage_hints: Mapping[str, str]
    ladder: Mapping[int, str]
    ladder_short: Mapping[int, str]
    objections: Mapping[str, str]
    rep: str = "Rep"
    you: str = "You"  # the rep, in the app's own window
    next_stages: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))  # NEXT_STEP_STAGES' row

    @property
    def party(self) -> str:
        """The other party as a speaker's name: "Prospect", "Candidate"."""
        return self.other_party[:1].upper() + self.other_party[1:]

    @property
    def speakers(self) -> dict[str, str]:
        """``{"rep": "Rep", "prospect": "Candidate"}``: the speaker names of the transcripts."""
        return {REP: self.rep, PROSPECT: self.party}

    def speaker(self, speaker: str, *, you: bool = False) -> str:
        """A speaker's name; ``you`` names the rep "You" (the app's own window)."""
        if speaker == REP:
            return self.you if you else self.rep
        if speaker == PROSPECT:
            return self.party
        return speaker.capitalize() or "?"

    def criterion(self, name: str, *, short: bool = False) -> str:
        table = self.criteria_short if short else self.criteria
        return table.get(name, name.replace("_", " ").capitalize())

    def stage(self, name: str) -> str:
        return self.stages.get(name, name.replace("_", " ").capitalize())

    def objection(self, kind: str) -> str:
        return self.objections.get(kind, kind.replace("_", " ") or "Objection")

    def next_stage(self, name: str) -> str:
        """A suggested step's stage as a person reads it ("Business case needed → ROI review")."""
        return self.next_stages.get(name, name.replace("_", " ").capitalize())

    def suggestion(self, action: str, with_: str | None, stage: str) -> str:
        """ "Suggested: an ROI review with your CFO (Business case needed → ROI review)": the window's, the
        terminal's and the report's one line for the step the method suggests."""
        who = f" with {with_}" if with_ else ""
        return f"Suggested: {action}{who} ({self.next_stage(stage)})"

    def rung(self, level: int, *, short: bool = False) -> str:
        return (self.ladder_short if short else self.ladder).get(level, "")


def _labels(vertical: str, other_party: str) -> Labels:
    party = other_party[:1].upper() + other_party[1:]
    return Labels(
        vertical=vertical,
        other_party=other_party,
        criteria=_frozen(specific_action="Specific action", specific_time_or_trigger="Specific date/time or trigger",
                         acknowledged="Both parties acknowledged"),
        criteria_short=_frozen(specific_action="Specific action", specific_time_or_trigger="Date/time or trigger",
                               acknowledged=f"{party} said yes"),
        criterion_hints=_frozen(
            specific_action="A concrete step — a demo with the VP, a security review — not “let's chat again”.",
            specific_time_or_trigger=("“Tuesday at 2pm”, “by end of day”, or a clear trigger; "
                                      "“next week” does not count."),
            acknowledged=f"The {other_party} says yes out loud to the step; “maybe” or silence is not a yes.",
        ),
        criterion_phrases=_frozen(specific_action="a specific action",
                                  specific_time_or_trigger="a specific date/time or trigger",
                                  acknowledged=f"the {other_party}'s yes"),
        stages=STAGES,
        stage_hints=STAGE_HINTS,
        ladder=LADDER,
        ladder_short=LADDER_SHORT,
        objections=OBJECTIONS,
        next_stages=NEXT_STEP_STAGES.get(vertical, MappingProxyType({})),
    )


_BY_VERTICAL: Mapping[str, Labels] = MappingProxyType({v: _labels(v, party) for v, party in OTHER_PARTY.items()})

# Words for many calls at once (the pattern across verticals): "the other side's yes".
ANY_VERTICAL = _labels("any", "other side")


def labels_for(vertical: str | None) -> Labels:
    """The labels of a vertical (canonical name); an unknown or missing one reads as sales."""
    return _BY_VERTICAL.get(vertical or DEFAULT_VERTICAL, _BY_VERTICAL[DEFAULT_VERTICAL])


# --- dates, in fixed English ----------------------------------------------------------------------------


def _hour12(moment: datetime) -> tuple[int, str]:
    return moment.hour % 12 or 12, "AM" if moment.hour < 12 else "PM"


def _utc_offset(moment: datetime) -> str:
    offset = moment.utcoffset()
    if offset is None:
        return ""
    if not offset:
        return " UTC"
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return f" (UTC{sign}{minutes // 60:02d}:{minutes % 60:02d})"


def day_month(moment: date, *, long: bool = False) -> str:
    """"Tue 08 Dec 2026" (``long``: "Tuesday 08 December 2026") in fixed English, never the process locale."""
    day, month = DAY_NAMES[moment.weekday()], MONTH_NAMES[moment.month - 1]
    if not long:
        day, month = day[:3], month[:3]
    return f"{day} {moment.day:02d} {month} {moment.year}"


def long_when(when: date) -> str:
    """ "Wednesday, November 15, 2026 at 10:00 AM" (without the time for a date only): the recap and the report."""
    day = f"{DAY_NAMES[when.weekday()]}, {MONTH_NAMES[when.month - 1]} {when.day}, {when.year}"
    if isinstance(when, datetime):
        hour, suffix = _hour12(when)
        return f"{day} at {hour}:{when.minute:02d} {suffix}{_utc_offset(when)}"
    return day


def short_when(when: date) -> str:
    """ "Tue 24 Nov, 2:00 pm" (the day only for a date, or for midnight, which is how a day without a time reads
    back): the window."""
    if isinstance(when, datetime) and when.time() == datetime.min.time():
        when = when.date()
    day = f"{DAY_NAMES[when.weekday()][:3]} {when.day:02d} {MONTH_NAMES[when.month - 1][:3]}"
    if isinstance(when, datetime):
        hour, suffix = _hour12(when)
        return f"{day}, {hour}:{when.minute:02d} {suffix.lower()}"
    return day


__all__ = ["ANY_VERTICAL", "CRITERION_KEYS", "DAY_NAMES", "LADDER", "LADDER_SHORT", "MONTH_NAMES", "NEXT_STEP_STAGES",
           "OBJECTIONS",
           "OBJECTION_KEYS", "OTHER_PARTY", "STAGES", "STAGE_KEYS", "Labels", "labels_for", "long_when", "short_when"]
