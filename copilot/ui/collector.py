"""Python's cyclic garbage collector, run on the GUI thread only.

The collector runs on whichever thread happens to allocate when a generation fills up: the live pipeline's
workers, the background jobs' pool. A window, a bridge or a model caught in a reference cycle (a closure that
refers back to its owner, a running call and its pipeline) would then be destroyed on that worker thread —
Qt warns "Timers cannot be stopped from another thread", and the GUI thread may later touch the freed object:
a segmentation fault, seen in the UI tests. So while the app runs, automatic collection is off and this
object collects, generation by generation as Python itself would, from a timer on the GUI thread.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer

INTERVAL_MS = 500


class GuiThreadCollector(QObject):
    """Collects cyclic garbage on the GUI thread (the thread that creates it), never on a worker."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self.thresholds = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)
        self._timer.start()

    def check(self) -> int:
        """Collect the oldest generation over its threshold (and the younger ones), as the automatic collector would;
        return how many objects were freed."""
        counts = gc.get_count()
        for generation in range(2, -1, -1):
            if counts[generation] > self.thresholds[generation]:
                return gc.collect(generation)
        return 0

    def stop(self) -> None:
        """Hand collection back to Python (tests; the app never stops it)."""
        self._timer.stop()
        gc.enable()


_installed: GuiThreadCollector | None = None


def install(app: QCoreApplication) -> GuiThreadCollector:
    """The app's collector: one per process, a child of the application object (so it lives as long as the app),
    created on the GUI thread."""
    global _installed
    try:
        if _installed is not None and _installed.parent() is app:
            return _installed
    except RuntimeError:  # the application it belonged to is gone
        pass
    _installed = GuiThreadCollector(app)
    return _installed
