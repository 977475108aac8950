"""The speaker model's weights, read without torch and without trusting the file.

``pretrained.pt`` (resemblyzer 0.1.4, installed with ``pip install --no-deps`` and never imported) is a legacy
torch save: five pickles and raw storages. A pickle can run any code, so it is read with an unpickler that builds
only what a state-dict save needs (an OrderedDict, float tensors) and refuses every other class, after the file's
sha256 has been checked against the one this program was written for.
"""

from __future__ import annotations

import importlib.util
import io
import pickle
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from copilot.checksum import sha256_of
from copilot.errors import ModelError

WEIGHTS_NAME = "pretrained.pt"
WEIGHTS_SHA256 = "39373b86598fa3da9fcddee6142382efe09777e8d37dc9c0561f41f0070f134e"
FIX = "run ./run.sh setup (it installs resemblyzer 0.1.4 with --no-deps for its speaker model)"
_MAGIC = 0x1950A86A20F9469CFC6C
_PROTOCOL = 1001
_STORAGES = {"FloatStorage": np.dtype("<f4")}
_MODELS_DIR = Path(__file__).resolve().parents[2] / "models" / "speaker"


@dataclass(frozen=True)
class _StorageRef:
    """A storage named in the pickle; its bytes follow the pickles."""

    key: str
    dtype: np.dtype[Any]
    size: int


@dataclass(frozen=True)
class _TensorRef:
    """A tensor as the pickle describes it: a view into a storage."""

    storage: _StorageRef
    offset: int
    shape: tuple[int, ...]
    stride: tuple[int, ...]


def _rebuild_tensor_v2(storage: _StorageRef, offset: int, shape: tuple[int, ...], stride: tuple[int, ...],
                       *_: Any) -> _TensorRef:
    return _TensorRef(storage, int(offset), tuple(int(s) for s in shape), tuple(int(s) for s in stride))


class _StorageType:
    """Stands for ``torch.FloatStorage`` in a persistent id; never called."""

    def __init__(self, name: str) -> None:
        self.name = name


class RestrictedUnpickler(pickle.Unpickler):
    """Builds an OrderedDict of tensor references and nothing else: any other global is refused."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("collections", "OrderedDict"):
            return OrderedDict
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return _rebuild_tensor_v2
        if module == "torch" and name in _STORAGES:
            return _StorageType(name)
        raise pickle.UnpicklingError(f"refused {module}.{name}: not part of a tensor state dict")

    def persistent_load(self, pid: Any) -> _StorageRef:
        if not (isinstance(pid, tuple) and len(pid) >= 5 and pid[0] == "storage"
                and isinstance(pid[1], _StorageType)):
            raise pickle.UnpicklingError(f"refused persistent id {pid!r:.80}")
        return _StorageRef(str(pid[2]), _STORAGES[pid[1].name], int(pid[4]))


def default_weights_path() -> Path:
    """models/speaker/pretrained.pt beside the source if someone put it there, else resemblyzer's copy (found
    without importing the package, which would import torch)."""
    local = _MODELS_DIR / WEIGHTS_NAME
    if local.is_file():
        return local
    try:
        spec = importlib.util.find_spec("resemblyzer")
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.origin:
        return Path(spec.origin).parent / WEIGHTS_NAME
    return local


def load_state(path: Path | None = None, *, expected_sha256: str | None = WEIGHTS_SHA256) -> dict[str, np.ndarray]:
    """The weights as float32 arrays by name; ModelError (one line, naming the fix) when missing or altered."""
    path = path or default_weights_path()
    if not path.is_file():
        raise ModelError(f"the speaker model is missing ({path}); {FIX}")
    try:
        digest = sha256_of(path)
        data = path.read_bytes()
    except OSError as exc:
        raise ModelError(f"cannot read the speaker model {path} ({exc.strerror or exc}); {FIX}") from None
    if expected_sha256 is not None and digest != expected_sha256:
        raise ModelError(f"the speaker model {path} is not the expected file (sha256 {digest[:12]}…); {FIX}")
    try:
        return parse_legacy_save(data)
    except (pickle.UnpicklingError, ValueError, EOFError, KeyError, TypeError) as exc:
        raise ModelError(f"the speaker model {path} cannot be read ({exc}); {FIX}") from None


def parse_legacy_save(data: bytes) -> dict[str, np.ndarray]:
    """A legacy (pre-zip) torch save of ``{"model_state": OrderedDict[str, Tensor]}`` → arrays."""
    stream = io.BytesIO(data)

    def load() -> Any:
        return RestrictedUnpickler(stream).load()

    if load() != _MAGIC or load() != _PROTOCOL:
        raise ValueError("not a legacy torch save")
    info = load()
    if not isinstance(info, dict) or info.get("little_endian") is not True:
        raise ValueError("not a little-endian save")
    root = load()
    keys = load()
    if not isinstance(keys, list):
        raise ValueError("no storage list")
    storages: dict[str, np.ndarray] = {}
    for key in keys:
        count = int.from_bytes(stream.read(8), "little")
        ref = _find_storage(root, str(key))
        raw = stream.read(count * ref.dtype.itemsize)
        if len(raw) != count * ref.dtype.itemsize:
            raise ValueError("the file ends inside a storage")
        storages[str(key)] = np.frombuffer(raw, dtype=ref.dtype)
    state = root.get("model_state") if isinstance(root, dict) else None
    if not isinstance(state, dict):
        raise ValueError("no model_state")
    return {str(name): _materialise(t, storages) for name, t in state.items() if isinstance(t, _TensorRef)}


def _find_storage(root: Any, key: str) -> _StorageRef:
    state = root.get("model_state", {}) if isinstance(root, dict) else {}
    for tensor in state.values():
        if isinstance(tensor, _TensorRef) and tensor.storage.key == key:
            return tensor.storage
    return _StorageRef(key, np.dtype("<f4"), 0)  # a storage no tensor uses: read past it as float32


def _materialise(tensor: _TensorRef, storages: dict[str, np.ndarray]) -> np.ndarray:
    flat = storages[tensor.storage.key]
    itemsize = flat.dtype.itemsize
    view = np.lib.stride_tricks.as_strided(flat[tensor.offset:], shape=tensor.shape,
                                           strides=tuple(s * itemsize for s in tensor.stride), writeable=False)
    return np.array(view, dtype=np.float32)
