"""Real capture: a private PulseAudio daemon with a fake microphone and fake speakers.

The rep's channel of a shared call is played into the fake microphone, the other party's into the
"speakers"; ``copilot live --events`` must hear both through PortAudio's ALSA ``pulse`` device (the
microphone as the default source, the other party as the default sink's monitor) with the right
speakers. Recipe from RESEARCH.md; skipped where PulseAudio is not installed.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from copilot.asr.wer import wer

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
CI_PA = """\
load-module module-native-protocol-unix
load-module module-null-sink sink_name=speakers sink_properties=device.description=Speakers
load-module module-null-sink sink_name=micsink sink_properties=device.description=MicSink
load-module module-remap-source source_name=fakemic master=micsink.monitor source_properties=device.description=FakeMic
set-default-sink speakers
set-default-source fakemic
"""


@pytest.fixture()
def pulse(tmp_path: Path):
    if not (shutil.which("pulseaudio") and shutil.which("paplay") and shutil.which("pactl")):
        pytest.skip("PulseAudio is not installed (apt install pulseaudio pulseaudio-utils libasound2-plugins)")
    runtime, config = tmp_path / "run", tmp_path / "config"
    runtime.mkdir(mode=0o700)
    config.mkdir()
    (tmp_path / "ci.pa").write_text(CI_PA)
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime), "XDG_CONFIG_HOME": str(config), "HOME": str(tmp_path)}
    env.pop("PULSE_SERVER", None)
    env.pop("PULSE_SOURCE", None)
    started = subprocess.run(["pulseaudio", "--daemonize=yes", "--exit-idle-time=-1", "-n", "-F",
                              str(tmp_path / "ci.pa"), "--log-target=file:" + str(tmp_path / "pulse.log")],
                             env=env, check=False, capture_output=True, text=True, timeout=30)
    if started.returncode != 0:
        pytest.skip(f"PulseAudio would not start here: {started.stderr.strip()[:200]}")
    pid_file = runtime / "pulse" / "pid"
    deadline = time.monotonic() + 10
    while subprocess.run(["pactl", "info"], env=env, check=False, capture_output=True).returncode != 0:
        assert time.monotonic() < deadline, "the PulseAudio daemon did not answer"
        time.sleep(0.1)
    try:
        yield env
    finally:
        if pid_file.exists():
            try:
                os.kill(int(pid_file.read_text().strip()), signal.SIGTERM)
            except (ProcessLookupError, ValueError):
                pass


def _wav(path: Path, audio: np.ndarray, lead: float = 2.5) -> Path:
    # An idle null sink delivers its first audio 1.6-1.9 s late: lead in with silence.
    sf.write(path, np.concatenate([np.zeros(int(lead * 16000), np.float32), audio]), 16000, subtype="PCM_16")
    return path


def test_live_capture_hears_both_sides_with_the_right_speakers(pulse, testdata, tmp_path: Path) -> None:
    call = testdata / "calls" / "itsd-04.flac"
    truth = json.loads(call.with_suffix(".json").read_text())["utterances"]
    data, rate = sf.read(str(call), dtype="float32")
    assert rate == 16000
    rep_wav = _wav(tmp_path / "rep.wav", data[:, 0])
    their_wav = _wav(tmp_path / "them.wav", data[:, 1])

    devices = subprocess.run([sys.executable, "-m", "copilot", "devices", "--json"], env=pulse, cwd=REPO,
                             check=False, capture_output=True, text=True, timeout=60)
    listing = json.loads(devices.stdout)
    assert any(s["name"] == "speakers.monitor" and s["default"] for s in listing["system_audio"]), listing

    live = subprocess.Popen([sys.executable, "-m", "copilot", "--data-dir", str(tmp_path / "home"), "live",
                             "--events", "--no-save"], env=pulse, cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        first = live.stdout.readline()  # the model is loaded and the streams are open
        assert json.loads(first)["type"] == "started", first + live.stderr.read()
        time.sleep(0.5)
        players = [subprocess.Popen(["paplay", f"--device={sink}", str(wav)], env=pulse)
                   for sink, wav in (("micsink", rep_wav), ("speakers", their_wav))]
        for p in players:
            assert p.wait(timeout=120) == 0
        time.sleep(1.5)  # let the last turn end
        live.send_signal(signal.SIGINT)  # Ctrl-C: the call ends cleanly, with a verdict
        out, err = live.communicate(timeout=120)
    finally:
        if live.poll() is None:
            live.kill()
    assert live.returncode == 0, err
    events = [json.loads(line) for line in (first + out).splitlines() if line.strip()]
    assert events[-1]["type"] == "verdict"
    finals = [e for e in events if e["type"] == "final"]
    for e in finals:
        assert e["emitted_at"] >= e["end"] - 0.05
    pairs = []
    for speaker in ("rep", "prospect"):
        ref = " ".join(u["text"] for u in truth if u["speaker"] == speaker)
        hyp = " ".join(e["text"] for e in finals if e["speaker"] == speaker)
        pairs.append((ref, hyp))
        assert hyp, f"nothing heard from the {speaker}: {err}"
    assert wer(pairs) < 0.25, pairs
    # Every line lands on the right side: no rep words inside the other party's text, and the reverse.
    assert wer([pairs[0]]) < 0.35 and wer([pairs[1]]) < 0.35


def test_voice_enrolment_from_the_microphone(pulse, testdata, tmp_path: Path) -> None:
    """``copilot voice enroll --seconds N`` (and Settings' "Record 20 s", the same service call) records the rep from
    the default microphone and keeps their voice profile."""
    data, _ = sf.read(str(testdata / "calls" / "sales-04.flac"), dtype="float32")
    rep_wav = _wav(tmp_path / "rep.wav", data[:, 0], lead=0.5)
    home = tmp_path / "home"
    player = subprocess.Popen(["paplay", "--device=micsink", str(rep_wav)], env=pulse)
    try:
        enrol = subprocess.run([sys.executable, "-m", "copilot", "--data-dir", str(home), "voice", "enroll",
                                "--seconds", "14"], env=pulse, cwd=REPO, capture_output=True, text=True, timeout=120)
    finally:
        player.kill()
    assert enrol.returncode == 0, enrol.stderr
    shown = subprocess.run([sys.executable, "-m", "copilot", "--data-dir", str(home), "voice", "show", "--json"],
                           env=pulse, cwd=REPO, capture_output=True, text=True, timeout=60)
    profile = json.loads(shown.stdout)
    assert profile["seconds"] >= 5, profile
