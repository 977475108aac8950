"""The live pipeline end to end: replayed calls in, finals and partials out, devices that fail."""

from __future__ import annotations

import json
import threading
import time

import numpy as np
import pytest
import soundfile as sf

from copilot.asr.live import UNTRANSCRIBED, LiveConfig, LivePipeline
from copilot.asr.wer import wer
from copilot.audio.frames import ManualClock, RawBlock
from copilot.audio.replay import FileReplay
from copilot.audio.source import QueuedSource
from copilot.call.events import Lag, Level, Problem
from copilot.errors import DeviceError
from copilot.session.utterance import Utterance


class Recorder:
    """Stands in for CallSession (same two methods) and records events."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.partials: list[tuple[Utterance, float]] = []
        self.finals: list[tuple[Utterance, float]] = []
        self.events: list[object] = []

    def partial(self, u: Utterance, emitted_at: float) -> None:
        with self.lock:
            self.partials.append((u, emitted_at))

    def add(self, u: Utterance, emitted_at: float) -> None:
        with self.lock:
            self.finals.append((u, emitted_at))

    def event(self, e: object) -> None:
        with self.lock:
            self.events.append(e)


class Words:
    """A transcriber stand-in: one word per half second of audio, optionally slow."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.calls = {"partial": 0, "final": 0}

    def transcribe(self, audio: np.ndarray, *, partial: bool = False):
        self.calls["partial" if partial else "final"] += 1
        if self.delay:
            time.sleep(self.delay)

        class R:
            text = " ".join(["word"] * max(1, int(audio.shape[0] / 8000)))
        return R()


class ArraySource(QueuedSource):
    """A device stand-in fed from an array by its own thread; ``die_at`` makes it vanish mid-call."""

    def __init__(self, speaker: str, audio: np.ndarray, clock: ManualClock, die_at: float | None = None,
                 fail_start: bool = False) -> None:
        super().__init__(speaker, f"test {speaker}")
        self.audio = audio
        self.clock = clock
        self.die_at = die_at
        self.fail_start = fail_start
        self._set_rate(16_000)

    def start(self, clock) -> None:
        if self.fail_start:
            raise DeviceError(f"{self.label}: cannot be opened (unplugged)")
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        block = 640
        for i in range(0, self.audio.shape[0], block):
            t = i / 16_000
            if self.die_at is not None and t >= self.die_at:
                self._end(f"{self.label} stopped delivering audio (device disconnected?)")
                return
            while not self._deliver_blocking(RawBlock(t, self.audio[i:i + block, None].copy())):
                pass
            self.clock.advance_to(t + block / 16_000)
            time.sleep(0.0005)
        self._end()

    def stop(self) -> None:
        self.die_at = 0.0


def _run(pipeline: LivePipeline, timeout: float = 120) -> None:
    pipeline.start()
    assert pipeline.wait(timeout), "the pipeline did not finish"


def _call(testdata, name="sales-04", folder="calls"):
    path = testdata / folder / f"{name}.flac"
    return path, json.loads(path.with_suffix(".json").read_text())["utterances"]


@pytest.mark.parametrize("name", ["sales-04", "cs-04"])
def test_replayed_call_gives_each_line_once_with_the_right_speaker(testdata, name) -> None:
    path, truth = _call(testdata, name)
    replay = FileReplay(path, speed=None)
    rec = Recorder()
    pipeline = LivePipeline(replay.sources, Words(), rec, replay.clock, on_event=rec.event)
    _run(pipeline)
    finals = [u for u, _ in rec.finals]
    for u in truth:
        cover = [f for f in finals if f.speaker == u["speaker"] and f.start < u["end"] and f.end > u["start"]]
        assert cover, u["text"]
    assert not [f for f in finals if not any(f.speaker == u["speaker"] and f.start < u["end"] and f.end > u["start"]
                                             for u in truth)]
    for u, emitted in rec.finals:
        assert u.final and emitted >= u.end - 1e-6  # never before the speech it transcribes
    assert all(not u.final for u, _ in rec.partials)
    assert any(isinstance(e, Level) for e in rec.events) and any(isinstance(e, Lag) for e in rec.events)
    assert pipeline.stats.reused_finals > 0  # speculative finals were ready at end of turn


def test_finals_are_never_dropped_when_the_transcriber_is_slow(testdata) -> None:
    path, _ = _call(testdata, "itsd-04")
    fast = Recorder()
    replay = FileReplay(path, speed=None)
    _run(LivePipeline(replay.sources, Words(), fast, replay.clock))

    slow = Recorder()
    replay = FileReplay(path, speed=8.0)
    pipeline = LivePipeline(replay.sources, Words(delay=0.25), slow, replay.clock)
    _run(pipeline)
    assert sorted((u.speaker, u.start, u.end) for u, _ in slow.finals) == \
        sorted((u.speaker, u.start, u.end) for u, _ in fast.finals)
    assert pipeline.stats.skipped_partials > 0


def _speech(testdata, seconds: float) -> tuple[np.ndarray, np.ndarray]:
    data, _ = sf.read(str(testdata / "calls" / "sales-04.flac"), dtype="float32")
    n = int(seconds * 16_000)
    return data[:n, 0].copy(), data[:n, 1].copy()


def test_a_device_that_disappears_mid_call_is_reported_and_the_call_goes_on(testdata) -> None:
    rep_audio, their_audio = _speech(testdata, 28.0)
    clock = ManualClock()
    rec = Recorder()
    rep = ArraySource("rep", rep_audio, clock, die_at=4.0)  # mid-sentence: the rep speaks 0.6–6.75 s
    other = ArraySource("prospect", their_audio, clock)
    pipeline = LivePipeline([rep, other], Words(), rec, clock, on_event=rec.event)
    _run(pipeline)
    problems = [e for e in rec.events if isinstance(e, Problem)]
    assert len(problems) == 1 and "disconnected" in problems[0].message and "goes on" in problems[0].message
    assert not problems[0].fatal
    rep_finals = [u for u, _ in rec.finals if u.speaker == "rep"]
    assert rep_finals and rep_finals[0].end == pytest.approx(4.0, abs=0.2)  # the turn in progress was kept
    assert [u for u, _ in rec.finals if u.speaker == "prospect" and u.start > 4.0]  # the other side goes on


def test_a_device_that_cannot_open_is_reported_and_the_other_one_runs(testdata) -> None:
    rep_audio, their_audio = _speech(testdata, 18.0)
    clock = ManualClock()
    rec = Recorder()
    pipeline = LivePipeline([ArraySource("rep", rep_audio, clock, fail_start=True),
                             ArraySource("prospect", their_audio, clock)], Words(), rec, clock, on_event=rec.event)
    _run(pipeline)
    assert any(isinstance(e, Problem) and "unplugged" in e.message for e in rec.events)
    assert {u.speaker for u, _ in rec.finals} == {"prospect"}


def test_no_device_at_all_is_a_device_error() -> None:
    clock = ManualClock()
    a = ArraySource("rep", np.zeros(1600, np.float32), clock, fail_start=True)
    with pytest.raises(DeviceError, match="no audio source"):
        LivePipeline([a], Words(), Recorder(), clock).start()


def test_stop_finishes_the_turn_in_progress(testdata) -> None:
    path, _ = _call(testdata)
    replay = FileReplay(path, speed=4.0)
    rec = Recorder()
    pipeline = LivePipeline(replay.sources, Words(), rec, replay.clock)
    pipeline.start()
    time.sleep(1.0)  # ~4 s of call: the rep is mid-sentence (0.6–6.75 s)
    pipeline.stop()
    assert pipeline.done
    assert rec.finals and rec.finals[0][0].speaker == "rep"


class StuckOnClose(ArraySource):
    """A live device that stays open after its audio and whose close never returns (ALSA/PulseAudio drivers do
    this now and then)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.release = threading.Event()

    def _end(self, problem: str | None = None) -> None:
        if self.release.is_set():
            super()._end(problem)  # a live device does not end by itself; only once released

    def stop(self) -> None:
        self.release.wait()


def test_a_device_that_never_closes_does_not_hang_the_end_of_the_call(testdata, monkeypatch) -> None:
    import copilot.asr.live as live

    monkeypatch.setattr(live, "STOP_GRACE", 0.5)
    audio, _ = sf.read(str(testdata / "calls" / "sales-04.flac"), dtype="float32")
    clock = ManualClock()
    stuck = StuckOnClose("rep", audio[:, 0], clock)
    rec = Recorder()
    pipeline = LivePipeline([stuck, ArraySource("prospect", audio[:, 1], clock)], Words(), rec, clock)
    pipeline.start()
    time.sleep(2.0)
    t0 = time.monotonic()
    try:
        pipeline.stop()  # returns once the grace has passed, with what was heard
        assert pipeline.done and time.monotonic() - t0 < 30
        assert rec.finals
    finally:
        stuck.release.set()


@pytest.mark.slow
def test_real_model_live_finals_match_the_call(testdata, transcriber) -> None:
    path, truth = _call(testdata, "sales-04")
    replay = FileReplay(path, speed=None)
    rec = Recorder()
    _run(LivePipeline(replay.sources, transcriber, rec, replay.clock))
    pairs = []
    for speaker in ("rep", "prospect"):
        ref = " ".join(u["text"] for u in truth if u["speaker"] == speaker)
        hyp = " ".join(u.text for u, _ in sorted(rec.finals, key=lambda x: x[0].start) if u.speaker == speaker)
        pairs.append((ref, hyp))
    assert wer(pairs) < 0.15


@pytest.mark.slow
def test_real_model_on_loudspeakers_each_line_once(testdata, transcriber) -> None:
    path, truth = _call(testdata, "cs-02", folder="calls_speakers")
    replay = FileReplay(path, speed=None)
    rec = Recorder()
    _run(LivePipeline(replay.sources, transcriber, rec, replay.clock, config=LiveConfig()))
    theirs = [u for u in truth if u["speaker"] == "prospect"]
    rep_lines = [u for u, _ in rec.finals if u.speaker == "rep"]
    for line in rep_lines:
        assert not any(line.start < u["end"] - 0.3 and line.end > u["start"] + 0.3 for u in theirs), line.text
    heard = [u for u in theirs if any(f.speaker == "prospect" and f.start < u["end"] and f.end > u["start"]
                                      for f, _ in rec.finals)]
    assert len(heard) == len(theirs)


def test_silence_and_noise_give_no_words(testdata) -> None:
    replay = FileReplay(testdata / "calls" / "silence_and_noise.flac", speed=None)
    rec = Recorder()
    words = Words()
    _run(LivePipeline(replay.sources, words, rec, replay.clock, config=LiveConfig(warm_up=False)))
    assert rec.finals == [] and rec.partials == []
    assert words.calls == {"partial": 0, "final": 0}  # nothing even reached the model


class BrokenOnFinals(Words):
    """A transcriber with a bug that shows only on finals (partials work)."""

    def transcribe(self, audio: np.ndarray, *, partial: bool = False):
        if not partial:
            self.calls["final"] += 1
            raise ValueError("a bug in the transcriber")
        return super().transcribe(audio, partial=True)


def test_a_final_that_cannot_be_transcribed_is_kept_marked_and_shown_as_a_bug(testdata) -> None:
    """A bug in a stage is logged and shown as a bug; a final utterance never vanishes (issue 10)."""
    path, truth = _call(testdata, "itsd-04")
    replay = FileReplay(path, speed=None)
    rec = Recorder()
    words = BrokenOnFinals()
    _run(LivePipeline(replay.sources, words, rec, replay.clock, on_event=rec.event))
    finals = [u for u, _ in rec.finals]
    assert words.calls["final"] >= len(truth) and finals
    assert all(u.text == UNTRANSCRIBED and u.final for u in finals)
    for u in truth:  # every line of the call still has its place in the transcript, with its speaker
        assert any(f.speaker == u["speaker"] and f.start < u["end"] and f.end > u["start"] for f in finals), u["text"]
    bugs = [e for e in rec.events if isinstance(e, Problem) and e.bug]
    assert bugs and all("ValueError" in e.message and "bug" in e.message and not e.fatal for e in bugs)
    assert len(bugs) == len(finals)


def test_the_call_clock_ticks_and_done_is_called_once_after_the_last_final(testdata) -> None:
    path, _ = _call(testdata, "itsd-04")
    replay = FileReplay(path, speed=8.0)
    rec = Recorder()
    ticks: list[float] = []
    done: list[int] = []
    pipeline = LivePipeline(replay.sources, Words(), rec, replay.clock, on_tick=ticks.append,
                            on_done=lambda: done.append(len(rec.finals)))
    _run(pipeline)
    assert done == [len(rec.finals)] and done[0] > 0  # once, with every final already in the session
    assert ticks == sorted(ticks) and len(ticks) > 20 and ticks[0] < 2.0  # the call clock, as it runs
    assert ticks[-1] == pytest.approx(sf.info(str(path)).duration, abs=0.5)


def test_a_failing_on_done_is_a_fatal_bug_and_the_pipeline_still_ends(testdata) -> None:
    path, _ = _call(testdata, "itsd-04")
    replay = FileReplay(path, speed=None)
    rec = Recorder()

    def broken() -> None:
        raise RuntimeError("finishing failed")

    pipeline = LivePipeline(replay.sources, Words(), rec, replay.clock, on_event=rec.event, on_done=broken)
    _run(pipeline)
    assert pipeline.done
    assert [e.message for e in rec.events if isinstance(e, Problem) and e.bug and e.fatal] == [
        "finishing the call failed — this is a bug, see the log"]
