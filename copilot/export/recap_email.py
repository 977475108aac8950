"""The recap email the rep sends right after the call, in the method's template, drafted from the call.

The template: thank them; **key takeaways** — each pain they named with its number and what drives their
timeline, in their words written back ("your first response time has slipped to nine hours"); the **agreed next
steps**, each with an owner and a by-date; the **materials promised**; the **scheduled meeting** with its date,
time, length and attendees; and "Looking forward to … on …". What was heard comes from
``copilot.actionplan.heard`` (by structure, not example phrases) and the steps from the same rows as the mutual
action plan, so the email and the plan never disagree. When no next step was secured it proposes one and asks
for a time instead of pretending one was agreed. A part nothing was heard for is a bracketed placeholder: the
app lets the rep edit the draft before it is copied or saved (``recap_eml(body=…)``). The ``.eml`` is marked
``X-Unsent: 1`` so Outlook, Thunderbird and Apple Mail open it as a draft; nothing is sent.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid

from copilot.actionplan.heard import Heard, heard
from copilot.actionplan.people import names_on_call
from copilot.actionplan.plan import parse_date, plan_from_call
from copilot.calendar.events import CalendarEvent
from copilot.coach.state import Verdict
from copilot.errors import InputError
from copilot.export._fmt import human_when, one_line, step_when

_PLACEHOLDER_POINTS = "[the key points you heard: each problem with its number, and what drives their timing]"
_DEFAULT_MINUTES = 30
_SELF = {"me", "i", "us", "we", "myself"}


def _agreed(verdict: Verdict) -> bool:
    ack = verdict.criteria.get("acknowledged")
    return (ack is not None and ack.met) or verdict.next_steps_secured


def _action(verdict: Verdict) -> str:
    step = verdict.next_step
    return one_line(step.action if step is not None else None).rstrip(".")


def _summary_points(verdict: Verdict) -> list[str]:
    summary = verdict.stages.get("summarize")
    return [one_line(ev.text) for ev in (summary.evidence if summary is not None else ()) if one_line(ev.text)]


def recap_subject(verdict: Verdict, meeting: CalendarEvent | None = None) -> str:
    """ "Recap and next step: <action>, <when>" when one was agreed, else a plain recap subject; the calendar
    meeting's title leads when the call had one ("Acme / demo - recap and next step: …")."""
    action = _action(verdict)
    when = step_when(verdict.next_step)
    title = one_line(meeting.title) if meeting is not None else ""
    if action and _agreed(verdict):
        subject = f"Recap and next step: {action[:1].upper()}{action[1:]}"
        subject = f"{subject}, {human_when(when)}" if when is not None else subject
    else:
        subject = "Thanks for today - recap and next steps"
    return f"{title} - {subject[:1].lower()}{subject[1:]}" if title else subject


def _clock(when: datetime) -> str:
    hour = when.hour % 12 or 12
    return f"{hour}:{when.minute:02d} {'AM' if when.hour < 12 else 'PM'}"


def _short_day(when: date) -> str:
    return human_when(when if not isinstance(when, datetime) else when.date()).rsplit(",", 1)[0]


def _on(when: date) -> str:
    """ "Tuesday, December 8 at 2:00 PM" (the year left out: it is days away)."""
    day = _short_day(when)
    return f"{day} at {_clock(when)}" if isinstance(when, datetime) else day


def attendee_names(verdict: Verdict, rep_name: str | None, prospect_name: str | None,
                   meeting: CalendarEvent | None) -> list[str]:
    """Who the next meeting is with: the names said for it ("you and Marcus"), each made the calendar's full name
    when the rep's calendar knows it ("Marcus Lee"), the other party for "you", and the rep."""
    step = verdict.next_step
    known = list(meeting.attendees) if meeting is not None else []
    names: list[str] = [prospect_name or "you"]
    for word in (step.attendees if step is not None else ()):
        word = one_line(word)
        if not word or word.lower() in _SELF:
            continue
        if word.lower() in ("you", "your", "yourself"):
            names.append(prospect_name or "you")
            continue
        full = next((k for k in known if k.lower().split()[0] == word.lower().split()[0]), None)
        names.append(full or " ".join(w[:1].upper() + w[1:] for w in word.split()))
    names.append(rep_name or "me")
    return list(dict.fromkeys(names))


def _by(text: str) -> str:
    return human_when(parse_date(text)) if text else "[date]"


def recap_text(
    verdict: Verdict,
    rep_name: str | None = None,
    prospect_name: str | None = None,
    *,
    started_at: datetime | None = None,
    meeting: CalendarEvent | None = None,
    found: Heard | None = None,
) -> str:
    """The recap email body as plain text in the method's template (bracketed parts are for the rep to fill in).

    ``started_at`` resolves the by-dates said ("by end of day"); ``meeting`` is the rep's calendar's meeting this
    call was (its people give full names); ``found`` is what was heard, when the caller has it already.
    """
    found = found if found is not None else heard(verdict, started_at)
    step = verdict.next_step
    action = _action(verdict)
    when = step_when(step)
    trigger = one_line(step.trigger if step is not None else None).rstrip(".")
    agreed = _agreed(verdict) and bool(action)
    rep_name, prospect = names_on_call(verdict, rep_name, prospect_name, meeting)

    lines = [f"Hi {prospect or 'there'},", "", "Thank you for your time today. Here is a recap of what we "
             "discussed and what we agreed.", ""]

    lines.append("Key takeaways:")
    takeaways = [f"- {p.text}" for p in found.pains]
    takeaways += [f"- Timeline: {d.text}" for d in found.drivers]
    if not takeaways:
        takeaways = [f"- {point}" for point in _summary_points(verdict)] or [f"- {_PLACEHOLDER_POINTS}"]
    lines += takeaways + [""]

    plan = plan_from_call(verdict, started_at=started_at, rep_name=rep_name or "me", prospect_name="you",
                          found=found)
    rows = [s for s in plan.steps if s.kind == "step" or (s.kind == "material" and not found.materials)]
    if agreed:
        lines.append("Agreed next steps:")
        lines += [f"- {s.action} - owner: {s.owner}" + (f" - by {_by(s.date)}" if s.date or not trigger else "")
                  for s in rows]
        lines.append("")
    elif action:
        lines.append("Suggested next step:")
        lines.append(f"- {action}")
        if when is not None:
            lines.append(
                f"- When: {human_when(when)}. Does that work on your end? I'll send the invite as soon as you confirm."
            )
        else:
            lines.append("- When: would [day] at [time] work for you? I'll send the invite as soon as you confirm.")
        lines.append("")
    else:
        lines.append("Next step:")
        lines.append(
            "- Could we get 30 minutes on [day] at [time] to decide on next steps? I'll send the invite as soon as you confirm."
        )
        lines.append("")

    if found.materials:
        lines.append("Materials promised:")
        for m in found.materials:
            who = (rep_name or "me") if m.owner == "rep" else (prospect or "you")
            due = human_when(m.due) if m.due is not None else (m.due_said or "[date]")
            lines.append(f"- {m.what[:1].upper()}{m.what[1:]} - from {who}, by {due}")
        lines.append("")

    if agreed and when is not None:
        lines += _meeting_lines(verdict, when, rep_name, prospect, meeting)
        lines.append(f"Looking forward to the {action} on {_on(when)}.")
    elif agreed and trigger:
        lines.append("As soon as that happens, let me know and we'll put the next step on the calendar right away.")
        lines.append("")
        lines.append(f"Looking forward to the {action}.")
    else:
        lines.append("Looking forward to hearing from you.")
    lines.append("")
    lines.append("If anything changes before then, just reply to this email.")
    lines += ["", "Best,", one_line(rep_name) or "[Your name]", ""]
    return "\n".join(lines)


def _meeting_lines(verdict: Verdict, when: date, rep_name: str | None, prospect: str | None,
                   meeting: CalendarEvent | None) -> list[str]:
    step = verdict.next_step
    lines = ["Scheduled meeting:", f"- What: {_action(verdict)[:1].upper()}{_action(verdict)[1:]}",
             f"- Date: {_short_day(when)}, {when.year}"]
    if isinstance(when, datetime):
        minutes = (step.length_minutes if step is not None else None) or _DEFAULT_MINUTES
        end = when + timedelta(minutes=minutes)
        lines.append(f"- Time: {_clock(when)} - {_clock(end)} ({minutes} minutes)")
    lines.append(f"- Attendees: {', '.join(attendee_names(verdict, rep_name, prospect, meeting))}")
    if verdict.commitment_level == 5:
        lines.append("- You should already have the calendar invite.")
    else:
        lines.append("- I'll send you the calendar invite today.")
    return lines + [""]


def recap_eml(
    verdict: Verdict,
    to: str | None = None,
    subject: str | None = None,
    *,
    rep_name: str | None = None,
    prospect_name: str | None = None,
    sender: str | None = None,
    body: str | None = None,
    started_at: datetime | None = None,
    meeting: CalendarEvent | None = None,
) -> bytes:
    """The recap as an RFC 5322 message (CRLF line ends) that mail clients open as an unsent draft.

    ``From`` is set only when ``sender`` is given; otherwise the mail client fills it in as it does
    for any draft. ``body`` is the text the rep edited in the app; without it the template is drafted.
    """
    message = EmailMessage(policy=SMTP)
    try:
        if sender:
            message["From"] = sender
        if to:
            message["To"] = to
        message["Subject"] = one_line(subject) if subject else recap_subject(verdict, meeting)
    except (ValueError, TypeError) as exc:
        raise InputError(f"cannot build the recap email: {one_line(exc)}") from None
    message["Date"] = format_datetime(datetime.now().astimezone())
    message["Message-ID"] = make_msgid(domain="call-copilot.local")
    message["X-Unsent"] = "1"
    text = body if body is not None else recap_text(verdict, rep_name=rep_name, prospect_name=prospect_name,
                                                    started_at=started_at, meeting=meeting)
    message.set_content(text)
    return message.as_bytes()
