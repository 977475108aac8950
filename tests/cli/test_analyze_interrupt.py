"""Ctrl+C during ``copilot analyze``: one line, exit 130, no history record, no export, no traceback."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from test_analyze import copilot  # noqa: E402  (tests/cli is on the path: pytest puts a test's folder there)


@pytest.mark.slow
def test_ctrl_c_while_transcribing_keeps_nothing(testdata: Path, tmp_path: Path) -> None:
    data, rate = sf.read(testdata / "calls/itsd-04.flac", dtype="float32", always_2d=True)
    sf.write(tmp_path / "long.flac", np.tile(data, (8, 1)), rate)  # about 3 minutes: still transcribing when stopped
    home, out = tmp_path / "home", tmp_path / "exports"
    env = dict(os.environ, COPILOT_HOME=str(home))
    proc = subprocess.Popen([sys.executable, "-m", "copilot", "-v", "analyze", str(tmp_path / "long.flac"),
                             "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            stdin=subprocess.DEVNULL)
    assert proc.stderr is not None
    seen: list[str] = []
    deadline = time.monotonic() + 120
    for line in proc.stderr:  # -v logs when transcription starts
        seen.append(line)
        if "transcribing" in line or time.monotonic() > deadline:
            break
    assert any("transcribing" in line for line in seen), "".join(seen)
    time.sleep(1.0)
    proc.send_signal(signal.SIGINT)
    stdout, rest = proc.communicate(timeout=60)
    stderr = "".join(seen) + rest
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert stderr.splitlines()[-1] == "copilot: stopped; nothing was saved"
    assert stdout == ""
    assert not out.exists()  # the folder made for the exports is gone again, nothing half-written in it
    history = copilot("history", "--json", home=home)
    assert history.returncode == 0, history.stderr
    assert json.loads(history.stdout)["calls"] == []
