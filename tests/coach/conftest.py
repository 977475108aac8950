"""Fixtures for the coach tests: the shared labelled endings (skipped cleanly when ../shared is absent)."""

from __future__ import annotations

from typing import Any

import pytest
from coach_helpers import HERE, SHARED, load_jsonl


@pytest.fixture(scope="session")
def endings() -> list[dict[str, Any]]:
    path = SHARED / "eval" / "endings.jsonl"
    if not path.is_file():
        pytest.skip("../shared/eval/endings.jsonl is not available")
    return load_jsonl(path)


@pytest.fixture(scope="session")
def own_endings() -> list[dict[str, Any]]:
    return load_jsonl(HERE / "data" / "asr_endings.jsonl")
