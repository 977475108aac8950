"""Device listing and the plain messages when PortAudio or system audio is missing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from copilot.audio.devices import DeviceReport, list_devices

REPO = Path(__file__).resolve().parents[2]


def _copilot(*args: str, env_extra: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "copilot", *args], check=False, capture_output=True, text=True, cwd=REPO,
                          env=env, timeout=timeout)


@pytest.fixture()
def no_portaudio(tmp_path: Path) -> dict[str, str]:
    """An environment where importing sounddevice fails the way it does without libportaudio."""
    (tmp_path / "sounddevice.py").write_text("raise OSError('PortAudio library not found')\n")
    return {"PYTHONPATH": f"{tmp_path}{os.pathsep}{REPO}"}


def test_listing_never_raises_and_explains_what_is_missing() -> None:
    report = list_devices()
    assert isinstance(report, DeviceReport)
    data = report.to_dict()
    assert set(data) == {"inputs", "system_audio", "notes"}
    if not report.system:
        assert any("system-audio" in n or "system audio" in n for n in report.notes)


def test_devices_command_says_plainly_when_there_is_no_portaudio(no_portaudio: dict[str, str]) -> None:
    done = _copilot("devices", "--json", env_extra=no_portaudio)
    assert done.returncode == 0, done.stderr
    notes = json.loads(done.stdout)["notes"]
    assert any("PortAudio" in n for n in notes)
    human = _copilot("devices", env_extra=no_portaudio)
    assert human.returncode == 0 and "PortAudio" in human.stdout


def test_live_without_portaudio_is_a_one_line_error(no_portaudio: dict[str, str], tmp_path: Path) -> None:
    done = _copilot("--data-dir", str(tmp_path / "home"), "live", "--no-save", env_extra=no_portaudio)
    assert done.returncode == 1
    assert "PortAudio" in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
