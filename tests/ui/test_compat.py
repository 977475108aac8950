"""The PySide6 6.12 guard: a long session of void Qt calls must not exhaust None's reference count."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel

import copilot.ui  # noqa: F401 - applies the guard
from copilot.ui.compat import _affected


def test_only_affected_versions_are_guarded():
    assert not _affected("6.11.3")
    assert _affected("6.12.0") == (sys.version_info < (3, 12))


def test_a_long_session_of_void_calls_and_emits_keeps_the_singletons_alive(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    for i in range(200_000):  # far more than None's own reference count on an unguarded 3.11
        label.setText("x")
        label.windowTitleChanged.emit("t")  # every emit dropped a reference to True
    assert sys.getrefcount(None) > 0 and sys.getrefcount(True) > 0
