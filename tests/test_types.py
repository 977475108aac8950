"""The types are checked: ``mypy copilot`` (configured in pyproject.toml: strict on the Qt-free core, checked on the
UI) reports success."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_mypy_reports_success(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "mypy", "copilot", "--cache-dir", str(tmp_path / "mypy-cache")],
                          cwd=REPO, capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
    assert "No module named mypy" not in proc.stderr, "mypy is part of the test tools: pip install -e '.[test]'"
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("Success: no issues found"), proc.stdout
