"""How a moment of the call is written for people: ``28:45``, or ``1:02:05`` past an hour.

One helper so the terminal, the window, the coaching lines and the exports always show the same
time for the same moment (whole seconds, floored, like a call timer).
"""

from __future__ import annotations


def call_clock(seconds: float | None) -> str:
    """``mm:ss`` from the start of the call; ``h:mm:ss`` past an hour; ``--:--`` when unknown."""
    if seconds is None or isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds != seconds:
        return "--:--"
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    if hours:
        return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"
    return f"{rest // 60:02d}:{rest % 60:02d}"
