"""Settings → "Start when a call starts", end to end: the app as ``copilot`` builds it, a private PulseAudio daemon
with a virtual microphone, and a real recording client (``pacat``, named as Zoom names its stream) that appears and
goes away. The watcher, the live call it starts (the app's own capture of that microphone, which the watcher must
not mistake for another app) and the verdict at the end are all real; only the "call app" is pacat.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from copilot.call import AppSettings
from copilot.call.mic import MicInUse, MicReleased

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "audio"))
from test_mic_watch import end, record, start_pulse, stop_pulse  # noqa: E402  (the daemon recipe, kept in one place)

pytestmark = pytest.mark.slow


@pytest.fixture()
def pulse(tmp_path: Path, monkeypatch):
    """The daemon, and this process pointed at it (the app's watcher and its capture read the environment)."""
    env = start_pulse(tmp_path / "pulse")
    for name in ("XDG_RUNTIME_DIR", "XDG_CONFIG_HOME"):
        monkeypatch.setenv(name, env[name])
    for name in ("PULSE_SERVER", "PULSE_SOURCE", "PULSE_SINK"):
        monkeypatch.delenv(name, raising=False)
    _rescan_portaudio()
    yield env
    stop_pulse(env)
    _rescan_portaudio()


def _rescan_portaudio() -> None:
    """PortAudio lists ALSA's ``pulse`` device only if a server answered when it started (RESEARCH.md: import
    sounddevice after the daemon is up); an earlier test of this process may have started it already, so it
    starts again here (sounddevice's own re-initialisation; no stream is open between tests)."""
    sd = pytest.importorskip("sounddevice")
    sd._terminate()
    sd._initialize()


def _app(built, tmp_path: Path, mode: str):
    app = built(str(tmp_path / "home"), settings_override=AppSettings(auto_start=mode), recover=False)
    assert app.auto_start is not None and app.auto_start.watching, app.window.problem.text()
    return app


def _mic_events(app, qtbot, kind: type, proc_action):
    """Run ``proc_action`` and wait until the watcher's event of ``kind`` has reached the GUI thread."""
    with qtbot.waitSignal(app.auto_start._relay.received, timeout=15_000,
                          check_params_cb=lambda e: isinstance(e, kind)) as got:
        result = proc_action()
    return got.args[0], result


def test_ask_offers_to_start_and_the_call_ends_with_its_recording(qtbot, tmp_path, built, pulse):
    app = _app(built, tmp_path, "ask")
    bar, window = app.auto_start.bar, app.window
    zoom = record(pulse, app="ZOOM VoiceEngine")
    try:
        qtbot.waitUntil(lambda: bar.offering, timeout=15_000)
        assert bar.text.text() == "Zoom is using the microphone — start listening?"
        assert window.model.phase == "idle"  # only offered
        qtbot.mouseClick(bar.start, qtbot_button())
        qtbot.waitUntil(lambda: window.model.phase == "live" and window.in_call, timeout=120_000)
        assert "Zoom" in bar.text.text() and not bar.start.isVisible()
    finally:
        end(zoom)
    qtbot.waitUntil(lambda: window.model.phase == "finished", timeout=60_000)
    assert window.model.verdict is not None and window.pages.currentWidget() is window.summary
    assert bar.text.text() == "Zoom stopped using the microphone, so the call ended."
    assert app.auto_start.tied_to is None


def test_not_now_leaves_the_app_idle_and_the_offer_goes_when_the_recording_ends(qtbot, tmp_path, built, pulse):
    app = _app(built, tmp_path, "ask")
    bar = app.auto_start.bar
    zoom = record(pulse, app="ZOOM VoiceEngine")
    try:
        qtbot.waitUntil(lambda: bar.offering, timeout=15_000)
        qtbot.mouseClick(bar.dismiss, qtbot_button())
        assert not bar.isVisible() and app.window.model.phase == "idle"
    finally:
        _mic_events(app, qtbot, MicReleased, lambda: end(zoom))
    assert app.window.model.phase == "idle" and not bar.isVisible()
    # an offer still open when its recording ends goes away by itself
    softphone = record(pulse, app="Linphone")
    qtbot.waitUntil(lambda: bar.offering, timeout=15_000)
    _mic_events(app, qtbot, MicReleased, lambda: end(softphone))
    assert not bar.isVisible() and app.window.model.phase == "idle"


def test_start_starts_by_itself_says_why_and_stops_when_the_recording_ends(qtbot, tmp_path, built, pulse):
    app = _app(built, tmp_path, "start")
    bar, window = app.auto_start.bar, app.window
    zoom = record(pulse, app="ZOOM VoiceEngine")
    try:
        qtbot.waitUntil(lambda: window.model.phase == "live", timeout=120_000)
        assert bar.isVisible() and bar.text.text().startswith("Listening: Zoom is using the microphone.")
        qtbot.waitUntil(lambda: window.in_call and window._handle is not None, timeout=60_000)
    finally:
        end(zoom)
    qtbot.waitUntil(lambda: window.model.phase == "finished", timeout=60_000)
    first = window.model.verdict
    assert first is not None and app.auto_start.tied_to is None
    # the next call begins by itself too, from the summary of the last one (which is in the history)
    teams = record(pulse, app="teams-for-linux")
    try:
        qtbot.waitUntil(lambda: window.model.phase == "live" and window._handle is not None, timeout=60_000)
        assert window.pages.currentWidget() is window.live and "Microsoft Teams" in bar.text.text()
    finally:
        end(teams)
    qtbot.waitUntil(lambda: window.model.phase == "finished", timeout=60_000)
    assert window.model.verdict is not None and window.model.verdict is not first


def test_a_call_started_by_hand_is_never_stopped_by_the_watcher(qtbot, tmp_path, built, pulse):
    app = _app(built, tmp_path, "start")
    window = app.window
    assert window.start_call()
    qtbot.waitUntil(lambda: window.model.phase == "live" and window._handle is not None, timeout=120_000)
    zoom = record(pulse, app="ZOOM VoiceEngine")
    try:
        event, _ = _mic_events(app, qtbot, MicInUse, lambda: None)
        assert event.app == "Zoom" and app.auto_start.tied_to is None  # the call was on already: left alone
    finally:
        _mic_events(app, qtbot, MicReleased, lambda: end(zoom))
    qtbot.wait(300)
    assert window.model.phase == "live"  # still running: only the user ends it
    window.stop_call()
    qtbot.waitUntil(lambda: window.model.phase == "finished", timeout=60_000)


def test_off_watches_nothing_and_settings_turn_it_on_and_off(qtbot, tmp_path, built, pulse):
    app = built(str(tmp_path / "home"), settings_override=AppSettings(auto_start="off"), recover=False)
    assert app.auto_start is not None and not app.auto_start.watching
    app.auto_start.set_mode("ask")
    assert app.auto_start.watching
    app.auto_start.set_mode("off")
    assert not app.auto_start.watching


def test_no_sound_server_is_one_line_and_the_app_goes_on(qtbot, tmp_path, built, monkeypatch):
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    monkeypatch.setenv("PULSE_SERVER", f"unix:{runtime}/nobody-here")
    app = built(str(tmp_path / "home"), settings_override=AppSettings(auto_start="start"), recover=False)
    assert app.auto_start is not None and not app.auto_start.watching
    text = app.window.problem.text()
    assert app.window.problem.isVisible() and "no PulseAudio/PipeWire server answered" in text
    assert "without starting calls by itself" in text and "\n" not in text
    assert app.window.start_button.isEnabled() or app.jobs.busy  # the app goes on


def qtbot_button():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_the_demo_never_starts_by_itself(qtbot, tmp_path, built):
    """A replay (``copilot demo``) has no auto-start, whatever the settings say."""
    from copilot.ui.window import CallHandle

    def replay(service, sink) -> CallHandle:  # never called
        raise AssertionError

    app = built(str(tmp_path / "home"), settings_override=AppSettings(auto_start="start"), recover=False,
                start_call=replay)
    assert app.auto_start is None


def test_a_call_that_cannot_open_its_sources_leaves_the_app_ready_for_the_next(qtbot, tmp_path, built, pulse):
    """A started call whose devices then fail to open is refused: the window goes back to idle (not stuck
    'live' with nothing running), so the next recording can start a call again."""
    settings = AppSettings(auto_start="start", mic="none", system_source="no-such-source.monitor")
    app = built(str(tmp_path / "home"), settings_override=settings, recover=False)
    window = app.window
    with qtbot.waitSignal(window.call_refused, timeout=120_000):
        zoom = record(pulse, app="ZOOM VoiceEngine")
    try:
        qtbot.waitUntil(lambda: window.model.phase == "idle" and not window.in_call, timeout=10_000)
        assert window.problem.isVisible() and app.auto_start.tied_to is None
    finally:
        _mic_events(app, qtbot, MicReleased, lambda: end(zoom))
    assert window.model.phase == "idle" and window.start_button.isEnabled()
