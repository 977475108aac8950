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
    # How sure the speaker is (0.5-1.0): 1.0 when a channel or a caption says who spoke; lower when a mono
    # recording's voices were told apart by their sound.
    speaker_confidence: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        """The transcript-JSON form of DESIGN.md (``final`` is implied and left out; the speaker's confidence only
        when it is below 1)."""
        d = asdict(self)
        d.pop("final")
        if self.speaker_confidence >= 1.0:
            d.pop("speaker_confidence")
        else:
            d["speaker_confidence"] = round(self.speaker_confidence, 3)
        d["start"] = round(self.start, 3)
        d["end"] = round(self.end, 3)
        return d
