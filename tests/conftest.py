"""Fixtures shared across the suite: where ../shared is, and one loaded speech model per session."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = (REPO / ".." / "shared").resolve()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The team's shared test material; tests that need it skip cleanly where it is absent."""
    if not (SHARED / "calls").is_dir():
        pytest.skip("../shared is not available")
    return SHARED


@pytest.fixture(scope="session")
def transcriber():
    """The real bundled tiny.en model, loaded once."""
    from copilot.asr.transcriber import Transcriber

    return Transcriber.load()
