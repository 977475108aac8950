"""The live pipeline: sources → per-speaker endpointers → one transcriber worker → the call session.

Two long-lived threads. The *capture* thread reads every source (resampling and gap filling happen in
``source.read``), feeds the echo gate and the endpointers, publishes levels, and notices devices that
went away. The *worker* owns the model: finals first and never dropped; a newer partial replaces an
older one of the same speaker; partials that have gone stale while the worker was busy are skipped. A
turn is offered as a speculative final at its first short pause, so by the time the end-of-turn silence
has passed its text is usually ready and the final costs nothing more.

Every time is on the call clock; ``emitted_at`` is the clock when the text became available.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from copilot.asr.dedupe import DuplicateFilter, EchoGate
from copilot.asr.endpointer import Endpointer, EndpointerConfig, Segment
from copilot.asr.transcriber import limit_blas_threads
from copilot.audio.frames import CallClock, Frame, dbfs
from copilot.audio.source import AudioSource
from copilot.errors import DeviceError
from copilot.session.events import Lag, Level, Problem, SignalSink
from copilot.session.utterance import PROSPECT, REP, Utterance

log = logging.getLogger(__name__)

MAX_HOLD = 2.0  # seconds of microphone audio that may wait for the system audio before going on without it
STOP_GRACE = 5.0  # seconds a device may take to close when the call ends; then the call ends without it
UNTRANSCRIBED = "[speech that could not be transcribed]"


class SpeechToText(Protocol):
    """What the worker needs from ``copilot.asr.transcriber.Transcriber``."""

    def transcribe(self, audio: np.ndarray, *, partial: bool = False) -> Any:  # -> object with .text
        ...


class Session(Protocol):
    """What the pipeline needs from ``copilot.call.session.CallSession``."""

    def partial(self, utterance: Utterance, emitted_at: float) -> None: ...

    def add(self, utterance: Utterance, emitted_at: float) -> Any: ...


@dataclass(frozen=True)
class LiveConfig:
    endpointer: EndpointerConfig = field(default_factory=EndpointerConfig)
    echo_gate: bool = True  # drop the other party's voice leaking into the microphone (loudspeakers)
    duplicate_filter: bool = True
    speculative: bool = True  # transcribe at the first pause so the final is ready at end of turn
    partials: bool = True
    partial_max_age: float = 0.6  # a partial whose audio is older than this when the worker is free is skipped
    reference_wait: float = 0.25  # how long a microphone frame may wait for the system audio of the same time
    level_every: float = 0.1
    stall_after: float = 3.0  # a live device silent this long is checked for having gone away
    poll: float = 0.02
    warm_up: bool = True


@dataclass
class LiveStats:
    """Counters for the benchmark and the logs."""

    transcriptions: dict[str, int] = field(default_factory=lambda: {"partial": 0, "pause": 0, "final": 0})
    transcribe_seconds: float = 0.0
    reused_finals: int = 0
    skipped_partials: int = 0
    cancelled_pauses: int = 0
    empty_finals: int = 0
    duplicates_dropped: int = 0
    echo_frames: int = 0
    dropped_blocks: int = 0
    max_lag: float = 0.0


class _Work:
    """The worker's queue: finals (FIFO, never dropped) and at most one pause and one partial per speaker."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.finals: deque[Segment] = deque()
        self.pauses: dict[str, Segment] = {}
        self.partials: dict[str, Segment] = {}
        self.closed = False

    def put(self, seg: Segment) -> None:
        with self.cond:
            if seg.kind == "final":
                self.finals.append(seg)
                for slot in (self.pauses, self.partials):
                    old = slot.get(seg.speaker)
                    if old is not None and old.utt <= seg.utt:
                        del slot[seg.speaker]
            elif seg.kind == "pause":
                self.pauses[seg.speaker] = seg
                self.partials.pop(seg.speaker, None)
            else:
                self.partials[seg.speaker] = seg
            self.cond.notify()

    def cancel_pause(self, speaker: str) -> bool:
        with self.cond:
            return self.pauses.pop(speaker, None) is not None

    def close(self) -> None:
        with self.cond:
            self.closed = True
            self.cond.notify()

    def take(self) -> Segment | None:
        """The next segment to transcribe; None once closed and no final is left (interim work is dropped then)."""
        with self.cond:
            while not (self.finals or self.pauses or self.partials or self.closed):
                self.cond.wait()
            if self.finals:
                # The other party's line first when two end together: the duplicate filter needs it.
                best = min(self.finals, key=lambda s: s.end + (0.3 if s.speaker == REP else 0.0))
                self.finals.remove(best)
                return best
            if self.closed:
                return None
            for slot in (self.pauses, self.partials):
                if slot:
                    speaker = min(slot, key=lambda k: slot[k].made_at)
                    return slot.pop(speaker)
            return None

    def oldest_final(self) -> float | None:
        with self.cond:
            return min((s.made_at for s in self.finals), default=None)


class LivePipeline:
    """Runs one call from ``sources`` into ``session``; ``start`` then ``wait``/``stop``.

    ``on_event`` receives Level, Lag and Problem events (the session publishes the rest); ``on_tick`` the call
    clock every capture round; ``on_done`` is called once on the worker when the call's last final is in.
    """

    def __init__(self, sources: Sequence[AudioSource], transcriber: SpeechToText, session: Session,
                 clock: CallClock, on_event: SignalSink | None = None, config: LiveConfig | None = None,
                 recorder: Any | None = None, on_tick: Callable[[float], None] | None = None,
                 on_done: Callable[[], None] | None = None,
                 on_final_audio: Callable[[str, np.ndarray], None] | None = None) -> None:
        self.sources = list(sources)
        self.on_final_audio = on_final_audio  # each kept final's speaker and audio (the rep's voice profile)
        self.on_tick = on_tick  # the call clock, from the capture loop (the closing-mode clock listens)
        self.on_done = on_done  # once, from the worker, after the last final is in the session
        self.recorder = recorder  # copilot.audio.recorder.CallRecorder when the user keeps the audio
        self.transcriber = transcriber
        self.session = session
        self.clock = clock
        self.config = cfg = config or LiveConfig()
        self._emit = on_event or (lambda event: None)
        self.stats = LiveStats()
        self._work = _Work()
        self._stop = threading.Event()
        self._done = threading.Event()
        speakers = {s.speaker for s in self.sources}
        self._gate = EchoGate() if cfg.echo_gate and {REP, PROSPECT} <= speakers else None
        self._dupes = DuplicateFilter() if cfg.duplicate_filter and {REP, PROSPECT} <= speakers else None
        self._endpointers = {
            s.speaker: Endpointer(s.speaker, cfg.endpointer, echo=self._gate if s.speaker == REP else None)
            for s in self.sources
        }
        self._spec: dict[str, tuple[int, float, float, str]] = {}  # speaker -> (utt, start, end, text)
        self._paused: dict[str, bool] = {}  # a speculative final is queued for this speaker's turn
        self._reference_seen = time.monotonic()  # when the system audio last delivered frames
        self._capture: threading.Thread | None = None
        self._worker: threading.Thread | None = None
        self.problems: list[str] = []

    # -- control ------------------------------------------------------------------------------------------
    def start(self) -> None:
        """Open every source; those that fail are reported and the call goes on with the rest."""
        limit_blas_threads()
        if self.config.warm_up:
            self._warm_up()
        started: list[AudioSource] = []
        for source in self.sources:
            try:
                source.start(self.clock)
                started.append(source)
            except DeviceError as exc:
                self._problem(f"{exc} — the call goes on without it")
        if not started:
            raise DeviceError("no audio source could be opened: " + "; ".join(self.problems))
        self.sources = started
        self._worker = threading.Thread(target=self._work_loop, name="transcriber", daemon=True)
        self._capture = threading.Thread(target=self._capture_loop, name="capture", daemon=True)
        self._worker.start()
        self._capture.start()

    def _warm_up(self) -> None:
        """One throw-away transcription, so the first line of the call does not pay for cold caches."""
        noise = np.random.default_rng(0).normal(0.0, 1e-3, 16_000).astype(np.float32)
        try:
            self.transcriber.transcribe(noise, partial=True)
        except Exception:  # a model that fails here fails visibly on the first line
            log.debug("warm-up transcription failed", exc_info=True)

    def stop(self) -> None:
        """End the call: close the sources, finish every turn in progress, transcribe all finals."""
        self._stop.set()
        self.wait()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the sources have ended and every final is transcribed; True when done."""
        return self._done.wait(timeout)

    @property
    def done(self) -> bool:
        return self._done.is_set()

    # -- capture thread ------------------------------------------------------------------------------------
    def _capture_loop(self) -> None:
        cfg = self.config
        active = list(self.sources)
        held: deque[Frame] = deque()  # microphone frames waiting for the system audio of the same time
        levels: dict[str, list[float]] = {s.speaker: [] for s in active}
        last_level = 0.0
        last_audio = {s.speaker: time.monotonic() for s in active}
        reference = next((s for s in active if s.speaker == PROSPECT), None)
        try:
            # System audio first: the microphone's echo gate needs it.
            active.sort(key=lambda s: 0 if s.speaker == PROSPECT else 1)
            stopping = False
            stop_at = 0.0
            while active:
                if self._stop.is_set() and not stopping:
                    stopping, stop_at = True, time.monotonic()
                    _close_in_background(list(active))
                for source in list(active):
                    if stopping and not source.finished and time.monotonic() - stop_at > STOP_GRACE:
                        # closing an ALSA/PulseAudio stream can block for good (a known class of driver bug):
                        # the call ends with what was heard instead of hanging on the device
                        log.warning("%s did not close within %.0f s; the call ends without it", source.label,
                                    STOP_GRACE)
                        active.remove(source)
                        if source.speaker == REP:
                            self._release(held, force=True, reference=None)
                        self._flush(source.speaker)
                        continue
                    frames = source.read(cfg.poll if len(active) == 1 or source is active[-1] else 0.0)
                    if frames:
                        last_audio[source.speaker] = time.monotonic()
                        if source is reference:
                            self._reference_seen = last_audio[source.speaker]
                    for frame in frames:
                        levels[source.speaker].append(dbfs(frame.samples))
                        if source.speaker == REP and self._gate is not None:
                            held.append(frame)
                        else:
                            if self._gate is not None and source.speaker == PROSPECT:
                                self._gate.reference(frame.t, frame.samples)
                            self._feed(frame.speaker, frame)
                    if source.finished:
                        active.remove(source)
                        if source.problem and not stopping:
                            rest = ", ".join(s.label for s in active) or "nothing"
                            self._problem(f"{source.problem} — the call goes on with {rest}")
                        if source is reference:
                            reference = None
                        if source.speaker == REP:
                            self._release(held, force=True, reference=None)
                        self._flush(source.speaker)
                    elif not stopping and time.monotonic() - last_audio[source.speaker] > cfg.stall_after:
                        check = getattr(source, "check", None)
                        if check is not None:
                            check()
                        last_audio[source.speaker] = time.monotonic()
                self._release(held, force=False, reference=reference)
                now = self.clock.now()
                if self.on_tick is not None:
                    self.on_tick(now)
                if now - last_level >= cfg.level_every:
                    last_level = now
                    for speaker, values in levels.items():
                        if values:
                            self._emit(Level(speaker, max(values), now))
                            values.clear()
            self._release(held, force=True, reference=None)
            for speaker in list(self._endpointers):
                self._flush(speaker)
        except Exception:  # a bug: say so, and let the worker finish what it has
            log.exception("capture loop failed")
            self._problem("audio capture failed unexpectedly — this is a bug, see the log; the call stops here",
                          fatal=True, bug=True)
            for source in self.sources:
                try:
                    source.stop()
                except Exception:
                    log.debug("stopping %s failed", source.label, exc_info=True)
        finally:
            self.stats.dropped_blocks = sum(s.dropped for s in self.sources)
            if self._gate is not None:
                self.stats.echo_frames = self._gate.echo_frames
            self._work.close()

    def _release(self, held: deque[Frame], force: bool, reference: AudioSource | None) -> None:
        """Feed held microphone frames once the system audio of their time is in — or at once when the system
        audio has delivered nothing for a while (a loopback is silent while nothing plays; a device died)."""
        if not held:
            return
        covered = self._gate.covered_until if self._gate is not None else float("inf")
        quiet = time.monotonic() - self._reference_seen > self.config.reference_wait
        backlog = held[-1].end - held[0].t > MAX_HOLD
        while held:
            frame = held[0]
            if force or reference is None or quiet or backlog or covered >= frame.end - 1e-3:
                held.popleft()
                self._feed(REP, frame)
            else:
                break

    def _feed(self, speaker: str, frame: Frame) -> None:
        if self.recorder is not None and not self.recorder.failed:
            self.recorder.write(speaker, frame.t, frame.samples)
            if self.recorder.failed:
                self._problem(f"{self.recorder.failed}; the transcript goes on")
        ep = self._endpointers[speaker]
        for seg in ep.push(frame.t, frame.samples):
            self._submit(seg)
        if self._paused.get(speaker) and not ep.paused:
            self._paused[speaker] = False
            if self._work.cancel_pause(speaker):
                self.stats.cancelled_pauses += 1

    def _submit(self, seg: Segment) -> None:
        if seg.kind == "pause":
            if not self.config.speculative:
                return
            self._paused[seg.speaker] = True
        elif seg.kind == "partial" and not self.config.partials:
            return
        elif seg.kind == "final":
            self._paused[seg.speaker] = False
        self._work.put(seg)

    def _flush(self, speaker: str) -> None:
        ep = self._endpointers.get(speaker)
        if ep is not None:
            for seg in ep.flush():
                self._submit(seg)

    # -- worker thread --------------------------------------------------------------------------------------
    def _work_loop(self) -> None:
        try:
            while True:
                seg = self._work.take()
                if seg is None:
                    break
                try:
                    self._handle(seg)
                except Exception as exc:  # a bug: logged and shown as one; a final still reaches the transcript
                    log.exception("transcribing a %s segment failed", seg.kind)
                    if seg.kind == "final":
                        self._problem(f"a line could not be transcribed ({type(exc).__name__}: {exc}) — this is a "
                                      "bug; the transcript marks the gap", bug=True)
                        self._keep_untranscribed(seg)
        finally:
            try:
                if self.on_done is not None:
                    self.on_done()
            except Exception:  # a bug in finishing the call: logged and shown, and the pipeline still ends
                log.exception("finishing the call failed")
                self._problem("finishing the call failed — this is a bug, see the log", fatal=True, bug=True)
            finally:
                self._done.set()

    def _keep_untranscribed(self, seg: Segment) -> None:
        """A final whose transcription failed still takes its place in the call, marked, so nothing vanishes."""
        self._spec.pop(seg.speaker, None)
        self.session.add(Utterance(seg.speaker, seg.start, seg.end, UNTRANSCRIBED, final=True), self.clock.now())

    def _handle(self, seg: Segment) -> None:
        now = self.clock.now()
        if seg.kind == "partial" and (now - seg.made_at > self.config.partial_max_age
                                      or self._work.oldest_final() is not None):
            self.stats.skipped_partials += 1
            return
        text = None
        if seg.kind == "final":
            spec = self._spec.get(seg.speaker)
            if spec is not None and spec[0] == seg.utt and abs(spec[1] - seg.start) < 1e-6 and abs(spec[2] - seg.end) < 1e-6:
                text = spec[3]
                self.stats.reused_finals += 1
        if text is None:
            t0 = time.perf_counter()
            result = self.transcriber.transcribe(np.asarray(seg.audio), partial=seg.kind == "partial")
            self.stats.transcribe_seconds += time.perf_counter() - t0
            self.stats.transcriptions[seg.kind] += 1
            text = (getattr(result, "text", "") or "").strip()
        emitted_at = self.clock.now()
        if seg.kind == "pause":
            self._spec[seg.speaker] = (seg.utt, seg.start, seg.end, text)
        if seg.kind != "final":
            if text:
                self.session.partial(Utterance(seg.speaker, seg.start, seg.end, text, final=False), emitted_at)
            return
        self._spec.pop(seg.speaker, None)
        lag = max(0.0, emitted_at - seg.made_at)
        self.stats.max_lag = max(self.stats.max_lag, lag)
        self._emit(Lag(lag, emitted_at))
        if not text:
            self.stats.empty_finals += 1
            return
        utterance = Utterance(seg.speaker, seg.start, seg.end, text, final=True)
        if self._dupes is not None:
            if self._dupes.is_duplicate(utterance):
                self.stats.duplicates_dropped += 1
                log.info("dropped a rep line that repeats the other party: %r", text)
                return
            self._dupes.remember(utterance)
        if self.on_final_audio is not None:
            self.on_final_audio(seg.speaker, np.asarray(seg.audio))
        try:
            self.session.add(utterance, emitted_at)
        except RuntimeError:
            log.warning("a final arrived after the call finished: %r", text)

    def _problem(self, message: str, fatal: bool = False, bug: bool = False) -> None:
        log.warning(message)
        self.problems.append(message)
        self._emit(Problem(message, fatal, bug))


def _close_in_background(sources: list[AudioSource]) -> None:
    """Stop every source from a short-lived thread, so a device whose close blocks cannot stop the call ending."""

    def close() -> None:
        for source in sources:
            try:
                source.stop()
            except Exception:  # a device that fails to close is still done with: say so in the log
                log.warning("closing %s failed", source.label, exc_info=True)

    threading.Thread(target=close, name="close-sources", daemon=True).start()
