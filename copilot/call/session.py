"""The call in progress: final utterances in; journal, coach and events out.

Every way a call happens (file analysis, live capture, the demo replay, the app) goes through this one
object, so there is exactly one place where a final utterance is made durable before it is shown, and
one place where the coach reads it.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from copilot.call.events import EventSink, Finished, InviteReady, Problem, StateChanged, Transcribed
from copilot.coach import Coach
from copilot.coach.state import CloseState, Verdict
from copilot.errors import CopilotError, OutputError
from copilot.export.invite import InviteWriter
from copilot.session.utterance import Utterance

if TYPE_CHECKING:
    from copilot.calendar import CalendarEvent
    from copilot.call.config import Config

log = logging.getLogger(__name__)

NO_VERDICT_REASON = "No verdict: the coach failed (a bug, logged)."
NO_VERDICT_NOTE = "The coach failed on this call (a bug, logged); the transcript is complete, the verdict is not."


class Journal(Protocol):
    """Durable storage for the call in progress (``copilot.store.journal.CallJournal`` is the real one)."""

    def append(self, utterance: Utterance) -> None:
        """Write one final utterance durably; raise OutputError when the disk refuses."""

    def finish(self, utterances: tuple[Utterance, ...], verdict: Verdict | None, status: str) -> int | None:
        """Record the whole call (every final utterance, and the verdict) and close the journal."""


class CallSession:
    """Feeds final utterances to the coach, journals them first, and publishes events.

    Thread-safe: the transcriber worker calls ``add``; another thread may call ``finish``. A bug in the coach
    is logged and shown as a bug; the utterance is kept and shown all the same.

    As soon as the other side agrees a step with a date and a time, its invite is written (``invites``; by default
    into a private temporary folder) and ``InviteReady`` published, while the call is still on; again whenever the
    agreed time or length changes, never for a time that was only proposed.
    """

    def __init__(self, coach: Coach, on_event: EventSink | None = None, journal: Journal | None = None,
                 invites: InviteWriter | None = None) -> None:
        self._coach = coach
        self._invites = invites  # made on the first invite when not given
        self._invite_key: tuple[datetime, int | None] | None = None  # the agreed time and length last written
        self._emit = on_event or (lambda event: None)
        self._journal = journal
        self._journal_failed = False
        self._coach_failed = False
        self._lock = threading.Lock()
        self._utterances: list[Utterance] = []
        self._finished: Verdict | None = None

    @property
    def utterances(self) -> tuple[Utterance, ...]:
        with self._lock:
            return tuple(self._utterances)

    @property
    def state(self) -> CloseState:
        with self._lock:
            return self._coach.state

    def partial(self, utterance: Utterance, emitted_at: float) -> None:
        """Interim text: shown, never stored."""
        self._emit(Transcribed(utterance, emitted_at))

    def add(self, utterance: Utterance, emitted_at: float) -> CloseState:
        """A final utterance: journal it, then show it, then update the coach."""
        bug = None
        with self._lock:
            if self._finished is not None:
                raise RuntimeError("the call has already finished")
            self._write_journal(utterance)
            self._utterances.append(utterance)
            before = self._coach.state
            if not self._coach_failed:
                try:
                    self._coach.feed(utterance)
                except Exception as exc:  # a bug in the coach must not cost the transcript
                    log.exception("the coach failed on %r", utterance.text)
                    self._coach_failed = True
                    bug = f"the coach failed ({type(exc).__name__}: {exc}) — this is a bug; the transcript goes on"
            state = self._coach.state
        self._emit(Transcribed(utterance, emitted_at))
        if bug is not None:
            self._emit(Problem(bug, bug=True))
        if state != before:
            self._emit(StateChanged(state, emitted_at))
            self._offer_invite(state, emitted_at)
        return state

    @property
    def invites(self) -> InviteWriter:
        """Where this call's invites go: the one given, else a private temporary folder (the coach's call date)."""
        if self._invites is None:
            self._invites = InviteWriter(None, self._coach.call_date, vertical=self._coach.vertical)
        return self._invites

    def _offer_invite(self, state: CloseState, t: float) -> None:
        """Write and publish the invite when a step with a time is newly agreed (or its time or length changed)."""
        step = state.next_step
        if not state.next_steps_secured or step is None or step.when is None or not step.when_has_time:
            if not state.next_steps_secured:
                self._invite_key = None  # taken back or being renegotiated: the same time agreed again is news
            return
        key = (step.when, step.length_minutes)
        if key == self._invite_key:
            return
        self._invite_key = key
        texts = [u.text for u in reversed(self.utterances)]  # the latest words restore a name's case first
        try:
            written = self.invites.write(step, agreed=True, texts=texts, recap=state.stages["summarize"].evidence[:1])
        except CopilotError as exc:
            self._report(f"{exc}; the invite is in the exports when the call ends")
            return
        except Exception as exc:  # a bug in the invite must not cost the call
            log.exception("the invite could not be written")
            self._emit(Problem(f"the invite could not be written ({type(exc).__name__}: {exc}) — this is a bug",
                               bug=True))
            return
        if written is not None:
            path, invite = written
            self._emit(InviteReady(t, path, invite.start, invite.minutes, invite.summary, invite.attendees,
                                   invite.uid, invite.sequence))

    def finish(self, status: str = "complete") -> Verdict:
        """End the call once: compute the verdict, hand the whole call to the journal, publish the verdict."""
        with self._lock:
            if self._finished is None:
                self._finished = self._verdict()
                if self._journal is not None:
                    # Even after a failed append: the journal saves every utterance held here.
                    try:
                        self._journal.finish(tuple(self._utterances), self._finished, status)
                    except OutputError as exc:
                        self._report(str(exc))
            verdict = self._finished
        self._emit(Finished(verdict, status))
        return verdict

    def _verdict(self) -> Verdict:
        try:
            return self._coach.verdict()
        except Exception as exc:  # a bug: the call is still saved, with the verdict computed so far missing
            log.exception("the coach could not give its verdict")
            self._emit(Problem(f"the coach could not give its verdict ({type(exc).__name__}) — this is a bug",
                               bug=True))
            from copilot.coach import initial_state

            return Verdict(state=initial_state(), reason=NO_VERDICT_REASON, utterances=tuple(self._utterances),
                           notes=(NO_VERDICT_NOTE,), vertical=self._coach.vertical)

    def _write_journal(self, utterance: Utterance) -> None:
        if self._journal is None or self._journal_failed:
            return
        try:
            self._journal.append(utterance)
        except OutputError as exc:
            # A full disk must not stop the call: keep going in memory and say so once.
            self._journal_failed = True
            self._report(f"{exc}; the call goes on in memory — export it before closing")

    def _report(self, message: str) -> None:
        log.warning(message)
        self._emit(Problem(message))


def invites_for_call(config: Config, started_at: datetime, meeting: CalendarEvent | None = None) -> InviteWriter:
    """How a call's invites are written: into ``<data folder>/invites`` when the call is kept (a private temporary
    folder when nothing is), as long as Settings' usual meeting when no length was said, for the people named and
    the calendar meeting's attendees, without the rep."""
    return InviteWriter(config.data_dir / "invites" if config.save else None, started_at, vertical=config.vertical,
                        default_minutes=config.working_hours.meeting_minutes,
                        meeting_attendees=meeting.attendees if meeting is not None else (),
                        leave_out=(config.rep_name,) if config.rep_name else ())


def call_date_now() -> datetime:
    """The call's date for a live call: now, local time, to the second."""
    return datetime.now().replace(microsecond=0)
