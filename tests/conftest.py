"""Fixtures shared across the suite: the test data under tests/data and one loaded speech model per session.

Nothing here reaches ``../shared``: a clone of the repository runs every test (measurements over the team's shared
material live in ``benchmarks/``; ``tests/test_architecture.py`` holds the suite to that)."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data"  # small calls that travel with the repository (tests/data/README.md)


@pytest.fixture(scope="session")
def testdata() -> Path:
    """The suite's own test data: four short two-channel calls, the silence file, one loudspeaker call and
    two real-speech clips."""
    assert (DATA / "calls").is_dir(), f"the test data is missing from {DATA}"
    return DATA


@pytest.fixture(scope="session")
def transcriber():
    """The real bundled tiny.en model, loaded once."""
    from copilot.asr.transcriber import Transcriber

    return Transcriber.load()
