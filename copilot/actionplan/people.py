"""Who was on the call, by name: what the recap greets and signs with and whom the action plan's rows name.

A name given (Settings' rep name, one the rep typed) wins; else the rep's calendar meeting, when it leaves exactly
one person who is neither the rep nor someone named for the next step; else the name each side called the other
("Thanks, Dana." / "Hi Sam,"). None when nothing says, and the recap keeps its placeholder.
"""

from __future__ import annotations

from copilot.actionplan.heard import REP, addressed_name
from copilot.calendar.events import CalendarEvent
from copilot.coach.state import Verdict

_SELF = {"me", "i", "us", "we", "myself", "you", "your", "yourself"}


def _first(name: str) -> str:
    return (name.lower().split() or [""])[0]


def prospect_from_meeting(meeting: CalendarEvent | None, rep_name: str | None, said: list[str]) -> str | None:
    """The other party's first name when the calendar leaves one person who is neither the rep nor named for the step."""
    if meeting is None:
        return None
    others = [a for a in meeting.attendees if _first(a) != _first(rep_name or "")
              and not any(_first(a) == _first(s) for s in said)]
    return others[0].split()[0] if len(others) == 1 else None


def names_on_call(verdict: Verdict, rep_name: str | None = None, prospect_name: str | None = None,
                  meeting: CalendarEvent | None = None) -> tuple[str | None, str | None]:
    """(the rep's name, the other party's name), each None when nothing says."""
    step = verdict.next_step
    said = [w for w in (step.attendees if step is not None else ()) if w.lower() not in _SELF]
    rep = " ".join((rep_name or "").split()) or addressed_name(verdict.utterances, "prospect", set(said))
    prospect = " ".join((prospect_name or "").split()) or prospect_from_meeting(meeting, rep, said) \
        or addressed_name(verdict.utterances, REP, set(said) | ({rep} if rep else set()))
    return rep or None, prospect or None
