"""What the history hands back: frozen records, safe to pass to any thread, turned into JSON only at the edges
(``copilot history --json``, ``history --show --json``).

``CallSummary`` is one row of the list (``Store.list_calls``); ``StoredCall`` is one call opened whole
(``Store.get_call``): the same row plus every utterance, and its verdict carries the transcript again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from copilot.coach.state import Verdict
from copilot.session.utterance import Utterance


@dataclass(frozen=True)
class CallSummary:
    """One call as the history lists it. ``criteria``/``stages`` are ``{name: met}`` in the method's order (empty
    when the call has no verdict); ``verdict`` is there when asked for (``with_verdict``), without the utterances."""

    id: int
    started_at: str  # ISO 8601, local time, to the second
    source: str
    vertical: str
    status: str  # "complete" | "interrupted" | "in_progress"
    next_steps_secured: bool | None  # None: no verdict
    commitment_level: int | None
    utterance_count: int
    reason: str | None
    criteria: dict[str, bool]
    stages: dict[str, bool]
    audio_path: str | None = None
    created_at: str | None = None
    updated_at: str | None = None
    verdict: Verdict | None = None

    def _row_json(self) -> dict[str, Any]:
        return {"id": self.id, "started_at": self.started_at, "source": self.source, "vertical": self.vertical,
                "status": self.status, "next_steps_secured": self.next_steps_secured,
                "commitment_level": self.commitment_level, "utterance_count": self.utterance_count,
                "reason": self.reason, "criteria": dict(self.criteria), "stages": dict(self.stages),
                "audio_path": self.audio_path, "created_at": self.created_at, "updated_at": self.updated_at}

    def to_json(self, *, with_verdict: bool = False) -> dict[str, Any]:
        """The row as ``copilot history --json`` prints it; ``with_verdict`` adds ``verdict`` (DESIGN.md's object
        without the utterances, which the list does not carry; null when the call has none)."""
        row = self._row_json()
        if with_verdict:
            row["verdict"] = _without_utterances(self.verdict)
        return row


@dataclass(frozen=True)
class StoredCall(CallSummary):
    """One call opened whole: the row, every final utterance, and the verdict (with the same utterances)."""

    utterances: tuple[Utterance, ...] = ()

    def to_json(self, *, with_verdict: bool = True) -> dict[str, Any]:
        """``copilot history --show ID --json``: the row, ``utterances``, and ``verdict`` (DESIGN.md's object, with
        the utterances; null when the call was never analyzed)."""
        row = self._row_json()
        row["utterances"] = [u.to_dict() for u in self.utterances]
        if with_verdict:
            row["verdict"] = self.verdict.to_json() if self.verdict is not None else None
        return row


def _without_utterances(verdict: Verdict | None) -> dict[str, Any] | None:
    if verdict is None:
        return None
    data = verdict.to_json()
    data.pop("utterances", None)
    return data


__all__ = ["CallSummary", "StoredCall"]
