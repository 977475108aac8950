"""The follow-up, as derived from a call (``FollowUp``) and as kept in the history (``StoredFollowUp``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

KINDS = ("recap", "materials", "confirmation", "follow_up")


@dataclass(frozen=True)
class FollowUp:
    """One thing to do after a call: ``kind`` (one of ``KINDS``), when it is due (local time, naive) and a line
    a person reads ("Send the recap email to Dana")."""

    kind: str
    due: datetime
    what: str

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"a follow-up's kind is one of {KINDS}, not {self.kind!r}")


@dataclass(frozen=True)
class StoredFollowUp:
    """A follow-up in the history: its id (for done and snooze), the call it came from, and whether it is done.

    ``original_due`` is the due time the call gave it, before any snooze.
    """

    id: int
    call_id: int
    kind: str
    due: datetime
    what: str
    done: bool
    original_due: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        """``{"id", "call_id", "kind", "due", "what", "done"}`` — what ``copilot followups --json`` prints."""
        return {"id": self.id, "call_id": self.call_id, "kind": self.kind, "due": self.due.isoformat(),
                "what": self.what, "done": self.done}


def relative_due(due: datetime, now: datetime) -> str:
    """ "in 2 h", "in 3 days", "in 25 min", "overdue" — how far off a due time is, as a person says it."""
    left = (due - now).total_seconds()
    if left < 0:
        return "overdue"
    if left < 3600:
        return f"in {max(1, round(left / 60))} min"
    if left < 48 * 3600:
        return f"in {round(left / 3600)} h"
    return f"in {round(left / 86400)} days"
