"""Starting a call from the window: the live devices, or a recording replayed as if live.

Both go through the one live pipeline (``copilot.asr.live.LivePipeline``): sources → endpointers →
transcriber → ``CallSession`` (journal first, then the coach), with every event handed to the
window's ``EventBridge``. Nothing here imports Qt; the window only sees ``StartCall`` and
``CallHandle.stop``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from copilot.audio.frames import CallClock, MonotonicClock
from copilot.audio.source import AudioSource
from copilot.errors import CopilotError, DeviceError
from copilot.session.call import CallSession, call_date_now
from copilot.session.events import EventSink, Problem, Started
from copilot.ui.settings import AppSettings

if TYPE_CHECKING:
    from copilot.asr.live import LivePipeline
    from copilot.audio.recorder import CallRecorder
    from copilot.session.call import Journal

log = logging.getLogger(__name__)

_transcribers: dict[str, Any] = {}
_transcribers_lock = threading.Lock()


def load_transcriber(model: str | None) -> Any:
    """The speech model, loaded once per process and kept for the next call (ModelError when missing)."""
    from copilot.asr.transcriber import Transcriber

    key = model or ""
    with _transcribers_lock:
        if key not in _transcribers:
            _transcribers[key] = Transcriber.load(model or None)
        return _transcribers[key]


class RunningCall:
    """A call in progress. When its sources end (or ``stop`` is called) the session is finished
    once, which publishes the verdict (``Finished``)."""

    def __init__(self, pipeline: LivePipeline, session: CallSession, recorder: CallRecorder | None = None) -> None:
        self.pipeline = pipeline
        self.session = session
        self.recorder = recorder
        self._watcher = threading.Thread(target=self._watch, name="call-end", daemon=True)

    def begin(self) -> RunningCall:
        self.pipeline.start()
        self._watcher.start()
        return self

    def _watch(self) -> None:
        self.pipeline.wait()
        if self.recorder is not None:
            self.recorder.close()
        self.session.finish()

    def stop(self) -> None:
        """End the call: close the sources, transcribe what is left, publish the verdict; blocks until then."""
        self.pipeline.stop()
        self._watcher.join()

    def wait(self, timeout: float | None = None) -> bool:
        self._watcher.join(timeout)
        return not self._watcher.is_alive()


StartCall = Callable[[EventSink, AppSettings], RunningCall]


def begin_call(sources: Sequence[AudioSource], clock: CallClock, sink: EventSink, settings: AppSettings,
               store_dir: str | Path | None, source: str) -> RunningCall:
    """Load the model, open the journal, wire the session and the pipeline, and start listening."""
    from copilot.asr.live import LivePipeline
    from copilot.coach import Coach

    transcriber = load_transcriber(settings.model)
    started = call_date_now()
    from copilot.store.journal import CallJournal

    recorder = _recorder(settings, store_dir, started, sink)
    journal = CallJournal.start_or_report(store_dir, started_at=started, source=source, vertical=settings.vertical,
                                          audio_path=recorder.path if recorder is not None else None,
                                          on_problem=lambda message: sink(Problem(message)),
                                          keep_hint="export it before closing")
    # CallJournal.finish returns the call's id where the Journal protocol says None: same contract.
    session = CallSession(Coach(started, settings.vertical), on_event=sink, journal=cast("Journal | None", journal))
    pipeline = LivePipeline(sources, transcriber, session, clock, on_event=sink, recorder=recorder)
    sink(Started(started.isoformat(), source))
    try:
        return RunningCall(pipeline, session, recorder).begin()
    except DeviceError:
        if journal is not None:
            journal.discard()
        raise


def _recorder(settings: AppSettings, store_dir: str | Path | None, started: datetime,
              sink: EventSink) -> CallRecorder | None:
    """A recorder for the call's audio when the user chose to keep it (Settings; off by default)."""
    if not settings.keep_audio:
        return None
    from copilot.audio.recorder import CallRecorder
    from copilot.store.paths import data_dir

    try:
        folder = data_dir(store_dir) / "recordings"
        return CallRecorder(folder / f"call-{started:%Y%m%d-%H%M%S}.flac")
    except CopilotError as exc:  # no recording must not mean no call
        sink(Problem(f"{exc}; the call goes on without keeping the audio"))
        return None


def _store_dir(settings: AppSettings, default: str | Path | None) -> str | Path | None:
    """The data folder chosen in Settings wins over the one the app started with."""
    return settings.data_dir or default


def live_call_starter(store_dir: str | Path | None) -> StartCall:
    """Start a call on the microphone and system audio chosen in the settings."""

    def start(sink: EventSink, settings: AppSettings) -> RunningCall:
        from copilot.audio.capture import open_live_sources

        sources, problems = open_live_sources(settings.mic, settings.system_source)
        if not sources:
            raise DeviceError("no microphone or system audio to listen to: " + "; ".join(problems or ["none found"]))
        for problem in problems:
            sink(Problem(problem))
        return begin_call(sources, MonotonicClock(), sink, settings, _store_dir(settings, store_dir), source="live")

    return start


def replay_call_starter(path: str | Path, speed: float, store_dir: str | Path | None,
                        source: str | None = None) -> StartCall:
    """Start a call that replays a stereo recording (ch0 rep, ch1 prospect) at ``speed`` × real time."""

    def start(sink: EventSink, settings: AppSettings) -> RunningCall:
        from copilot.audio.replay import FileReplay

        replay = FileReplay(path, speed)
        return begin_call(replay.sources, replay.clock, sink, settings, _store_dir(settings, store_dir),
                          source=source or str(Path(path).resolve()))

    return start
