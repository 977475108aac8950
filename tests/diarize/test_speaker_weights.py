"""The speaker model's file: checked before it is read, and read without running anything it might hold."""

from __future__ import annotations

import io
import os
import pickle
from pathlib import Path

import pytest

from copilot.diarize.weights import RestrictedUnpickler, default_weights_path, load_state, parse_legacy_save
from copilot.errors import ModelError


def _legacy_save(root: object) -> bytes:
    """A legacy torch save's five pickles with ``root`` as the object (no storages)."""
    out = io.BytesIO()
    for part in (0x1950A86A20F9469CFC6C, 1001, {"little_endian": True}, root, []):
        pickle.dump(part, out, protocol=2)
    return out.getvalue()


def test_a_pickle_naming_a_foreign_global_is_refused() -> None:
    with pytest.raises(pickle.UnpicklingError, match="refused posix.system|refused nt.system"):
        RestrictedUnpickler(io.BytesIO(pickle.dumps(os.system))).load()


def test_a_save_whose_state_holds_a_foreign_object_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "pretrained.pt"
    path.write_bytes(_legacy_save({"model_state": {"w": Path("/etc/passwd")}}))
    with pytest.raises(ModelError) as err:
        load_state(path, expected_sha256=None)
    message = str(err.value)
    assert "refused pathlib" in message and "\n" not in message


def test_a_file_with_the_wrong_sha256_is_one_line_naming_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "pretrained.pt"
    path.write_bytes(_legacy_save({"model_state": {}}))
    with pytest.raises(ModelError) as err:
        load_state(path)
    message = str(err.value)
    assert "not the expected file" in message and "./run.sh setup" in message and "\n" not in message


def test_a_missing_file_is_one_line_naming_the_fix(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=r"missing .*\./run\.sh setup"):
        load_state(tmp_path / "nothing.pt")


def test_the_installed_weights_are_the_three_layer_lstm_and_projection() -> None:
    path = default_weights_path()
    assert path.is_file(), f"{path} is missing: ./run.sh setup installs resemblyzer 0.1.4 --no-deps"
    state = load_state(path)
    assert state["lstm.weight_ih_l0"].shape == (1024, 40)
    assert all(state[f"lstm.weight_hh_l{k}"].shape == (1024, 256) for k in range(3))
    assert state["linear.weight"].shape == (256, 256)


def test_a_save_that_is_not_a_legacy_torch_file_is_refused() -> None:
    with pytest.raises(ValueError):
        parse_legacy_save(pickle.dumps(42) + pickle.dumps(1001))
