"""The microphone watch, against a real PulseAudio server: a private daemon with a virtual microphone (a null
source), the speakers (a null sink, whose monitor is not a microphone) and real recording clients (``pacat``).

Debouncing is also checked on its own (pure: snapshots in, events out). Skipped where PulseAudio is not installed.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from copilot.audio.mic_watch import (
    Debouncer,
    MicEvent,
    MicInUse,
    MicReleased,
    MicWatcher,
    MicWatchStopped,
    PulseBackend,
    Recorder,
    _text_outputs,
    _text_sources,
    pretty_app,
)
from copilot.errors import DeviceError

REPO = Path(__file__).resolve().parents[2]
PA = """\
load-module module-native-protocol-unix
load-module module-null-sink sink_name=speakers sink_properties=device.description=Speakers
load-module module-null-source source_name=virtmic description=VirtualMic
set-default-sink speakers
set-default-source virtmic
"""


def start_pulse(folder: Path) -> dict[str, str]:
    """A private PulseAudio daemon (RESEARCH.md's headless recipe); its environment. Stop it with ``stop_pulse``."""
    if not (shutil.which("pulseaudio") and shutil.which("pactl") and shutil.which("pacat")):
        pytest.skip("PulseAudio is not installed (apt install pulseaudio pulseaudio-utils)")
    runtime, config = folder / "run", folder / "config"
    runtime.mkdir(mode=0o700, parents=True)
    config.mkdir()
    (folder / "mic.pa").write_text(PA)
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime), "XDG_CONFIG_HOME": str(config), "HOME": str(folder)}
    for name in ("PULSE_SERVER", "PULSE_SOURCE", "PULSE_SINK"):
        env.pop(name, None)
    started = subprocess.run(["pulseaudio", "--daemonize=yes", "--exit-idle-time=-1", "-n", "-F",
                              str(folder / "mic.pa"), "--log-target=file:" + str(folder / "pulse.log")],
                             env=env, check=False, capture_output=True, text=True, timeout=30)
    if started.returncode != 0:
        pytest.skip(f"PulseAudio would not start here: {started.stderr.strip()[:200]}")
    deadline = time.monotonic() + 10
    while subprocess.run(["pactl", "info"], env=env, check=False, capture_output=True).returncode != 0:
        assert time.monotonic() < deadline, "the PulseAudio daemon did not answer"
        time.sleep(0.1)
    return env


def stop_pulse(env: dict[str, str]) -> None:
    pid_file = Path(env["XDG_RUNTIME_DIR"]) / "pulse" / "pid"
    if pid_file.exists():
        try:
            os.kill(int(pid_file.read_text().strip()), signal.SIGTERM)
        except (ProcessLookupError, ValueError):
            pass


@pytest.fixture(scope="module")
def pulse(tmp_path_factory):
    env = start_pulse(tmp_path_factory.mktemp("pulse"))
    yield env
    stop_pulse(env)


def record(env: dict[str, str], device: str = "virtmic", app: str | None = None) -> subprocess.Popen[bytes]:
    """A real recording client of the daemon, as a call app would be."""
    args = ["pacat", "--record", f"--device={device}"]
    if app:
        args.append(f"--property=application.name={app}")
    return subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def end(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    proc.wait(10)


class Events:
    """What a watcher reported, in order, with a wait for the next one."""

    def __init__(self) -> None:
        self.items: list[MicEvent] = []
        self._cond = threading.Condition()

    def __call__(self, event: MicEvent) -> None:
        with self._cond:
            self.items.append(event)
            self._cond.notify_all()

    def wait_for(self, kind: type, timeout: float = 10.0) -> MicEvent:
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [e for e in self.items if isinstance(e, kind)]
                if found:
                    return found[0]
                left = deadline - time.monotonic()
                assert left > 0, f"no {kind.__name__} within {timeout} s; got {self.items}"
                self._cond.wait(left)


def watcher(env: dict[str, str], events: Events, own: tuple[int, ...] = (), **kw: float) -> MicWatcher:
    return MicWatcher(events, PulseBackend(own or (os.getpid(),), env=env), **kw).start()


# -- debouncing, alone ---------------------------------------------------------------------------------

ZOOM = Recorder("42:ZOOM VoiceEngine", "Zoom", 42)


def test_a_recording_counts_only_after_the_debounce_and_ends_after_staying_away() -> None:
    d = Debouncer(start_after_s=1.5, stop_after_s=2.0)
    assert d.update(0.0, [ZOOM]) == [] and d.next_deadline() == 1.5
    assert d.update(1.4, [ZOOM]) == []
    assert d.update(1.5, [ZOOM]) == [MicInUse("Zoom", ZOOM.key, 0.0)]
    assert d.active == (ZOOM,)
    assert d.update(10.0, []) == [] and d.next_deadline() == 12.0  # gone: wait, it may come back
    assert d.update(11.0, [ZOOM]) == []  # a reconnect within the grace time is the same recording
    assert d.update(20.0, []) == []
    assert d.update(22.0, []) == [MicReleased("Zoom", ZOOM.key, 20.0)]
    assert d.active == () and d.next_deadline() is None


def test_a_blip_never_becomes_an_event() -> None:
    d = Debouncer(start_after_s=1.5, stop_after_s=2.0)
    assert d.update(0.0, [ZOOM]) == []
    assert d.update(0.3, []) == []  # a browser probing the microphone
    assert d.update(5.0, []) == [] and d.next_deadline() is None


def test_apps_read_as_people_name_them() -> None:
    assert pretty_app("ZOOM VoiceEngine") == "Zoom"
    assert pretty_app("Google Chrome") == "Chrome"
    assert pretty_app("Chromium input") == "Chrome"
    assert pretty_app("baresip") == "baresip"
    assert pretty_app("") == "An application"


# -- against a real PulseAudio server ------------------------------------------------------------------

@pytest.mark.slow
def test_a_call_app_starting_and_stopping_to_record_is_reported(pulse) -> None:
    events = Events()
    w = watcher(pulse, events, start_after_s=0.8, stop_after_s=0.8)
    try:
        began = time.monotonic()
        zoom = record(pulse, app="ZOOM VoiceEngine")
        started = events.wait_for(MicInUse)
        assert isinstance(started, MicInUse) and started.app == "Zoom"
        assert time.monotonic() - began >= 0.8  # not before the debounce
        assert w.recording and w.recording[0].pid == zoom.pid
        time.sleep(1.0)
        end(zoom)
        stopped = events.wait_for(MicReleased)
        assert isinstance(stopped, MicReleased) and stopped.key == started.key and stopped.duration_s >= 1.5
        assert [type(e) for e in events.items] == [MicInUse, MicReleased]
    finally:
        w.stop()


@pytest.mark.slow
def test_a_blip_and_a_recording_of_the_speakers_monitor_are_no_call(pulse) -> None:
    events = Events()
    w = watcher(pulse, events, start_after_s=1.0, stop_after_s=0.5)
    try:
        probe = record(pulse, app="Firefox")
        time.sleep(0.3)  # a browser probing the microphone
        end(probe)
        monitor = record(pulse, device="speakers.monitor", app="OBS")  # records what the speakers play
        time.sleep(2.5)
        assert events.items == []
        softphone = record(pulse, app="Linphone")  # the watcher is alive: a real recording is seen
        assert events.wait_for(MicInUse).app == "Linphone"  # type: ignore[union-attr]
        end(softphone)
        end(monitor)
        events.wait_for(MicReleased)
        assert [e.app for e in events.items] == ["Linphone", "Linphone"]  # type: ignore[union-attr]
    finally:
        w.stop()


OWN_CAPTURE = """
import json, subprocess, sys, time
from copilot.audio.capture import open_live_sources
from copilot.audio.frames import MonotonicClock
from copilot.audio.mic_watch import MicWatcher
events = []
watch = MicWatcher(lambda e: print(json.dumps([type(e).__name__, getattr(e, "app", "")]), flush=True),
                   start_after_s=0.5, stop_after_s=0.5).start()
sources, problems = open_live_sources(None, "none")  # the app's own microphone capture, as in a live call
assert sources, problems
for s in sources:
    s.start(MonotonicClock())
print(json.dumps(["capturing", ""]), flush=True)
time.sleep(2.5)
other = subprocess.Popen(["pacat", "--record", "--device=virtmic", "--property=application.name=Zoom"],
                         stdout=subprocess.DEVNULL)
time.sleep(1.5)
other.terminate(); other.wait()
time.sleep(1.5)
for s in sources:
    s.stop()
watch.stop()
"""


@pytest.mark.slow
def test_our_own_capture_stream_is_not_another_app(pulse, tmp_path: Path) -> None:
    """The app's watcher and its live microphone capture in one process: only the other app is reported."""
    pytest.importorskip("sounddevice")
    child = subprocess.Popen([sys.executable, "-c", OWN_CAPTURE], env=pulse, cwd=REPO, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        first = child.stdout.readline()
        assert json.loads(first or "null") == ["capturing", ""], first + (child.stderr.read() if child.stderr else "")
        time.sleep(0.3)
        seen = PulseBackend((), env=pulse).recorders()  # an outside view: the capture is a real recording stream
        assert child.pid in {r.pid for r in seen}, seen
        out, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 0, err
    assert [json.loads(line) for line in out.splitlines()] == [["MicInUse", "Zoom"], ["MicReleased", "Zoom"]]


@pytest.mark.slow
def test_the_text_form_of_pactl_reads_as_the_json_form(pulse) -> None:
    """pactl before 16 has no ``-f json``: the text form (C locale) must give the same recorders."""
    zoom, monitor = record(pulse, app="ZOOM VoiceEngine"), record(pulse, device="speakers.monitor")
    try:
        time.sleep(0.5)
        backend = PulseBackend((), env=pulse)
        backend.open()
        try:
            from_json = backend.recorders()
            env = {**pulse, "LC_ALL": "C"}
            text = subprocess.run(["pactl", "list", "source-outputs"], env=env, capture_output=True, text=True,
                                  check=True).stdout
            sources = subprocess.run(["pactl", "list", "sources"], env=env, capture_output=True, text=True,
                                     check=True).stdout
            assert len(_text_outputs(text)) == 2
            assert sorted(m for _, m in _text_sources(sources)) == [False, True]
            backend._json = False
            assert backend.recorders() == from_json and {r.app for r in from_json} == {"Zoom"}
        finally:
            backend.close()
    finally:
        end(zoom)
        end(monitor)


def test_no_sound_server_is_one_line(tmp_path: Path) -> None:
    if shutil.which("pactl") is None:
        pytest.skip("pactl is not installed")
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime), "PULSE_SERVER": f"unix:{runtime}/nobody-here"}
    with pytest.raises(DeviceError) as err:
        MicWatcher(lambda e: None, PulseBackend((), env=env)).start()
    message = str(err.value)
    assert "\n" not in message and "no PulseAudio/PipeWire server answered" in message


@pytest.mark.slow
def test_a_server_that_goes_away_stops_the_watch_with_one_line(tmp_path: Path) -> None:
    env = start_pulse(tmp_path)
    events = Events()
    w = watcher(env, events)
    try:
        stop_pulse(env)
        stopped = events.wait_for(MicWatchStopped)
        assert isinstance(stopped, MicWatchStopped) and "went away" in stopped.reason and "\n" not in stopped.reason
    finally:
        w.stop()
