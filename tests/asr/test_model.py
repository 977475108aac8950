"""Model resolution: offline by default, one clear line when a model cannot be had."""

from __future__ import annotations

from pathlib import Path

import pytest

from copilot.asr.model import resolve_model
from copilot.errors import ModelError


def test_default_is_bundled_tiny_en() -> None:
    path = resolve_model()
    assert (path / "model.bin").stat().st_size == 75_537_502
    assert resolve_model("tiny.en") == path


def test_folder_is_accepted() -> None:
    folder = resolve_model()
    assert resolve_model(str(folder)) == folder


def test_not_a_model_folder(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="not a CTranslate2 Whisper model folder"):
        resolve_model(str(tmp_path))


def test_unknown_name() -> None:
    with pytest.raises(ModelError, match="unknown model"):
        resolve_model("gigantic")


def test_name_not_available_offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HF_HOME", str(tmp_path))  # an empty hub cache
    monkeypatch.delenv("COPILOT_ALLOW_DOWNLOAD", raising=False)
    with pytest.raises(ModelError, match="not available offline"):
        resolve_model("small.en")


def test_corrupt_bundled_model_is_caught(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A model whose bytes differ from the published sha256 is refused with a reinstall hint."""
    from copilot.asr import model as model_mod

    fake = tmp_path / "model"
    fake.mkdir()
    (fake / "model.bin").write_bytes(b"not a model")
    (fake / "config.json").write_text("{}")
    monkeypatch.setattr(model_mod.platformdirs, "user_cache_dir", lambda *a, **k: str(tmp_path / "cache"))
    with pytest.raises(ModelError, match="corrupt"):
        model_mod._verify_once(fake, model_mod.BUNDLED_SHA256)
