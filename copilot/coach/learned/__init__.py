"""The learned part of the coach's reading: a sentence encoder and a small trained head over it.

``default_reader()`` is the process-wide act reader, loaded once on first use (the call service loads it before
a call starts, off the GUI thread). ``use_learned(False)`` turns it off for the whole process (the ablation in
``benchmarks/eval_coach.py``). A reader that cannot be loaded (the model package missing) is reported once and
the coach reads with its rules alone.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from copilot.errors import ModelError

if TYPE_CHECKING:
    from copilot.coach.learned.head import ActReader

log = logging.getLogger(__name__)

_state: dict[str, object] = {"on": True, "failed": None}
_lock = threading.Lock()


def use_learned(on: bool) -> None:
    """Switch the learned reader on or off for this process (it is on by default)."""
    _state["on"] = bool(on)


def default_reader() -> ActReader | None:
    """The shared act reader, or None when it is switched off or could not be loaded (said once, in the log)."""
    if not _state["on"]:
        return None
    from copilot.coach.learned.head import shared_reader

    with _lock:
        if _state["failed"] is not None:
            return None
        try:
            return shared_reader()
        except ModelError as exc:
            _state["failed"] = str(exc)
            log.warning("%s; the coach reads with its rules alone", exc)
            return None


def clear_cache() -> None:
    """Forget cached readings (benchmarks time uncached runs)."""
    from copilot.coach.learned.head import shared_reader

    if _state["on"] and _state["failed"] is None:
        shared_reader().clear()
