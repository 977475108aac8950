"""The verdict's JSON is a stable interface (DESIGN.md): ``copilot analyze … --json`` prints exactly the keys and the
value types of the committed golden shape, whatever the coach concludes on the call."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

GOLDEN = Path(__file__).resolve().parent / "golden" / "verdict_shape.json"
CALL = Path(__file__).resolve().parents[1] / "data" / "calls" / "itsd-04.json"
SCALARS = {
    "bool": lambda v: isinstance(v, bool),
    "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "str": lambda v: isinstance(v, str),
    "null": lambda v: v is None,
    "object": lambda v: isinstance(v, dict),
}


def mismatches(value: Any, shape: Any, shapes: dict[str, Any], where: str = "verdict") -> list[str]:
    """Where ``value`` does not have ``shape`` (see the golden file's ``_doc``); empty when it does."""
    if isinstance(shape, dict):
        if not isinstance(value, dict):
            return [f"{where}: expected an object, got {type(value).__name__}"]
        found = [] if list(value) == list(shape) else [f"{where}: keys {list(value)} != {list(shape)}"]
        return found + [m for key in shape if key in value
                        for m in mismatches(value[key], shape[key], shapes, f"{where}.{key}")]
    if isinstance(shape, list):
        if not isinstance(value, list):
            return [f"{where}: expected a list, got {type(value).__name__}"]
        return [m for i, item in enumerate(value) for m in mismatches(item, shape[0], shapes, f"{where}[{i}]")]
    options = str(shape).split("|")
    for option in options:
        if option.startswith("@"):
            if not mismatches(value, shapes[option[1:]], shapes, where):
                return []
        elif SCALARS[option](value):
            return []
    named = [o for o in options if o.startswith("@")]
    if len(options) == 1 and named:
        return mismatches(value, shapes[named[0][1:]], shapes, where)
    return [f"{where}: {value!r} is not {shape}"]


def test_analyze_json_has_exactly_the_golden_shape(tmp_path: Path) -> None:
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    env = dict(os.environ, COPILOT_HOME=str(tmp_path / "home"))
    proc = subprocess.run([sys.executable, "-m", "copilot", "analyze", str(CALL), "--json", "--no-save",
                           "--started-at", "2026-11-19T10:00:00"], capture_output=True, text=True, env=env,
                          timeout=300, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("\n") == 1  # one JSON object on one line
    verdict = json.loads(proc.stdout)
    assert list(verdict) == list(golden["verdict"])  # exactly these top-level keys, in this order
    assert set(golden["design_keys"]) <= set(verdict)  # DESIGN.md's keys, all of them
    assert mismatches(verdict, golden["verdict"], golden["shapes"]) == []
    # the shapes that matter most are really exercised by this call, not vacuously true on empty lists
    assert verdict["next_step"] is not None and verdict["next_step"]["evidence"]
    assert any(c["evidence"] for c in verdict["criteria"].values())
    assert any(s["evidence"] for s in verdict["stages"].values())
    assert verdict["utterances"] and 1 <= verdict["commitment_level"] <= 5


def test_the_shape_checker_catches_a_changed_shape() -> None:
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    shapes = golden["shapes"]
    good = {"utterance": 0, "t": 1.5, "text": "hi", "speaker": "rep"}
    assert mismatches(good, shapes["evidence"], shapes) == []
    assert mismatches({**good, "t": "1.5"}, shapes["evidence"], shapes)  # a type changed
    assert mismatches({k: v for k, v in good.items() if k != "speaker"}, shapes["evidence"], shapes)  # a key lost
    assert mismatches({**good, "extra": 1}, shapes["evidence"], shapes)  # a key added
    assert mismatches([good, {**good, "utterance": True}], ["@evidence"], shapes)  # one bad item in a list
    assert mismatches(None, "@next_step", shapes) and not mismatches(None, "@next_step|null", shapes)
