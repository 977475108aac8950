"""The sha256 of a file, read in blocks: how every model file the program loads is checked (the speech model, the
coach's sentence model), so a corrupted or substituted file is refused before it is used."""

from __future__ import annotations

import hashlib
from pathlib import Path


def sha256_of(path: Path) -> str:
    """Hex digest of the file at ``path`` (OSError when it cannot be read)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
