"""The rep's own voice, kept on the device: how a mono recording's rep is recognised by sound.

One small file in the data folder (``voice_profile.npz``, private like the history): the mean speaker embedding
of the rep's speech, how many seconds it rests on, when it was last updated, and which speaker model made it (a
profile from another model is meaningless and is ignored). Read with ``allow_pickle=False``: no code in it runs.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np

from copilot.diarize.encoder import normalised
from copilot.diarize.weights import WEIGHTS_SHA256

log = logging.getLogger(__name__)

FILE_NAME = "voice_profile.npz"
MODEL_TAG = WEIGHTS_SHA256[:16]
MAX_WEIGHT_S = 600.0  # an update never counts for less than this share, so the profile follows the rep's voice


@dataclass(frozen=True)
class VoiceProfile:
    """The rep's mean embedding (256,), the seconds of speech behind it and when it last changed."""

    embedding: np.ndarray
    seconds: float
    updated: str


class VoiceProfileStore:
    """Load, update and forget the profile in one data folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    @property
    def path(self) -> Path:
        return self.folder / FILE_NAME

    def load(self) -> VoiceProfile | None:
        """The stored profile, or None when there is none (a damaged or foreign one is logged and ignored)."""
        if not self.path.is_file():
            return None
        try:
            with np.load(self.path, allow_pickle=False) as data:
                if str(data["model"]) != MODEL_TAG:
                    log.warning("%s was made with another speaker model; it is ignored", self.path)
                    return None
                embedding = np.asarray(data["embedding"], dtype=np.float32)
                seconds = float(data["seconds"])
                updated = str(data["updated"])
        except (OSError, ValueError, KeyError, EOFError) as exc:
            log.warning("cannot read the voice profile %s (%s); it is ignored", self.path, exc)
            return None
        if embedding.shape != (256,) or not np.isfinite(embedding).all() or not np.isfinite(seconds):
            log.warning("the voice profile %s is damaged; it is ignored", self.path)
            return None
        return VoiceProfile(normalised(embedding), seconds, updated)

    def save(self, embedding: np.ndarray, seconds: float) -> VoiceProfile:
        """Replace the profile (OutputError when the folder cannot be written)."""
        from copilot.export.atomic import write_atomic
        from copilot.store.paths import ensure_private_dir, private_file

        profile = VoiceProfile(normalised(np.asarray(embedding, np.float32)), float(seconds),
                               datetime.now().replace(microsecond=0).isoformat())
        ensure_private_dir(self.folder)
        buffer = io.BytesIO()
        np.savez(buffer, embedding=profile.embedding, seconds=np.float64(profile.seconds),
                 updated=np.str_(profile.updated), model=np.str_(MODEL_TAG))
        private_file(self.path)
        write_atomic(self.path, buffer.getvalue())
        return profile

    def update(self, embedding: np.ndarray, seconds: float) -> VoiceProfile:
        """Blend new speech of the rep into the profile, weighted by seconds (the old part capped)."""
        old = self.load()
        if old is None:
            return self.save(embedding, seconds)
        kept = min(old.seconds, MAX_WEIGHT_S)
        blended = kept * old.embedding + seconds * normalised(np.asarray(embedding, np.float32))
        return self.save(blended, old.seconds + seconds)

    def forget(self) -> bool:
        """Delete the profile; False when there was none."""
        try:
            self.path.unlink()
        except FileNotFoundError:
            return False
        except OSError as exc:
            from copilot.errors import OutputError

            raise OutputError(f"cannot delete {self.path}: {exc.strerror or exc}") from None
        return True
