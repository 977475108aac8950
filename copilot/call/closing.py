"""Closing mode: the method reserves the last five minutes of the planned call for the close.

A pure clock policy so the CLI (``copilot live``) and the window switch at the same moment: it is fed the
call clock and says when closing mode turns on. The planned end is the planned length from the start.
"""

from __future__ import annotations

from dataclasses import dataclass

CLOSING_WINDOW_S = 5 * 60.0


@dataclass
class ClosingClock:
    """Says once when the call enters its last ``window_s`` seconds before ``planned_end_s``."""

    planned_end_s: float
    window_s: float = CLOSING_WINDOW_S
    on: bool = False

    @property
    def starts_at(self) -> float:
        return max(0.0, self.planned_end_s - self.window_s)

    def update(self, now: float) -> bool:
        """True exactly once: the first time ``now`` (call-clock seconds) reaches the closing window."""
        if self.on or now < self.starts_at:
            return False
        self.on = True
        return True

    def remaining(self, now: float) -> float:
        return self.planned_end_s - now
