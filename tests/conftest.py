"""Fixtures shared across the suite: the test data under tests/data, ../shared where a test really needs it,
and one loaded speech model per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data"  # small calls that travel with the repository (tests/data/README.md)
SHARED = (REPO / ".." / "shared").resolve()
NO_SHARED_ENV = "COPILOT_TESTS_NO_SHARED"  # "1": behave as a clone with nothing beside it


def shared_available() -> bool:
    """../shared is there, and the run was not asked to do without it."""
    return os.environ.get(NO_SHARED_ENV) != "1" and (SHARED / "calls").is_dir()


@pytest.fixture(scope="session")
def testdata() -> Path:
    """The suite's own test data: four short two-channel calls, the silence file, one loudspeaker call and
    two real-speech clips."""
    assert (DATA / "calls").is_dir(), f"the test data is missing from {DATA}"
    return DATA


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The team's shared test material, for the few tests that measure over all of it; they skip cleanly where it
    is absent (or ``COPILOT_TESTS_NO_SHARED=1``)."""
    if not shared_available():
        pytest.skip("../shared is not available")
    return SHARED


@pytest.fixture(scope="session")
def transcriber():
    """The real bundled tiny.en model, loaded once."""
    from copilot.asr.transcriber import Transcriber

    return Transcriber.load()
