"""The method's follow-up cadence, from one call.

- **recap**: the recap email within 2 hours of the call's end, while the call is fresh on both sides;
- **materials**: each piece the rep promised, when it was promised (``copilot.followups.promises``);
- **confirmation**: 24 hours before the next meeting, when the step agreed has a date (and a time) after the call;
- **follow_up**: 48 hours after the recap is due, "if nothing came back" (the user marks it done when a reply
  came). The method allows 48–72 hours; 48 is taken because a reminder is cheap to snooze (1 h / tomorrow) but
  one that comes late cannot be taken back, and the confirmation often lands inside that window anyway. One that
  falls on a weekend moves to Monday at 9:00, when a buyer reads mail.

A call's end is its start plus the last utterance's end. Pure and deterministic: the same call gives the same
follow-ups.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, time, timedelta

from copilot.coach.playbook import load_playbook
from copilot.coach.state import NextStep, Verdict
from copilot.coach.timex import WEEKDAY_NAMES
from copilot.followups.model import FollowUp
from copilot.followups.promises import promises
from copilot.session.labels import MONTH_NAMES
from copilot.session.utterance import Utterance

RECAP_AFTER = timedelta(hours=2)
CONFIRM_BEFORE = timedelta(hours=24)
FOLLOW_UP_AFTER = timedelta(hours=48)
MORNING = time(9, 0)

_GREETING = re.compile(r"\b(?i:hi|hello|hey|thanks|thank you|bye|goodbye|morning|afternoon|cheers|great to meet you|"
                       r"nice to meet you|welcome)[,!]?\s+([A-Z][a-z]+)\b")
_NOT_NAMES = {"So", "And", "Everyone", "All", "Team", "Guys", "Again", "For", "Very", "Much", "You", "Both", "Folks",
              "There", "Then", "Now", "Today", "Sir", "Madam", "Okay", "Ok", "The", "That", "This", "I", "We"}
_PRONOUN_ATTENDEES = {"you", "me", "us", "we", "i", "them", "him", "her", "both", "everyone", "all"}


def call_end(started_at: datetime, utterances: Sequence[Utterance]) -> datetime:
    """The call's end: its start plus the last utterance's end (its start when nothing was said)."""
    last = max((u.end for u in utterances), default=0.0)
    return started_at + timedelta(seconds=max(0.0, last))


def followups_for(verdict: Verdict | None, utterances: Sequence[Utterance], started_at: datetime, *,
                  vertical: str = "sales", ended_at: datetime | None = None,
                  contact: str | None = None) -> tuple[FollowUp, ...]:
    """The follow-ups one call leaves, in due order.

    ``contact`` is the other side's name when the caller knows it (the calendar's meeting); otherwise it is the
    name the rep greeted or thanked on the call ("Thanks, Dana"). A call where nothing was said leaves none.
    """
    if not utterances:
        return ()
    if started_at.tzinfo is not None:
        started_at = started_at.astimezone().replace(tzinfo=None)
    end = ended_at.replace(tzinfo=None) if ended_at is not None else call_end(started_at, utterances)
    end = end.replace(microsecond=0)
    who = contact or contact_name(utterances)
    recap_due = end + RECAP_AFTER
    items = [FollowUp("recap", recap_due, f"Send the recap email to {who}" if who else "Send the recap email")]
    for p in promises(utterances, started_at, end, load_playbook(vertical)):
        said = f"promised {p.said}" if p.said else "promised on the call"
        items.append(FollowUp("materials", p.due, f"Send {p.item} ({said})"))
    step = verdict.next_step if verdict is not None else None
    confirm = _confirmation(step, end, recap_due, who)
    if confirm is not None:
        items.append(confirm)
    items.append(FollowUp("follow_up", _weekday(recap_due + FOLLOW_UP_AFTER),
                          f"Follow up with {who} if no reply to the recap" if who
                          else "Follow up if no reply to the recap"))
    return tuple(sorted(items, key=lambda f: f.due))


def contact_name(utterances: Sequence[Utterance]) -> str | None:
    """The name the rep calls the other side by ("Hi Dana", "Thanks, Dana"), the most often said; None if none."""
    names = Counter(m.group(1) for u in utterances if u.speaker == "rep" for m in _GREETING.finditer(u.text)
                    if m.group(1) not in _NOT_NAMES)
    return names.most_common(1)[0][0] if names else None


def _confirmation(step: NextStep | None, end: datetime, recap_due: datetime, who: str | None) -> FollowUp | None:
    """24 hours before the next meeting (the day before at 9:00 when only a day was said; the Friday before when
    that falls on a weekend). A meeting sooner than that is confirmed with the recap; one within two hours of the
    call's end needs no confirmation."""
    if step is None or step.when is None:
        return None
    when = step.when.replace(tzinfo=None) if step.when.tzinfo is None else step.when.astimezone().replace(tzinfo=None)
    if not step.when_has_time:
        when = datetime.combine(when.date(), time(0, 0))
        due = datetime.combine(when.date() - timedelta(days=1), MORNING)
        starts = datetime.combine(when.date(), MORNING)
    else:
        due, starts = when - CONFIRM_BEFORE, when
    if starts <= recap_due:
        return None
    if due.weekday() >= 5:  # not on a weekend: the Friday before, at the same time
        due -= timedelta(days=due.weekday() - 4)
    due = max(due, recap_due)
    return FollowUp("confirmation", due, _confirm_line(step, when, end, who))


def _confirm_line(step: NextStep, when: datetime, end: datetime, who: str | None) -> str:
    """ "Confirm Tuesday's live demo with Dana and Marcus" (a date instead of the day past a week)."""
    day = WEEKDAY_NAMES[when.weekday()] if (when.date() - end.date()).days < 7 else \
        f"{MONTH_NAMES[when.month - 1]} {when.day}"
    action = (step.action or "meeting").strip()
    core = re.split(r"\s+with\s+", action, maxsplit=1)[0] or "meeting"
    people = [who] if who else []
    for a in step.attendees:
        name = _attendee(a)
        if name and name.lower() not in (p.lower() for p in people):
            people.append(name)
    with_whom = f" with {_and(people)}" if people else ""
    return f"Confirm {day}'s {core}{with_whom}"


def _attendee(words: str) -> str | None:
    """An attendee as people write it: "marcus" → "Marcus", "your cfo" → "your CFO"; None for "you" and the like."""
    if words.lower() in _PRONOUN_ATTENDEES:
        return None
    parts = words.split()
    if len(parts) == 1:
        return parts[0] if len(parts[0]) <= 3 and parts[0].isupper() else parts[0][:1].upper() + parts[0][1:]
    acronyms = {"ceo", "cfo", "cto", "coo", "cio", "ciso", "vp", "it", "hr", "ops", "qa", "svp", "evp"}
    return " ".join(w.upper() if w.lower() in acronyms else w for w in parts)  # "your cfo" → "your CFO"


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _weekday(due: datetime) -> datetime:
    """A follow-up due on a Saturday or Sunday moves to Monday at 9:00."""
    if due.weekday() < 5:
        return due
    return datetime.combine(due.date() + timedelta(days=7 - due.weekday()), MORNING)
