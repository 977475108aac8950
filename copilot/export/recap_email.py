"""The recap email the rep sends right after the call, drafted from the verdict.

It follows the method: thank them, play back what was heard, restate the agreed next step with its date
and time (or trigger), and say what happens before then. When no next step was secured it proposes one
and asks for a time instead of pretending one was agreed. The ``.eml`` is marked ``X-Unsent: 1`` so
Outlook, Thunderbird and Apple Mail open it as a draft for the rep to edit and send; nothing is sent.
"""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid

from copilot.coach.state import Verdict
from copilot.errors import InputError
from copilot.export._fmt import human_when, one_line, step_when

_PLACEHOLDER_POINTS = "[the key points you heard: their goals, the problem, and their timing]"


def _agreed(verdict: Verdict) -> bool:
    ack = verdict.criteria.get("acknowledged")
    return (ack is not None and ack.met) or verdict.next_steps_secured


def _action(verdict: Verdict) -> str:
    step = verdict.next_step
    return one_line(step.action if step is not None else None).rstrip(".")


def _heard(verdict: Verdict) -> list[str]:
    summary = verdict.stages.get("summarize")
    return [one_line(ev.text) for ev in (summary.evidence if summary is not None else ()) if one_line(ev.text)]


def recap_subject(verdict: Verdict) -> str:
    """ "Recap and next step: <action>, <when>" when one was agreed, else a plain recap subject."""
    action = _action(verdict)
    when = step_when(verdict.next_step)
    if action and _agreed(verdict):
        subject = f"Recap and next step: {action[:1].upper()}{action[1:]}"
        return f"{subject}, {human_when(when)}" if when is not None else subject
    return "Thanks for today - recap and next steps"


def recap_text(
    verdict: Verdict,
    rep_name: str | None = None,
    prospect_name: str | None = None,
) -> str:
    """The recap email body as plain text (a draft: bracketed parts are for the rep to fill in)."""
    action = _action(verdict)
    when = step_when(verdict.next_step)
    trigger = one_line(verdict.next_step.trigger if verdict.next_step is not None else None).rstrip(".")
    agreed = _agreed(verdict) and bool(action)
    level = verdict.commitment_level

    lines = [f"Hi {one_line(prospect_name) or 'there'},", "", "Thank you for your time today.", ""]

    lines.append("Here is what I heard:")
    lines += [f"- {point}" for point in _heard(verdict)] or [f"- {_PLACEHOLDER_POINTS}"]
    lines.append("")

    if agreed:
        lines.append("What we agreed:")
        lines.append(f"- Next step: {action}")
        if when is not None:
            lines.append(f"- When: {human_when(when)}")
        elif trigger:
            lines.append(f"- When: {trigger}")
        lines.append("")
        lines.append("Before then:")
        if when is not None and level == 5:
            lines.append(f"- You should already have the calendar invite for {human_when(when)}.")
        elif when is not None:
            lines.append(f"- I'll send you a calendar invite for {human_when(when)} today.")
        elif trigger:
            lines.append(
                "- As soon as that happens, let me know and we'll put the next step on the calendar right away."
            )
        lines.append("- [anything either of us will prepare or send before then]")
    elif action:
        lines.append("Suggested next step:")
        lines.append(f"- {action}")
        if when is not None:
            lines.append(
                f"- When: {human_when(when)}. Does that work on your end? I'll send the invite as soon as you confirm."
            )
        else:
            lines.append("- When: would [day] at [time] work for you? I'll send the invite as soon as you confirm.")
    else:
        lines.append("Next step:")
        lines.append(
            "- Could we get 30 minutes on [day] at [time] to decide on next steps? I'll send the invite as soon as you confirm."
        )
    lines.append("")
    lines.append("If anything changes before then, just reply to this email.")
    lines += ["", "Best,", one_line(rep_name) or "[Your name]", ""]
    return "\n".join(lines)


def recap_eml(
    verdict: Verdict,
    to: str | None = None,
    subject: str | None = None,
    *,
    rep_name: str | None = None,
    prospect_name: str | None = None,
    sender: str | None = None,
) -> bytes:
    """The recap as an RFC 5322 message (CRLF line ends) that mail clients open as an unsent draft.

    ``From`` is set only when ``sender`` is given; otherwise the mail client fills it in as it does
    for any draft.
    """
    message = EmailMessage(policy=SMTP)
    try:
        if sender:
            message["From"] = sender
        if to:
            message["To"] = to
        message["Subject"] = one_line(subject) if subject else recap_subject(verdict)
    except (ValueError, TypeError) as exc:
        raise InputError(f"cannot build the recap email: {one_line(exc)}") from None
    message["Date"] = format_datetime(datetime.now().astimezone())
    message["Message-ID"] = make_msgid(domain="call-copilot.local")
    message["X-Unsent"] = "1"
    message.set_content(recap_text(verdict, rep_name=rep_name, prospect_name=prospect_name))
    return message.as_bytes()
