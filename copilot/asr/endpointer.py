"""Turns one speaker's frames into speech segments: interim partials, a speculative final at the first
pause, and the final at end of turn.

Plain code driven by frames and their call-clock times — no threads, no clock of its own — so the
policy can be tested with synthetic audio and timestamps. A frame counts as speech when webrtcvad
(~2 µs a frame, but it takes noise for speech) *and* Silero (faster-whisper's bundled ONNX model, ~0.1 ms
per 32 ms window, run streaming) agree, and an optional echo gate does not call it the other party
leaking into the microphone.

Why a "pause" segment: transcribing takes ~0.15 s, the end-of-turn silence ~0.4 s. Offering the turn to
the transcriber after the first short silence lets that work overlap the wait; if the silence becomes
the end of the turn, the final has the very same audio and its text is already there.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

log = logging.getLogger(__name__)

SAMPLE_RATE = 16_000

EchoGate = Callable[[float, np.ndarray], bool]  # (frame start time, samples) -> "this is the other party"


@dataclass(frozen=True)
class EndpointerConfig:
    """Tuned on the 20 calls of ../shared/calls (184 lines; benchmarks/live_latency.py for the timings).

    end_silence 0.45 s: 0.40 split 10 lines at sentence pauses, 0.45 split 3, and decides the end of a
    line 0.35 s (p50) after its true end. pause 0.25 s: the speculative final has its text ready by
    the end of turn while a third of the offers are wasted (0.15 s: more than half). Partials every
    1.3 s, then every 0.8 × the turn so far: 198 interim transcriptions instead of 655 at a fixed 1 s.
    """

    frame_ms: int = 30
    aggressiveness: int = 2  # webrtcvad mode 0..3
    silero: bool = True  # confirm each turn with Silero before anything of it is transcribed
    silero_on: float = 0.5  # a window is speech at this Silero probability…
    silero_run: int = 3  # …and a turn is confirmed by this many speech windows in a row (~100 ms)
    onset_frames: int = 3  # speech frames among the last ``onset_window`` that open a turn
    onset_window: int = 5
    preroll: float = 0.3  # audio kept before the first speech frame
    tail: float = 0.15  # audio kept after the last speech frame
    pause: float = 0.25  # silence after which the turn is offered as a speculative final
    end_silence: float = 0.45  # silence that ends the turn (0.4 split 10 of 184 lines at sentence pauses, 0.45: 7)
    max_segment: float = 15.0
    first_partial: float = 0.6  # speech before the first interim text
    partial_every: float = 1.3  # interim text this often at first…
    partial_growth: float = 0.8  # …then every this share of the turn so far (long turns cost less CPU)
    min_speech: float = 0.15  # turns with less speech are noise (a clipped "Great." has 0.24 s)


@dataclass(frozen=True)
class Segment:
    """Audio of one turn to transcribe. ``kind``: "partial" (still speaking), "pause" (a speculative
    final: the turn as it stands if it ended now), or "final". All of one turn share ``utt``."""

    speaker: str
    utt: int
    kind: str
    start: float
    end: float
    audio: np.ndarray
    made_at: float  # call-clock time of the audio that triggered it (its latest sample)

    @property
    def final(self) -> bool:
        return self.kind == "final"


class SileroStream:
    """Silero VAD v6 (bundled with faster-whisper) over one turn, run in batches with its state carried.

    One ONNX call per batch: per window it costs ~0.1 ms in a tight loop but ~0.5 ms when called 31
    times a second from a mostly idle thread (cold caches), so windows are scored when a decision needs
    them, all at once.
    """

    WINDOW = 512
    CONTEXT = 64

    def __init__(self) -> None:
        from faster_whisper.vad import get_vad_model

        self._session = get_vad_model().session
        self.reset()

    def reset(self) -> None:
        self._h = np.zeros((1, 1, 128), dtype=np.float32)
        self._c = np.zeros((1, 1, 128), dtype=np.float32)
        self._context = np.zeros((1, self.CONTEXT), dtype=np.float32)
        self._pending: list[np.ndarray] = []
        self._pending_n = 0
        self.probs: list[float] = []

    def add(self, samples: np.ndarray) -> None:
        self._pending.append(samples)
        self._pending_n += samples.shape[0]

    def score(self) -> list[float]:
        """Probabilities of every complete window so far (scores the new ones in one call)."""
        n = self._pending_n // self.WINDOW
        if n:
            buf = np.concatenate(self._pending)
            windows = buf[: n * self.WINDOW].reshape(n, self.WINDOW)
            context = np.concatenate([self._context, windows[:-1, -self.CONTEXT:]], axis=0)
            out, self._h, self._c = self._session.run(
                None, {"input": np.concatenate([context, windows], axis=1), "h": self._h, "c": self._c})
            self._context = windows[-1:, -self.CONTEXT:]
            self.probs.extend(float(p) for p in np.asarray(out).reshape(-1))
            rest = buf[n * self.WINDOW:]
            self._pending = [rest] if rest.size else []
            self._pending_n = rest.shape[0]
        return self.probs


class Endpointer:
    """Feed ``push(t, samples)`` with contiguous 16 kHz audio; get back the segments it completes."""

    def __init__(self, speaker: str, config: EndpointerConfig | None = None, echo: EchoGate | None = None,
                 vad: Callable[[np.ndarray], bool] | None = None) -> None:
        self.speaker = speaker
        self.config = c = config or EndpointerConfig()
        self._echo = echo
        self._n = SAMPLE_RATE * c.frame_ms // 1000
        self._dt = c.frame_ms / 1000
        if vad is None:
            import webrtcvad

            webrtc = webrtcvad.Vad(c.aggressiveness)
            vad = lambda frame: webrtc.is_speech(
                (np.clip(frame, -1.0, 1.0) * 32767).astype(np.int16).tobytes(), SAMPLE_RATE)
            self._silero = SileroStream() if c.silero else None
        else:
            self._silero = None  # an injected VAD is the whole decision (tests)
        self._vad = vad
        self._pending = np.zeros(0, dtype=np.float32)
        self._pending_t: float | None = None
        self._pre: deque[tuple[float, np.ndarray, bool]] = deque(maxlen=max(c.onset_window, int(c.preroll / self._dt) + c.onset_window))
        self._utt = 0
        self._reset_turn()
        self.echo_frames = 0
        self.rejected = 0  # turns Silero did not confirm

    # -- state of the current turn ------------------------------------------------------------------
    def _reset_turn(self) -> None:
        self._in_turn = False
        self._frames: list[np.ndarray] = []
        self._start = 0.0
        self._last_speech_end = 0.0
        self._speech = 0.0
        self._silence = 0.0
        self._paused = False
        self._last_partial: float | None = None
        self._confirmed = self._silero is None
        if self._silero is not None:
            self._silero.reset()

    @property
    def in_turn(self) -> bool:
        return self._in_turn

    @property
    def paused(self) -> bool:
        """In a turn, silent since its speculative final was offered (the offer still holds)."""
        return self._in_turn and self._paused

    def push(self, t: float, samples: np.ndarray) -> list[Segment]:
        """Take audio starting at call time ``t``; return the segments it completed (oldest first)."""
        out: list[Segment] = []
        if self._pending_t is None or abs(t - (self._pending_t + self._pending.shape[0] / SAMPLE_RATE)) > 0.002:
            if self._pending.size:
                log.debug("%s: discontinuity at %.3f, dropping %d samples", self.speaker, t, self._pending.size)
            self._pending = np.zeros(0, dtype=np.float32)
            self._pending_t = t
        buf = np.concatenate([self._pending, samples]) if self._pending.size else np.asarray(samples, np.float32)
        n = buf.shape[0] // self._n * self._n
        t0 = self._pending_t
        for i in range(0, n, self._n):
            out.extend(self._frame(t0 + i / SAMPLE_RATE, buf[i:i + self._n]))
        self._pending = np.array(buf[n:], dtype=np.float32)
        self._pending_t = t0 + n / SAMPLE_RATE
        return out

    def flush(self) -> list[Segment]:
        """End of audio: the turn in progress becomes final (nothing heard is lost)."""
        if self._in_turn and self._speech >= self.config.min_speech:
            out = self._confirm([self._final(self._last_speech_end if self._silence else self._end_time())])
            self._reset_turn()
            return out
        self._reset_turn()
        return []

    # -- the policy -------------------------------------------------------------------------------------
    def _is_speech(self, t: float, frame: np.ndarray) -> bool:
        echo = self._echo(t, frame) if self._echo is not None else False  # sees every frame: it keeps a history
        speech = bool(self._vad(frame))
        if speech and echo:
            self.echo_frames += 1
            return False
        return speech

    def _frame(self, t: float, frame: np.ndarray) -> list[Segment]:
        c = self.config
        speech = self._is_speech(t, frame)
        frame = np.array(frame, dtype=np.float32)
        if not self._in_turn:
            self._pre.append((t, frame, speech))
            recent = list(self._pre)[-c.onset_window:]
            if sum(s for _, _, s in recent) < c.onset_frames:
                return []
            keep = round(c.preroll / self._dt)
            first_speech = next(i for i, (_, _, s) in enumerate(recent) if s) + len(self._pre) - len(recent)
            begin = max(0, first_speech - keep)
            buffered = list(self._pre)[begin:]
            self._pre.clear()
            self._in_turn = True
            self._start = buffered[0][0]
            for ft, f, s in buffered:
                self._frames.append(f)
                if self._silero is not None:
                    self._silero.add(f)
                if s:
                    self._speech += self._dt
                    self._last_speech_end = ft + self._dt
            self._silence = 0.0 if speech else self._dt
            return []

        self._frames.append(frame)
        if self._silero is not None:
            self._silero.add(frame)
        segments, ended = self._turn_frame(t, speech)
        out = self._confirm(segments)
        if ended:
            self._reset_turn()
        return out

    def _confirm(self, segments: list[Segment]) -> list[Segment]:
        """Nothing of a turn is transcribed until Silero has heard speech in it (webrtcvad hears noise too)."""
        if not segments or self._confirmed:
            return segments
        assert self._silero is not None
        run = 0
        for p in self._silero.score():
            run = run + 1 if p >= self.config.silero_on else 0
            if run >= self.config.silero_run:
                self._confirmed = True
                return segments
        self.rejected += sum(1 for s in segments if s.final)
        return []

    def _turn_frame(self, t: float, speech: bool) -> tuple[list[Segment], bool]:
        c = self.config
        now = t + self._dt
        out: list[Segment] = []
        if speech:
            self._speech += self._dt
            self._silence = 0.0
            self._paused = False
            self._last_speech_end = now
        else:
            self._silence += self._dt
        if self._silence >= c.end_silence - 1e-9:
            seg = self._final(self._last_speech_end)
            return ([seg] if seg.audio.size else []), True
        if self._silence >= c.pause - 1e-9 and not self._paused and self._speech >= c.min_speech:
            self._paused = True
            self._last_partial = now  # the pause's text serves as the interim text too
            out.append(self._segment("pause", self._last_speech_end, now))
        if (now - self._start) >= c.max_segment:
            out.append(self._cut(now))
            return out, False
        if speech and self._speech >= c.first_partial:
            every = max(c.partial_every, c.partial_growth * (now - self._start))
            due = self._last_partial is None or now - self._last_partial >= every
            if due:
                self._last_partial = now
                out.append(self._segment("partial", now, now))
        return out, False

    def _end_time(self) -> float:
        return self._start + len(self._frames) * self._dt

    def _audio_until(self, end: float) -> np.ndarray:
        n = round((end - self._start) * SAMPLE_RATE)
        audio = np.concatenate(self._frames) if self._frames else np.zeros(0, np.float32)
        return audio[:max(0, n)]

    def _segment(self, kind: str, speech_end: float, made_at: float) -> Segment:
        end = min(self._end_time(), speech_end + self.config.tail) if kind != "partial" else speech_end
        audio = self._audio_until(end)
        audio.setflags(write=False)
        return Segment(self.speaker, self._utt, kind, self._start, self._start + audio.shape[0] / SAMPLE_RATE,
                       audio, made_at)

    def _final(self, speech_end: float) -> Segment:
        if self._speech < self.config.min_speech:
            self._utt += 1
            return Segment(self.speaker, self._utt - 1, "final", self._start, self._start,
                           np.zeros(0, np.float32), self._end_time())
        seg = self._segment("final", speech_end, self._end_time())
        self._utt += 1
        return seg

    def _cut(self, now: float) -> Segment:
        """The turn reached the maximum length: finish it at its last quiet frame and go on with the rest."""
        frames = self._frames
        floor = 0.5 * self._rms_median()
        quiet = [i for i in range(len(frames) - 1, int(len(frames) * 0.6), -1) if self._rms(frames[i]) < floor]
        cut = quiet[0] + 1 if quiet else len(frames)
        cut_t = self._start + cut * self._dt
        audio = np.concatenate(frames[:cut])
        audio.setflags(write=False)
        seg = Segment(self.speaker, self._utt, "final", self._start, cut_t, audio, now)
        self._utt += 1
        self._frames = frames[cut:]
        self._start = cut_t
        self._speech = len(self._frames) * self._dt
        self._paused = False
        self._last_partial = None
        return seg

    def _rms(self, frame: np.ndarray) -> float:
        return float(np.sqrt(np.mean(np.square(frame)))) if frame.size else 0.0

    def _rms_median(self) -> float:
        return float(np.median([self._rms(f) for f in self._frames])) if self._frames else 0.0
