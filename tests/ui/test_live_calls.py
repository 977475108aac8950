"""Calls started from the window through the call service and the real live pipeline (file replay), stopped,
or refused."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from copilot.call import AppSettings, CallService, build_config
from copilot.ui.bridge import EventBridge
from copilot.ui.model import CallModel
from copilot.ui.window import MainWindow

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "assets" / "demo" / "demo_call.flac"


def _service(home: Path, settings: AppSettings | None = None) -> CallService:
    return CallService(build_config(data_dir=home, settings=settings or AppSettings(), environ={}))


def _window(qtbot, jobs, service: CallService, speed: float, settings: AppSettings | None = None) -> MainWindow:
    window = MainWindow(CallModel(repaint_ms=20), EventBridge(), settings or AppSettings(), jobs=jobs,
                        prepare=service.transcriber,
                        start_call=lambda sink: service.start_replay(DEMO, speed, sink, source="demo", as_live=True))
    qtbot.addWidget(window)
    window.show()
    return window


def test_a_missing_model_is_a_message_and_the_window_stays_ready(qtbot, tmp_path, jobs):
    settings = AppSettings(model=str(tmp_path / "no-such-model"))
    window = _window(qtbot, jobs, _service(tmp_path / "home", settings), 4.0, settings)
    qtbot.waitUntil(window.problem.isVisible, timeout=30_000)  # the model is loaded in the background, and fails
    assert "model" in window.problem.text().lower()
    with qtbot.waitSignal(window.call_refused, timeout=30_000) as refused:
        assert window.start_call()
    assert "model" in refused.args[0].lower()
    assert window.problem.isVisible() and "model" in window.problem.text().lower()
    assert window.model.phase == "idle" and window.start_button.isEnabled()
    assert jobs.reported.problems == []  # a known error: a message, not a bug report


def test_demo_with_a_missing_model_exits_1_with_one_line(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", COPILOT_HOME=str(tmp_path / "home"))
    done = subprocess.run([sys.executable, "-m", "copilot", "demo", "--exit-at-end", "--model",
                           str(tmp_path / "no-such-model")], check=False, env=env, cwd=REPO, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 1
    assert "model" in done.stderr.lower() and "Traceback" not in done.stderr


@pytest.mark.slow
def test_stop_mid_call_finishes_with_a_verdict_and_saves_the_call(qtbot, tmp_path, jobs):
    window = _window(qtbot, jobs, _service(tmp_path / "home"), 6.0)
    assert window.start_call()
    qtbot.waitUntil(lambda: len(window.model.finals) >= 4, timeout=120_000)
    window.stop_call()
    qtbot.waitUntil(lambda: window.model.phase == "finished", timeout=60_000)
    assert window.pages.currentWidget() is window.summary
    verdict = window.model.verdict
    assert verdict is not None and len(verdict.utterances) == len(window.model.finals) >= 4
    assert verdict.next_steps_secured is False  # stopped before the close
    assert window.summary.headline.text().startswith("✘ No next step secured")

    from copilot.store import Store

    with Store.open(tmp_path / "home") as store:
        [call] = store.list_calls()
    assert call.source == "demo" and call.utterance_count == len(window.model.finals)


@pytest.mark.slow
def test_keep_audio_leaves_a_stereo_recording_beside_the_call(qtbot, tmp_path, jobs):
    """With "Keep the call's audio" on, both sides are kept in one stereo FLAC that analyze can read back."""
    import soundfile as sf

    home = tmp_path / "home"
    settings = AppSettings(keep_audio=True)
    window = _window(qtbot, jobs, _service(home, settings), 8.0, settings)
    assert window.start_call()
    qtbot.waitUntil(lambda: len(window.model.finals) >= 3, timeout=120_000)
    window.stop_call()
    qtbot.waitUntil(lambda: window.model.phase == "finished", timeout=60_000)
    recordings = list((home / "recordings").glob("*.flac"))
    assert len(recordings) == 1
    info = sf.info(recordings[0])
    assert info.channels == 2 and info.samplerate == 16000
    assert info.duration >= window.model.finals[2].end - 0.5

    from copilot.store import Store

    with Store.open(home) as store:
        [call] = store.list_calls()
        assert (store.get_call(call.id).audio_path or "").endswith(recordings[0].name)
