"""One stretch of speech by one speaker: the unit every stage after the transcriber works on."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

REP = "rep"
PROSPECT = "prospect"
SPEAKERS = (REP, PROSPECT)


@dataclass(frozen=True, slots=True)
class Utterance:
    """A final (or partial) utterance; times are seconds from the start of the call.

    Frozen so it can cross thread boundaries safely.
    """

    speaker: str
    start: float
    end: float
    text: str
    final: bool = True

    def to_dict(self) -> dict[str, Any]:
        """The transcript-JSON form of DESIGN.md (``final`` is implied and left out)."""
        d = asdict(self)
        d.pop("final")
        d["start"] = round(self.start, 3)
        d["end"] = round(self.end, 3)
        return d
