"""A calendar invite (.ics) for the agreed next step, at the date and time the coach resolved.

Lock, the last stage of the close, is "I'm sending the invite now": this file is that invite, ready to open in
any calendar — written during the call as soon as the other side agrees a time (``InviteWriter``, used by the
call session), and again with the exports. It carries the agreed length ("forty-five minutes" → 45; the usual
meeting length otherwise), the people who were named (and the calendar meeting's attendees, when known), a
description from what was said, and a reminder. No organizer: no address is known, and an invite without one
imports into every calendar as the rep's own event. Attendees have no address either; they are written the way
Outlook writes a name-only attendee (``CN=…:invalid:nomail``), so calendars show the names and mail nobody.

The UID is stable: within a call it comes from the call's start and the step's action, so an invite written
again after a counter-offer (with a higher SEQUENCE) updates the event instead of adding a second one.
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo
from email.utils import parseaddr
from pathlib import Path

from icalendar import Alarm, Calendar, Event, vCalAddress, vText

from copilot.coach.state import Evidence, NextStep, Verdict
from copilot.coach.text import normalize, restore_case
from copilot.coach.verdict import next_step_dict
from copilot.errors import InputError
from copilot.export._fmt import evidence_line, label_for, one_line, resolve_labels, step_when
from copilot.session.labels import DAY_NAMES, MONTH_NAMES, long_when

log = logging.getLogger(__name__)

PRODID = "-//Call Copilot//Next step invite//EN"
DEFAULT_MINUTES = 30
ALARM_MINUTES = 15
NO_ADDRESS = "invalid:nomail"  # Outlook's value for an attendee known only by name
# Who is named but is no one to invite by name: the other party ("you"), the rep ("me"), both ("us").
_NOT_NAMES = frozenset({"you", "me", "us", "i", "we", "him", "her", "them", "everyone", "both", "yourself",
                        "myself", "ourselves", "everybody", "all"})
_UNITS = frozenset({"minute", "minutes", "min", "mins", "hour", "hours"})


@dataclass(frozen=True)
class Invite:
    """One invite: what it says, and the .ics file's bytes."""

    uid: str
    start: datetime | date
    minutes: int  # the length; a whole day for a date without a time
    summary: str
    attendees: tuple[str, ...]
    sequence: int
    ics: bytes

    @property
    def end(self) -> datetime | date:
        if isinstance(self.start, datetime):
            return self.start + timedelta(minutes=self.minutes)
        return self.start + timedelta(days=1)

    def describe(self) -> str:
        """ "Tuesday 8 Dec, 14:00–14:45" (fixed English, never the locale): the window's offer and the CLI line."""
        return describe_span(self.start, self.end)


def describe_span(start: date, end: date) -> str:
    day = f"{DAY_NAMES[start.weekday()]} {start.day} {MONTH_NAMES[start.month - 1][:3]}"
    if isinstance(start, datetime) and isinstance(end, datetime):
        return f"{day}, {start:%H:%M}–{end:%H:%M}"
    return f"{day}, all day"


def _legacy_uid(step: NextStep) -> str:
    """Derived from the step as the verdict JSON writes it (action, when, evidence times and words), so the same
    step gives the same UID across exports and versions (an export that does not know the call's start)."""
    wire = next_step_dict(step) or {}
    key = {
        "action": wire.get("action"),
        "when": wire.get("when"),
        "evidence": [[ev.get("t"), ev.get("text")] for ev in wire.get("evidence") or []],
    }
    return _digest(json.dumps(key, sort_keys=True, default=str))


def call_uid(started_at: datetime, step: NextStep) -> str:
    """One UID per call and step: the call's start and the step's action (its words, not their case), so the
    invite written after a counter-offer, and the one exported when the call ends, update the same event."""
    action = " ".join(normalize(step.action or "").tokens) or "next step"
    return _digest(f"{started_at.replace(microsecond=0).isoformat()}|{action}")


def _digest(key: str) -> str:
    return f"{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}@call-copilot"


def _summary(step: NextStep) -> str:
    action = one_line(step.action).rstrip(".")
    return f"{action[:1].upper()}{action[1:]}" if action else "Follow-up call"


def _spoken(word: str, texts: Sequence[str]) -> str:
    """A name as it was written in the transcript ("marcus" → "Marcus", "your cfo" → "your CFO"); a one-word name
    never found there is capitalised."""
    for text in texts:
        shown = restore_case(word, text)
        if shown:
            return shown
    return word[:1].upper() + word[1:] if " " not in word else word


def invite_attendees(step: NextStep, texts: Sequence[str] = (), meeting_attendees: Iterable[str] = (),
                     leave_out: Iterable[str] = ()) -> tuple[str, ...]:
    """Who the invite is for: the people named for the step (never "you", "me", "us"), in the words the
    transcript used (``texts``: the step's evidence first), a name matched to the calendar meeting's fuller one
    ("Marcus" → "Marcus Lee"), then the meeting's other attendees; ``leave_out`` (the rep's name) is dropped."""
    meeting = [one_line(name) for name in meeting_attendees if one_line(name)]
    skip = [one_line(name) for name in leave_out if one_line(name)]
    found: list[str] = []
    for said in step.attendees:
        # a length read into the names ("your vp 45", "minutes") is no one's name
        word = " ".join(w for w in said.split() if not w.isdigit() and w.casefold() not in _UNITS)
        if not word or word.casefold() in _NOT_NAMES:
            continue
        name = _spoken(word, texts)
        fuller = [m for m in meeting if _same_person(m, name)]
        found.append(fuller[0] if len(fuller) == 1 else name)
    out: list[str] = []
    for name in found + meeting:
        if not any(_same_person(name, other) for other in out + skip):
            out.append(name)
    return tuple(out)


def _same_person(a: str, b: str) -> bool:
    """The same name, or a first name alone and a full name that starts with it ("Marcus", "Marcus Lee")."""
    x, y = a.casefold().split(), b.casefold().split()
    return x == y or (len(x) == 1 or len(y) == 1) and x[:1] == y[:1]


def _description(step: NextStep, agreed: bool, labels: Mapping[str, str], when: datetime | date, minutes: int,
                 attendees: Sequence[str], recap: Sequence[Evidence]) -> str:
    lines = ["Next step agreed on the call." if agreed else "Next step proposed on the call."]
    if step.action:
        lines.append(f"Action: {one_line(step.action)}")
    length = f" ({minutes} minutes)" if isinstance(when, datetime) else ""
    lines.append(f"When: {long_when(when)}{length}")
    if step.trigger:
        lines.append(f"Trigger: {one_line(step.trigger)}")
    if attendees:
        lines.append(f"With: {', '.join(attendees)}")
    if agreed and step.agreed_by:
        lines.append(f"Agreed by: {' and '.join(label_for(who, labels) for who in step.agreed_by)}")
    if recap:
        lines += ["", "From the call's summary:"] + [evidence_line(ev, labels) for ev in recap]
    evidence = [evidence_line(ev, labels) for ev in step.evidence]
    if evidence:
        lines += ["", "What was said:"] + evidence
    return "\n".join(lines)


def _organizer(organizer: str) -> vCalAddress:
    name, address = parseaddr(organizer)
    if not address or "@" not in address:
        raise InputError(f"organizer {organizer!r} is not an email address")
    cal_address = vCalAddress(f"mailto:{address}")
    if name:
        cal_address.params["CN"] = vText(name)
    return cal_address


def _attendee(name: str) -> vCalAddress:
    address = vCalAddress(NO_ADDRESS)
    address.params["CN"] = vText(name)
    address.params["ROLE"] = vText("REQ-PARTICIPANT")
    address.params["PARTSTAT"] = vText("NEEDS-ACTION")
    return address


def _check_minutes(minutes: object, what: str) -> int:
    if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes <= 0:
        raise InputError(f"{what} must be a positive number of minutes, not {minutes!r}")
    return minutes


def step_invite(step: NextStep | None, *, agreed: bool, uid: str | None = None, vertical: str | None = None,
                texts: Sequence[str] = (), recap: Sequence[Evidence] = (), duration_minutes: int | None = None,
                default_minutes: int = DEFAULT_MINUTES, meeting_attendees: Iterable[str] = (),
                leave_out: Iterable[str] = (), sequence: int = 0, organizer: str | None = None,
                tz: tzinfo | None = None, alarm_minutes: int = ALARM_MINUTES,
                now: datetime | None = None) -> Invite | None:
    """The invite for ``step``, or None when no date was resolved for it.

    Its length: ``duration_minutes`` when given, else the length said for the step, else ``default_minutes``.
    A naive ``when`` is local floating time (as DESIGN.md resolves it) and stays floating, unless ``tz`` (the
    calendar's zone) places it; one with an offset is written in UTC; a date without a time is an all-day event.
    ``texts`` are the transcript's lines that restore the names' case; ``recap`` the rep's summary of the call.
    """
    default_minutes = _check_minutes(default_minutes, "the usual meeting length")
    if duration_minutes is not None:
        _check_minutes(duration_minutes, "invite duration")
    when = step_when(step)
    if step is None or when is None:
        return None
    minutes = duration_minutes or step.length_minutes or default_minutes
    attendees = invite_attendees(step, [ev.text for ev in step.evidence] + list(texts), meeting_attendees, leave_out)
    summary = _summary(step)

    event = Event()
    event.add("uid", uid or _legacy_uid(step))
    event.add("dtstamp", (now or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(microsecond=0))
    if sequence:
        event.add("sequence", sequence)
    if isinstance(when, datetime):
        start = when.astimezone(timezone.utc) if when.tzinfo is not None else \
            when.replace(tzinfo=tz) if tz is not None else when
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(minutes=minutes))
    else:
        event.add("dtstart", when)
        event.add("dtend", when + timedelta(days=1))
    event.add("summary", summary)
    event.add("description", _description(step, agreed, resolve_labels(None, vertical), when, minutes, attendees,
                                          recap))
    event.add("status", "CONFIRMED" if agreed else "TENTATIVE")
    if organizer:
        event.add("organizer", _organizer(organizer))
    for name in attendees:
        event.add("attendee", _attendee(name), encode=False)
    if alarm_minutes > 0:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"{summary} in {alarm_minutes} minutes")
        alarm.add("trigger", timedelta(minutes=-alarm_minutes))
        event.add_component(alarm)

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add_component(event)
    if tz is not None and isinstance(when, datetime) and when.tzinfo is None:
        calendar.add_missing_timezones()  # the VTIMEZONE the TZID names
    ical: bytes = calendar.to_ical()  # icalendar is untyped here
    return Invite(str(event["uid"]), when, minutes if isinstance(when, datetime) else 24 * 60, summary, attendees,
                  sequence, ical)


def next_step_ics(
    verdict: Verdict,
    duration_minutes: int | None = None,
    organizer: str | None = None,
    *,
    started_at: datetime | None = None,
    meeting_attendees: Iterable[str] = (),
    leave_out: Iterable[str] = (),
) -> bytes | None:
    """An iCalendar file with one VEVENT at ``next_step.when``; None when no date/time was resolved.

    ``started_at`` (the call's start) gives the UID the invite offered during the call had, so importing both
    leaves one event; without it the UID comes from the step alone.
    """
    step = verdict.next_step
    invite = step_invite(step, agreed=verdict.next_steps_secured,
                         uid=call_uid(started_at, step) if started_at is not None and step is not None else None,
                         vertical=verdict.vertical, texts=[u.text for u in verdict.utterances],
                         recap=verdict.stages["summarize"].evidence[:1] if "summarize" in verdict.stages else (),
                         duration_minutes=duration_minutes, meeting_attendees=meeting_attendees,
                         leave_out=leave_out, organizer=organizer)
    return invite.ics if invite is not None else None


class InviteWriter:
    """Writes a call's invites as they are agreed: ``call-<start>-<n>.ics`` in ``folder`` (created private on the
    first invite), or in a private temporary folder when nothing of the call is kept (``folder`` None).

    Every invite of one step keeps its UID; each one written again gets the next SEQUENCE.
    """

    def __init__(self, folder: Path | None, started_at: datetime, *, vertical: str | None = None,
                 default_minutes: int = DEFAULT_MINUTES, meeting_attendees: Sequence[str] = (),
                 leave_out: Sequence[str] = (), tz: tzinfo | None = None) -> None:
        self.folder = folder
        self.started_at = started_at.replace(microsecond=0)
        self.vertical = vertical
        self.default_minutes = _check_minutes(default_minutes, "the usual meeting length")
        self.meeting_attendees = tuple(meeting_attendees)
        self.leave_out = tuple(leave_out)
        self.tz = tz
        self.written: list[Path] = []
        self._sequence: dict[str, int] = {}

    def _folder(self) -> Path:
        from copilot.store.paths import ensure_private_dir

        if self.folder is None:
            self.folder = Path(tempfile.mkdtemp(prefix="call-copilot-invites-"))  # 0700, like a private folder
            return self.folder
        return ensure_private_dir(self.folder)

    def write(self, step: NextStep, *, agreed: bool, texts: Sequence[str] = (),
              recap: Sequence[Evidence] = ()) -> tuple[Path, Invite] | None:
        """Write the invite for ``step`` atomically; None when the step has no date (OutputError when the disk
        refuses: the caller says so and the call goes on)."""
        from copilot.export.atomic import write_atomic

        uid = call_uid(self.started_at, step)
        sequence = self._sequence.get(uid, -1) + 1
        invite = step_invite(step, agreed=agreed, uid=uid, vertical=self.vertical, texts=texts, recap=recap,
                             default_minutes=self.default_minutes, meeting_attendees=self.meeting_attendees,
                             leave_out=self.leave_out, sequence=sequence, tz=self.tz)
        if invite is None:
            return None
        path = self._folder() / f"call-{self.started_at:%Y%m%d-%H%M%S}-{len(self.written) + 1}.ics"
        write_atomic(path, invite.ics)
        self._sequence[uid] = sequence
        self.written.append(path)
        log.info("invite for %s written to %s", invite.describe(), path)
        return path, invite
