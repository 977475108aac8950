"""Every export of one call into one folder: what ``--out DIR``, ``demo --out`` and the app's export share.

Besides the transcript, the verdict, the recap and the invite, the folder holds the mutual action plan
(``action_plan.md`` and ``action_plan.csv``: the account's plan when the caller carried one across calls, else the
plan this call starts), and the PDF report includes it.

The folder is checked before anything is written, so an unwritable ``--out`` fails with one line and
no partial result. Each file is rendered first and then written atomically; if the disk fills up
midway, the files already written stay complete, the one being written is not left half-done, and the
error is raised for the caller to report.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from pathlib import Path

from copilot.actionplan.heard import heard
from copilot.actionplan.people import names_on_call
from copilot.actionplan.plan import ActionPlan, plan_csv, plan_from_call, plan_markdown
from copilot.calendar.events import CalendarEvent
from copilot.coach.state import Verdict
from copilot.export.atomic import ensure_output_dir, write_atomic
from copilot.export.invite import next_step_ics
from copilot.export.recap_email import recap_eml
from copilot.export.transcript_formats import to_json, to_markdown, to_srt, to_txt, to_vtt
from copilot.export.verdict_report import verdict_markdown, verdict_pdf
from copilot.export._fmt import resolve_labels
from copilot.session.utterance import Utterance

log = logging.getLogger(__name__)

EXPORT_NAMES = (
    "transcript.txt",
    "transcript.md",
    "transcript.srt",
    "transcript.vtt",
    "transcript.json",
    "verdict.json",
    "verdict.md",
    "verdict.pdf",
    "recap.eml",
    "action_plan.md",
    "action_plan.csv",
    "next_step.ics",
)


def verdict_json(verdict: Verdict) -> str:
    """Exactly the verdict object, as ``copilot analyze --json`` prints it (indented)."""
    return json.dumps(verdict.to_json(), indent=2, ensure_ascii=False)


def call_start(started_at: datetime | str | None) -> datetime | None:
    """The call's start as a naive local datetime (what the coach resolves spoken dates against), or None."""
    if started_at is None:
        return None
    if isinstance(started_at, datetime):
        parsed = started_at
    else:
        try:
            parsed = datetime.fromisoformat(started_at)
        except ValueError:
            log.warning("the call's start %r is not an ISO time; the recap's by-dates stay as said", started_at)
            return None
    return parsed.astimezone().replace(tzinfo=None) if parsed.tzinfo is not None else parsed


def write_exports(
    out_dir: Path | str,
    utterances: Iterable[Utterance] | None,
    verdict: Verdict,
    *,
    started_at: datetime | str | None = None,
    vertical: str | None = None,
    speakers_separated: bool = True,
    labels: Mapping[str, str] | None = None,
    meeting: CalendarEvent | None = None,
    rep_name: str | None = None,
    plan: ActionPlan | None = None,
    recap: str | None = None,
) -> list[Path]:
    """Write all exports of a call into ``out_dir``; return the paths written, in order.

    ``utterances`` None means: the verdict's own; ``vertical`` None: the verdict's (it names the speakers:
    "Candidate" on a recruiting call; ``labels`` overrides them). ``next_step.ics`` is written only when the
    verdict's next step has a resolved date/time. ``meeting`` (the rep's calendar's meeting this call was) and
    ``rep_name`` fill the recap's names; ``plan`` is the account's action plan (None: the one this call starts);
    ``recap`` is the recap text the rep edited (None: drafted from the template). Raises ``OutputError``.
    """
    folder = ensure_output_dir(out_dir)
    spoken = list(verdict.utterances if utterances is None else utterances)
    speakers = resolve_labels(labels, vertical or verdict.vertical)
    call_date = call_start(started_at)
    found = heard(verdict, call_date)
    rep, prospect = names_on_call(verdict, rep_name, None, meeting)
    account_plan = plan if plan is not None else plan_from_call(verdict, started_at=call_date, rep_name=rep,
                                                                prospect_name=prospect, found=found)

    renderers: list[tuple[str, Callable[[], str | bytes | None]]] = [
        ("transcript.txt", lambda: to_txt(spoken, speakers)),
        ("transcript.md", lambda: to_markdown(spoken, speakers, started_at=started_at)),
        ("transcript.srt", lambda: to_srt(spoken, speakers)),
        ("transcript.vtt", lambda: to_vtt(spoken, speakers)),
        (
            "transcript.json",
            lambda: to_json(spoken, started_at=started_at, vertical=vertical, speakers_separated=speakers_separated),
        ),
        ("verdict.json", lambda: verdict_json(verdict)),
        ("verdict.md", lambda: verdict_markdown(verdict, speakers)),
        ("verdict.pdf", lambda: verdict_pdf(verdict, speakers, plan=account_plan)),
        ("recap.eml", lambda: recap_eml(verdict, rep_name=rep_name, body=recap, started_at=call_date,
                                        meeting=meeting)),
        ("action_plan.md", lambda: plan_markdown(account_plan)),
        ("action_plan.csv", lambda: plan_csv(account_plan)),
        # the same UID and people as the invite offered during the call, so importing both gives one event
        ("next_step.ics", lambda: next_step_ics(verdict, started_at=call_date,
                                                meeting_attendees=meeting.attendees if meeting is not None else (),
                                                leave_out=(rep_name,) if rep_name else ())),
    ]
    written: list[Path] = []
    for name, render in renderers:
        data = render()
        if data is None:
            # An invite left by an earlier export of this folder would contradict this verdict.
            (folder / name).unlink(missing_ok=True)
            continue
        written.append(write_atomic(folder / name, data))
    log.info("wrote %d exports to %s", len(written), folder)
    return written
