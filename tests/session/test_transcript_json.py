"""Bad transcript JSON never hurts: a byte-order mark is accepted, deep nesting is one line (not a RecursionError),
a speaker's confidence is read and checked."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from copilot.errors import InputError
from copilot.export.transcript_formats import to_json
from copilot.session.transcript import load_transcript, parse_transcript
from copilot.session.utterance import Utterance

DEEP = {
    "lists": "[" * 3000 + "]" * 3000,
    "objects": '{"a":' * 3000 + "1" + "}" * 3000,
    "utterances": '{"utterances": ' + "[" * 3000 + "]" * 3000 + "}",
    "a field": '{"utterances": [{"speaker": "rep", "start": 0, "end": 1, "text": ' + "[" * 2000 + "]" * 2000 + "}]}",
}


def _one_line(exc: pytest.ExceptionInfo[BaseException]) -> str:
    message = str(exc.value)
    assert "\n" not in message and len(message) < 300
    return message


def test_a_json_saved_with_a_byte_order_mark_is_read(tmp_path: Path, testdata: Path) -> None:
    source = testdata / "calls" / "sales-04.json"
    plain = load_transcript(source)
    for name, data in (("utf8-bom.json", b"\xef\xbb\xbf" + source.read_bytes()),
                       ("utf16.json", source.read_text(encoding="utf-8").encode("utf-16"))):
        (tmp_path / name).write_bytes(data)
        assert load_transcript(tmp_path / name).utterances == plain.utterances
        assert len(plain.utterances) == 8


@pytest.mark.parametrize("kind", sorted(DEEP))
def test_json_nested_thousands_of_levels_deep_is_one_line(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "deep.json"
    path.write_text(DEEP[kind], encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_transcript(path)
    assert _one_line(exc) == f"{path}: not a transcript (its JSON nests more than 64 levels deep; a transcript needs 3)"


def test_brackets_inside_the_words_are_words(tmp_path: Path) -> None:
    path = tmp_path / "call.json"
    words = "[" * 5000 + '{\\"' + "}" * 10
    path.write_text('{"utterances": [{"speaker": "rep", "start": 0, "end": 1, "text": "' + words + '"}]}')
    assert load_transcript(path).utterances[0].text == "[" * 5000 + '{"' + "}" * 10


def test_a_value_nested_less_deep_is_named_without_being_printed(tmp_path: Path) -> None:
    path = tmp_path / "call.json"
    path.write_text('{"utterances": [{"speaker": "rep", "start": ' + "[" * 60 + "]" * 60 + ', "end": 1, "text": ""}]}')
    with pytest.raises(InputError) as exc:
        load_transcript(path)
    assert _one_line(exc) == f"{path}: utterance 0: start must be a number of seconds, not a JSON list"


def test_a_huge_wrong_value_is_cut_short_in_the_message() -> None:
    with pytest.raises(InputError) as exc:
        parse_transcript({"utterances": [{"speaker": "x" * 100_000, "start": 0, "end": 1, "text": ""}]}, "t.json")
    assert _one_line(exc).startswith("t.json: utterance 0: speaker must be \"rep\" or \"prospect\", not 'xxxx")


def test_speaker_confidence_is_read_and_written_back() -> None:
    data = {"utterances": [{"speaker": "rep", "start": 0, "end": 1, "text": "hi", "speaker_confidence": 0.62},
                           {"speaker": "prospect", "start": 1, "end": 2, "text": "hello"}]}
    utterances = parse_transcript(data).utterances
    assert [u.speaker_confidence for u in utterances] == [0.62, 1.0]
    assert parse_transcript(json.loads(to_json(utterances))).utterances == utterances


@pytest.mark.parametrize("value", [0.3, 1.5, -1, "high", True, None])
def test_a_speaker_confidence_out_of_range_is_one_line(value: object) -> None:
    raw: dict[str, object] = {"speaker": "rep", "start": 0, "end": 1, "text": "hi", "speaker_confidence": value}
    if value is None:  # written as null: the same as absent
        assert parse_transcript({"utterances": [raw]}).utterances == (Utterance("rep", 0.0, 1.0, "hi"),)
        return
    with pytest.raises(InputError) as exc:
        parse_transcript({"utterances": [raw]}, "t.json")
    assert _one_line(exc) == f"t.json: utterance 0: speaker_confidence must be a number from 0.5 to 1, not {value!r}"


def test_cli_deep_json_exits_1_with_one_line(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text(DEEP["lists"], encoding="utf-8")
    env = dict(os.environ, COPILOT_HOME=str(tmp_path / "home"))
    proc = subprocess.run([sys.executable, "-m", "copilot", "analyze", str(path), "--no-save"], capture_output=True,
                          text=True, env=env, timeout=300, stdin=subprocess.DEVNULL)
    assert proc.returncode == 1 and proc.stdout == ""
    assert "Traceback" not in proc.stderr and "RecursionError" not in proc.stderr
    assert proc.stderr.splitlines() == [f"copilot: {path}: not a transcript (its JSON nests more than 64 levels deep; "
                                        "a transcript needs 3)"]
