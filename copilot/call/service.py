"""The call service: the one Qt-free place where a call is put together.

``copilot live``, ``copilot demo``, the app and ``copilot analyze`` all come through here, so they cannot
drift apart: one speech model per process (cached), one rule for the call's date, the canonical vertical,
one data folder, the journal opened before the first word, the recorder when the user keeps audio, the
closing-mode clock, and one stream of typed events. The UI renders the events and forwards the user's
actions; the CLI prints them.
"""

from __future__ import annotations

import logging
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from copilot.call.closing import ClosingClock
from copilot.call.config import Config
from copilot.call.events import ClosingMode, EventSink, Problem, Started
from copilot.call.session import CallSession, invites_for_call
from copilot.coach.state import Verdict
from copilot.errors import CopilotError, DeviceError
from copilot.session.transcript import Transcript
from copilot.session.utterance import Utterance
from copilot.store.records import CallSummary

if TYPE_CHECKING:
    from copilot.asr.live import LivePipeline
    from copilot.asr.transcriber import Transcriber
    from copilot.audio.devices import DeviceReport
    from copilot.audio.frames import CallClock
    from copilot.audio.recorder import CallRecorder
    from copilot.audio.source import AudioSource
    from copilot.actionplan.plan import ActionPlan
    from copilot.calendar import CalendarEvent, CalendarSource
    from copilot.diarize.sample import VoiceSample
    from copilot.followups import StoredFollowUp
    from copilot.coach import Coach
    from copilot.store import Store
    from copilot.store.journal import CallJournal

log = logging.getLogger(__name__)

Progress = Callable[[float, float], None]  # (seconds of audio done, seconds in all)
MONO_NOTE = "the recording is mono: speakers are told apart by turn-taking alone"


def usable_config(config: Config) -> tuple[Config, str | None]:
    """The configuration with data folders that exist (created private), or a temporary folder and the reason:
    the app still opens when its folder cannot be made."""
    from copilot.store.paths import ensure_private_dir

    try:
        ensure_private_dir(config.home)
        ensure_private_dir(config.data_dir)
        return config, None
    except CopilotError as exc:
        fallback = Path(tempfile.mkdtemp(prefix="call-copilot-"))
        return replace(config, home=fallback, data_dir=fallback), \
            f"{exc}; using {fallback} for now (nothing will be kept after you quit)"


def call_started_at(*, given: datetime | None = None, recorded: datetime | None = None) -> datetime:
    """The call's date (DESIGN.md): what the user or the transcript says, else the recording's time, else now."""
    when = given or recorded or datetime.now()
    if when.tzinfo is not None:
        when = when.astimezone().replace(tzinfo=None)
    return when.replace(microsecond=0)


@dataclass(frozen=True)
class CalendarPlan:
    """What the rep's calendar says about a call: the meeting in progress at its start and free slots to offer."""

    meeting: CalendarEvent | None = None
    slots: tuple[datetime, ...] = ()


def attribution_note(attribution: object) -> str | None:
    """How a mono recording's speakers were told apart, in one sentence for the verdict's notes (None when the
    speakers came on their own channels or from a transcript)."""
    if not isinstance(attribution, dict):
        return None
    if attribution.get("method") == "voice":
        if attribution.get("rep") == "profile":
            return "The rep's voice was recognised from their voice profile."
        return ("Which voice is the rep's was decided by who proposes and asks more (no voice profile yet: "
                "`copilot voice enroll`, or analyze one of the rep's stereo calls).")
    reason = attribution.get("note")
    return f"The voices could not be told apart by their sound ({reason})." if isinstance(reason, str) and reason \
        else None


@dataclass(frozen=True)
class VoiceStatus:
    """The rep's voice profile as the app shows it: the seconds of speech behind it and when it last changed."""

    seconds: float
    updated: str

    def describe(self) -> str:
        return f"enrolled from {self.seconds:.0f} s of your speech (updated {self.updated[:10]})"


@dataclass(frozen=True)
class AnalyzedCall:
    """A recording or transcript after analysis: what was said, when the call was, and the verdict."""

    transcript: Transcript
    started_at: datetime
    vertical: str
    verdict: Verdict
    call_id: int | None = None  # in the history, when it was saved
    meeting: CalendarEvent | None = None  # the rep's calendar's meeting at the call's start, when there is one
    plan: ActionPlan | None = None  # the account's mutual action plan after this call


@dataclass(frozen=True)
class RecoveredCall:
    """A call that died (crash, kill, power cut) and was put back into the history from its journal."""

    call_id: int
    started_at: str
    utterance_count: int


@dataclass(frozen=True)
class History:
    """The last calls, newest first, and the pattern across them (``copilot.store.patterns``)."""

    calls: tuple[CallSummary, ...]
    pattern: dict[str, Any]


class RunningCall:
    """A call in progress. When its sources end, or ``stop`` is called, the session finishes once and the
    verdict is published (``Finished``); the pipeline's own worker does that, no thread of its own."""

    def __init__(self, service: CallService, pipeline: LivePipeline, session: CallSession,
                 journal: CallJournal | None, recorder: CallRecorder | None, started_at: datetime,
                 voice: VoiceSample | None = None) -> None:
        self.service = service
        self.voice = voice
        self.meeting: CalendarEvent | None = None  # the calendar's meeting in progress at the start (title, people)
        self.plan: ActionPlan | None = None  # the account's action plan after the call
        self.pipeline = pipeline
        self.session = session
        self.journal = journal
        self.recorder = recorder
        self.started_at = started_at
        self.verdict: Verdict | None = None
        self._ended = threading.Event()

    def _on_pipeline_done(self) -> None:
        """Called once by the pipeline's worker after the last final was transcribed."""
        try:
            if self.recorder is not None:
                self.recorder.close()
            self.verdict = self.session.finish()
            self.plan = self.service.action_plan(self.verdict, self.started_at, self.meeting, log.warning)
            if self.voice is not None:
                from copilot.diarize.profile import VoiceProfileStore

                self.voice.enrol(VoiceProfileStore(self.service.config.data_dir))
        finally:
            self._ended.set()

    def stop(self) -> None:
        """End the call: close the sources, transcribe what is left, publish the verdict; blocks until then."""
        self.pipeline.stop()
        self._ended.wait()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the call has ended and its verdict is out; True when it has."""
        return self._ended.wait(timeout)

    @property
    def utterances(self) -> tuple[Utterance, ...]:
        return self.session.utterances


class CallService:
    """Puts calls together from a ``Config``. Constructing it does no I/O; the model loads on first need."""

    def __init__(self, config: Config) -> None:
        self._config = config
        self._models: dict[tuple[str, int], Transcriber] = {}
        self._models_lock = threading.Lock()
        self._calendar: CalendarSource | None = None

    @property
    def config(self) -> Config:
        return self._config

    def reconfigure(self, config: Config) -> None:
        """New settings from the user; the next call uses them (a loaded model stays cached)."""
        self._config = config

    # -- the speech model ----------------------------------------------------------------------------------
    def transcriber(self) -> Transcriber:
        """The configured speech model, loaded once per process (ModelError when it cannot be)."""
        cfg = self._config
        key = (cfg.model or "", cfg.cpu_threads)
        with self._models_lock:
            if key not in self._models:
                from copilot.asr.transcriber import Transcriber

                self._models[key] = Transcriber.load(cfg.model, cpu_threads=cfg.cpu_threads,
                                                     allow_download=cfg.allow_download)
            return self._models[key]

    def _transcriber_for(self, meeting: CalendarEvent | None) -> Transcriber:
        """The speech model set, for the call about to start, to expect its names: the calendar meeting's people
        and title, then the Settings list, then the playbook's (one call at a time uses the cached model)."""
        from copilot.asr.vocabulary import event_terms, model_vocabulary

        model = self.transcriber()
        extra = event_terms(meeting.title, meeting.attendees) if meeting is not None else ()
        model.set_vocabulary(model_vocabulary(self._config.vocabulary, self._config.vertical, extra=extra))
        return model

    # -- the rep's calendar ----------------------------------------------------------------------------------
    def calendar(self) -> CalendarSource | None:
        """The rep's calendar files (``--calendar``, Settings), or None when none are set; kept for the process so
        a file is parsed again only when it changes."""
        cfg = self._config
        if not cfg.calendars:
            return None
        with self._models_lock:
            if self._calendar is None or self._calendar.paths != cfg.calendars:
                from copilot.calendar import CalendarSource

                self._calendar = CalendarSource(cfg.calendars)
            return self._calendar

    def plan_from_calendar(self, started_at: datetime, report: Callable[[str], None]) -> CalendarPlan:
        """The meeting in progress at the call's start and the first free slots after it; each calendar problem
        (a missing or broken file) is reported in one line and the call goes on without what it held."""
        source = self.calendar()
        if source is None:
            return CalendarPlan()
        meeting = source.meeting_at(started_at)
        slots = source.free_slots(started_at, self._config.working_hours)
        for problem in source.problems:
            report(problem)
        if meeting is not None:
            log.info("the meeting in progress: %r until %s with %s", meeting.title, meeting.end, meeting.attendees)
        return CalendarPlan(meeting, slots)

    def prepare(self) -> None:
        """Load everything a call needs before it starts (the speech model, the coach's learned reader), so the
        first words of the call do not wait for a model; the app runs this as a background job."""
        self.transcriber()
        from copilot.coach.learned import default_reader

        default_reader()

    # -- live calls ----------------------------------------------------------------------------------------
    def start_live(self, sink: EventSink, *, started_at: datetime | None = None) -> RunningCall:
        """A call on the microphone and system audio chosen in the configuration (its date: now, unless given)."""
        from copilot.audio.capture import open_live_sources
        from copilot.audio.frames import MonotonicClock

        cfg = self._config
        sources, problems = open_live_sources(cfg.mic, cfg.system_source)
        if not sources:
            raise DeviceError("nothing to listen to: " + "; ".join(problems or ["no audio device found"]))
        return self._begin(sources, MonotonicClock(), sink, call_started_at(given=started_at), "live", problems)

    def start_replay(self, path: str | Path, speed: float | None, sink: EventSink, *, source: str | None = None,
                     as_live: bool = False, started_at: datetime | None = None) -> RunningCall:
        """A recording played through the live pipeline at ``speed`` × real time (None: as fast as it goes).

        The call's date is the recording's; ``as_live`` (the demo) makes it now, as if the call were happening.
        """
        from copilot.audio.replay import FileReplay

        replay = FileReplay(path, speed)
        recorded = None if as_live else datetime.fromtimestamp(Path(path).stat().st_mtime)
        problems = [MONO_NOTE] if replay.mono else []
        return self._begin(list(replay.sources), replay.clock, sink,
                           call_started_at(given=started_at, recorded=recorded),
                           source or str(Path(path).resolve()), problems)

    def _begin(self, sources: Sequence[AudioSource], clock: CallClock, sink: EventSink, started_at: datetime,
               source: str, problems: Sequence[str]) -> RunningCall:
        from copilot.asr.live import LivePipeline

        cfg = self._config
        plan = self.plan_from_calendar(started_at, lambda message: sink(Problem(message)))
        transcriber = self._transcriber_for(plan.meeting)
        recorder = self._recorder(started_at, sink) if cfg.keep_audio and cfg.save else None
        journal = self._journal(started_at, source, recorder, sink) if cfg.save else None
        session = CallSession(self._coach(started_at, plan.slots), on_event=sink, journal=journal,
                              invites=invites_for_call(cfg, started_at, plan.meeting))
        closing = ClosingClock(self._planned_seconds(started_at, plan.meeting))

        def tick(now: float) -> None:
            if closing.update(now):
                sink(ClosingMode(now, closing.planned_end_s))

        voice = self._voice_sample(sources)
        pipeline = LivePipeline(sources, transcriber, session, clock, on_event=sink, recorder=recorder, on_tick=tick,
                                on_final_audio=voice.add if voice is not None else None)
        call = RunningCall(self, pipeline, session, journal, recorder, started_at, voice)
        call.meeting = plan.meeting
        pipeline.on_done = call._on_pipeline_done
        sink(Started(started_at.isoformat(), source, cfg.vertical))
        for message in problems:
            sink(Problem(message))
        try:
            pipeline.start()
        except DeviceError:
            if journal is not None:
                journal.discard()
            if recorder is not None:
                recorder.close()
            raise
        return call

    def _voice_sample(self, sources: Sequence[AudioSource]) -> VoiceSample | None:
        """The rep's speech to keep their voice profile fresh: only when the two sides come from separate sources
        (the microphone is then the rep alone) and the user keeps calls."""
        if not self._config.save or {s.speaker for s in sources} < {"rep", "prospect"}:
            return None
        from copilot.diarize.sample import VoiceSample

        return VoiceSample()

    def _coach(self, started_at: datetime, free_slots: Sequence[datetime] = ()) -> Coach:
        from copilot.coach import Coach

        return Coach(started_at, self._config.vertical, free_slots=free_slots)

    def _planned_seconds(self, started_at: datetime, meeting: CalendarEvent | None) -> float:
        """How long the call is planned to last, for closing mode (T−5 min): ``--planned-minutes`` when given, else
        until the end of the calendar's meeting in progress, else the Settings' planned length."""
        cfg = self._config
        if meeting is not None and not cfg.planned_minutes_given:
            left = (meeting.end - started_at).total_seconds()
            if left >= 60:
                return left
        return cfg.planned_minutes * 60.0

    def _journal(self, started_at: datetime, source: str, recorder: CallRecorder | None,
                 sink: EventSink) -> CallJournal | None:
        from copilot.store.journal import CallJournal

        return CallJournal.start_or_report(self._config.data_dir, started_at=started_at, source=source,
                                           vertical=self._config.vertical,
                                           audio_path=recorder.path if recorder is not None else None,
                                           on_problem=lambda message: sink(Problem(message)),
                                           keep_hint="export it before closing")

    def _recorder(self, started_at: datetime, sink: EventSink) -> CallRecorder | None:
        """A recorder for the call's audio when the user chose to keep it (Settings; off by default)."""
        from copilot.audio.recorder import CallRecorder
        from copilot.store.paths import ensure_private_dir

        try:
            folder = ensure_private_dir(self._config.data_dir / "recordings")
            return CallRecorder(folder / f"call-{started_at:%Y%m%d-%H%M%S}.flac")
        except CopilotError as exc:  # no recording must not mean no call
            sink(Problem(f"{exc}; the call goes on without keeping the audio"))
            return None

    # -- files ---------------------------------------------------------------------------------------------
    def read_call(self, path: Path, *, others: Sequence[Path] = (), progress: Progress | None = None,
                  started_at: datetime | None = None, on_problem: Callable[[str], None] | None = None) -> Transcript:
        """A transcript as it is, or a recording transcribed (InputError for what cannot be read).

        ``others``: one file per participant, ``path`` the rep's and these the other party's (mixed into one
        channel); the call is then read like the stereo file of the same call. Transcripts come alone.
        A recording is transcribed expecting the names of the calendar's meeting at the call's start (``started_at``,
        else when the recording began: its file time less its length); a mono one tells the voices apart with the
        rep's voice profile, which a stereo one updates unless nothing is to be kept.
        """
        from copilot.errors import InputError, UsageError
        from copilot.session.transcript import is_transcript_file, load_transcript

        for item in (path, *others):
            if not item.exists():
                raise InputError(f"{item}: no such file")
            if item.is_dir():
                raise InputError(f"{item}: is a folder, not a recording or transcript")
        transcripts = [item for item in (path, *others) if is_transcript_file(item)]
        if others and transcripts:
            raise UsageError(f"{transcripts[0]} is a transcript: give one transcript alone, or recordings only "
                             "(the rep's file first, then the other party's)")
        if is_transcript_file(path):
            transcript = load_transcript(path, rep=self._config.rep_name)  # which named speaker of captions is the rep
            if transcript.started_at is None:
                recorded = datetime.fromtimestamp(path.stat().st_mtime)
                transcript = Transcript(transcript.utterances, call_started_at(recorded=recorded),
                                        transcript.vertical, transcript.speakers_separated, transcript.meta)
            return transcript
        from copilot.asr.recording import transcribe_recording
        from copilot.audio.decode import load_audio, load_participants

        # Decoded once, before the model loads, so a bad file fails fast.
        audio = load_participants(path, others) if others else load_audio(path)
        log.info("%s: %.0f s of audio in %d channel(s); transcribing", path, audio.duration, len(audio.channels))
        began = call_started_at(given=started_at, recorded=audio.mtime - timedelta(seconds=audio.duration))
        plan = self.plan_from_calendar(began, on_problem or log.warning)
        from copilot.diarize.profile import VoiceProfileStore

        return transcribe_recording(audio, self._transcriber_for(plan.meeting), progress=progress,
                                    voices=VoiceProfileStore(self._config.data_dir), learn_voice=self._config.save)

    def analyze(self, transcript: Transcript, *, source: str, started_at: datetime | None = None,
                vertical: str | None = None, on_problem: Callable[[str], None] | None = None) -> AnalyzedCall:
        """The verdict on a whole call, recorded in the history unless the configuration says not to.

        A history that cannot be written is reported through ``on_problem``; the verdict stands.
        """
        from copilot.call.config import check_vertical
        from copilot.coach import Coach

        when = call_started_at(given=started_at or transcript.started_at)
        canonical = check_vertical(vertical or transcript.vertical or self._config.vertical)
        coach = Coach(when, canonical, speakers_separated=transcript.speakers_separated)
        for u in transcript.utterances:
            coach.feed(u)
        verdict = coach.verdict()
        note = attribution_note(transcript.meta.get("speaker_attribution"))
        if note:
            verdict = replace(verdict, notes=(*verdict.notes, note))
        # the calendar's problems were said when the recording was read
        meeting = self.plan_from_calendar(when, log.info).meeting if self._config.calendars else None
        call_id = None
        if self._config.save:
            from copilot.actionplan.people import names_on_call
            from copilot.followups import followups_for

            contact = names_on_call(verdict, self._config.rep_name, None, meeting)[1]
            try:
                with self.open_store() as store:
                    call_id = store.save_call(transcript.utterances, verdict, started_at=when, source=source,
                                              vertical=canonical,
                                              followups=followups_for(verdict, transcript.utterances, when,
                                                                      vertical=canonical, contact=contact))
            except CopilotError as exc:
                (on_problem or log.warning)(f"the call was not saved to the history: {exc}")
        plan = self.action_plan(verdict, when, meeting, on_problem or log.warning)
        return AnalyzedCall(transcript, when, canonical, verdict, call_id, meeting, plan)

    def action_plan(self, verdict: Verdict, started_at: datetime, meeting: CalendarEvent | None,
                    report: Callable[[str], None]) -> ActionPlan:
        """The mutual action plan this call belongs to: its steps, materials, dependencies and risks, merged into the
        account's plan and kept (unless nothing is to be kept); the account is ``--account``, else one heard, else
        the calendar meeting's. A plan that cannot be written is reported; the call's own plan is returned."""
        from copilot.actionplan.people import names_on_call
        from copilot.actionplan.plan import account_name, plan_from_call
        from copilot.actionplan.store import carry_forward

        cfg = self._config
        rep, other = names_on_call(verdict, cfg.rep_name, None, meeting)  # the same names as the recap's
        plan = plan_from_call(verdict, account=account_name(cfg.account, verdict, meeting), started_at=started_at,
                              rep_name=rep, prospect_name=other)
        if not cfg.save:
            return plan
        try:
            return carry_forward(cfg.data_dir, plan, started_at)
        except CopilotError as exc:
            report(f"the action plan was not saved: {exc}")
            return plan

    # -- the history ---------------------------------------------------------------------------------------
    def open_store(self) -> Store:
        from copilot.store import Store

        return Store.open(self._config.data_dir)

    def history(self, last: int | None = None) -> History:
        """The last ``last`` calls (all by default) and their pattern: the app's history view."""
        from copilot.store.patterns import pattern

        with self.open_store() as store:
            calls = store.list_calls(last)
        return History(tuple(calls), pattern(calls))

    def recover(self) -> list[RecoveredCall]:
        """Put every call that died (its journal left behind) into the history as interrupted, with its verdict."""
        from copilot.store.journal import recover_interrupted

        def judge(utterances: Sequence[Utterance], started_at: datetime, vertical: str) -> Verdict:
            from copilot.coach import analyze

            return analyze(list(utterances), started_at, vertical=vertical)

        found = recover_interrupted(self._config.data_dir, judge)
        if not found:
            return []
        with self.open_store() as store:
            calls = {c.id: c for c in store.list_calls()}
        return [RecoveredCall(i, calls[i].started_at if i in calls else "",
                              calls[i].utterance_count if i in calls else 0) for i in found]

    # -- follow-ups (derived and stored with each call by the store) ------------------------------------------
    def followups(self, include_done: bool = False) -> list[StoredFollowUp]:
        """The follow-ups across calls, soonest due first: the app's Follow-ups list."""
        with self.open_store() as store:
            return store.list_followups(include_done=include_done)

    def set_followup_done(self, followup_id: int, done: bool = True) -> StoredFollowUp:
        with self.open_store() as store:
            return store.mark_followup_done(followup_id, done)

    def snooze_followup(self, followup_id: int, until: datetime) -> StoredFollowUp:
        with self.open_store() as store:
            return store.snooze_followup(followup_id, until)

    # -- the rep's voice -------------------------------------------------------------------------------------
    def voice_profile(self) -> VoiceStatus | None:
        """What the rep's voice profile rests on, or None when there is none yet."""
        from copilot.diarize.profile import VoiceProfileStore

        profile = VoiceProfileStore(self._config.data_dir).load()
        return VoiceStatus(profile.seconds, profile.updated) if profile is not None else None

    def enrol_voice(self, seconds: int = 20) -> VoiceStatus:
        """Record ``seconds`` of the rep from the configured microphone and make their voice profile from it
        (DeviceError when the microphone cannot be opened, InputError when too little speech was heard)."""
        from copilot.diarize.enrol import enrol_audio, record_microphone
        from copilot.diarize.profile import VoiceProfileStore
        from copilot.store.paths import ensure_private_dir

        mic = self._config.mic
        audio = record_microphone(seconds, int(mic) if mic and mic.isdigit() else mic)  # an index, or part of a name
        ensure_private_dir(self._config.data_dir)
        profile = enrol_audio(VoiceProfileStore(self._config.data_dir), audio, "the microphone")
        return VoiceStatus(profile.seconds, profile.updated)

    def devices(self) -> DeviceReport:
        """The microphones and system-audio sources (``copilot devices`` and the settings dialog)."""
        from copilot.audio.devices import list_devices

        return list_devices()
