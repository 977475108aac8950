"""What the call-service tests share: a sink that records the events a call publishes from its threads."""

from __future__ import annotations

import threading
from typing import Any


class Sink(list):  # type: ignore[type-arg]
    """An EventSink that records; the pipeline calls it from its threads."""

    def __init__(self) -> None:
        super().__init__()
        self.lock = threading.Lock()

    def __bool__(self) -> bool:  # a sink is a sink, even before its first event
        return True

    def __call__(self, event: object) -> None:
        with self.lock:
            self.append(event)

    def of(self, kind: type) -> list[Any]:
        with self.lock:
            return [e for e in self if isinstance(e, kind)]
