"""UI tests run off-screen (no display needed) and fail on Qt warnings; helpers to build close states."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest


class FakeClock:
    """A monotonic clock moved by hand: closing mode is tested without sleeping."""

    def __init__(self, t: float = 1000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


# Messages the off-screen platform prints for any top-level window; not about our code.
_BENIGN_QT = ("This plugin does not support propagateSizeHints()",)


@pytest.fixture(autouse=True)
def _no_qt_warnings(qtlog):
    """A Qt warning during a UI test is a failure (STYLE: fail on Qt warnings)."""
    yield
    from pytestqt.qt_compat import qt_api

    warnings = [r.message for r in qtlog.records
                if r.type != qt_api.QtCore.QtMsgType.QtDebugMsg and r.type != qt_api.QtCore.QtMsgType.QtInfoMsg
                and not r.message.startswith(_BENIGN_QT)]
    assert not warnings, f"Qt warned: {warnings}"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch) -> None:
    """Never touch the real user's history, settings or logs."""
    monkeypatch.setenv("COPILOT_HOME", str(tmp_path / "home"))
