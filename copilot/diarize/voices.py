"""A mono recording's speech spans → pieces said by voice 0 or voice 1, with how sure each is.

Every span is embedded window by window in one batch; spans are grouped into two voices; each long span is then
checked for a change of voice inside it and cut there; the clean pieces are grouped again; and neighbouring
pieces of the same voice become turns, the unit that is transcribed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from copilot.diarize.changes import MIN_WINDOWS, best_labels, quietest_point, runs
from copilot.diarize.cluster import Grouping, assign, group_two
from copilot.diarize.encoder import PARTIAL_FRAMES, Partials, VoiceEncoder, normalised

SAMPLE_RATE = 16_000
WINDOW_RATE = 2.0  # windows per second: a change is placed to within about half a second
MIN_PIECE_S = 0.3  # a cut never leaves less than this on either side
WINDOW_S = PARTIAL_FRAMES / 100
MERGE_GAP_S = 1.0
MAX_TURN_S = 28.0


@dataclass(frozen=True)
class Piece:
    """A stretch of one voice (0 or 1), in seconds from the start of the recording."""

    start: float
    end: float
    voice: int
    confidence: float

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class VoiceSplit:
    """The pieces in time order and the two voices' centres (2, 256) on the unit sphere."""

    pieces: tuple[Piece, ...]
    centres: np.ndarray


def split_voices(audio: np.ndarray, spans: Sequence[tuple[float, float]], encoder: VoiceEncoder) -> VoiceSplit | None:
    """Two voices in ``spans`` of ``audio`` (16 kHz); None when there is too little speech to tell them apart."""
    spans = [(s, e) for s, e in spans if e - s > 0.05]
    if not spans:
        return None
    partials = encoder.embed_many([audio[int(s * SAMPLE_RATE):int(e * SAMPLE_RATE)] for s, e in spans], WINDOW_RATE)
    first = group_two(np.stack([p.mean for p in partials]), np.array([e - s for s, e in spans]))
    if first is None:
        return None
    cut: list[tuple[float, float, np.ndarray]] = []
    for span, windows in zip(spans, partials):
        cut.extend(_split_at_changes(audio, span, windows, first))
    embeddings = np.stack([normalised(w.mean(axis=0)) for _, _, w in cut])
    seconds = np.array([e - s for s, e, _ in cut])
    grouping = group_two(embeddings, seconds) or assign(embeddings, seconds, first.centres)
    pieces = tuple(Piece(s, e, int(v), float(c))
                   for (s, e, _), v, c in zip(cut, grouping.labels, grouping.confidence))
    return VoiceSplit(pieces, grouping.centres)


def _split_at_changes(audio: np.ndarray, span: tuple[float, float], windows: Partials,
                      grouping: Grouping) -> list[tuple[float, float, np.ndarray]]:
    start, end = span
    if len(windows.embeddings) < 2 * MIN_WINDOWS:
        return [(start, end, windows.embeddings)]
    found = runs(best_labels(windows.embeddings @ grouping.centres.T))
    if len(found) == 1:
        return [(start, end, windows.embeddings)]
    cuts = [start]
    for (_, hi, _), (lo, _, _) in zip(found, found[1:]):
        # the change lies after the middle of the last window of the first voice and before the end of the first
        # window of the next (the LSTM hears the end of a window best): cut at the pause between them
        after = max(cuts[-1] + MIN_PIECE_S, start + float(windows.centres[hi - 1]))
        before = min(end - MIN_PIECE_S, start + float(windows.centres[lo]) + WINDOW_S / 2)
        cuts.append(quietest_point(audio, SAMPLE_RATE, after, before))
    cuts.append(end)
    return [(cuts[k], cuts[k + 1], windows.embeddings[lo:hi]) for k, (lo, hi, _) in enumerate(found)
            if cuts[k + 1] > cuts[k]]


@dataclass(frozen=True)
class Turn:
    """Neighbouring pieces of one voice, transcribed together; confidence is their time-weighted mean."""

    start: float
    end: float
    voice: int
    confidence: float


def turns(pieces: Sequence[Piece], gap: float = MERGE_GAP_S, longest: float = MAX_TURN_S) -> list[Turn]:
    """Merge same-voice neighbours separated by at most ``gap`` seconds into turns of at most ``longest``."""
    found: list[list[Piece]] = []
    for piece in sorted(pieces, key=lambda p: p.start):
        last = found[-1] if found else None
        if (last is not None and last[-1].voice == piece.voice and piece.start - last[-1].end <= gap
                and piece.end - last[0].start <= longest):
            last.append(piece)
        else:
            found.append([piece])
    result = []
    for group in found:
        total = sum(p.duration for p in group) or 1.0
        confidence = sum(p.confidence * p.duration for p in group) / total
        result.append(Turn(group[0].start, group[-1].end, group[0].voice, confidence))
    return result
