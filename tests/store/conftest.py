"""Fixtures for the store tests: a private data folder and a tiny disk (helpers live in store_helpers.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A data folder that does not exist yet (the store must create it)."""
    return tmp_path / "home"


@pytest.fixture
def tiny_disk(tmp_path: Path):
    """Mount a 64 KiB tmpfs (root only); yields a function mounting it on a given folder."""
    mounted: list[Path] = []

    def mount(where: Path, size: str = "64k") -> Path:
        where.mkdir(parents=True, exist_ok=True)
        if os.name != "posix" or not shutil.which("mount"):
            pytest.skip("needs mount")
        result = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", f"copilot-{uuid.uuid4().hex[:6]}",
                                 str(where)], capture_output=True, text=True, check=False)
        if result.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {result.stderr.strip()}")
        mounted.append(where)
        return where

    yield mount
    for where in reversed(mounted):
        subprocess.run(["umount", "-l", str(where)], check=False)
