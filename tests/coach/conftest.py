"""Fixtures for the coach tests: the regression endings written while the rules were built (in the repository)."""

from __future__ import annotations

from typing import Any

import pytest
from coach_helpers import HERE, load_jsonl


@pytest.fixture(scope="session")
def own_endings() -> list[dict[str, Any]]:
    return load_jsonl(HERE / "data" / "asr_endings.jsonl")
