"""Transcript formats: text lines, Markdown, SRT/WebVTT timing, and a JSON that reads back the same."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import pytest

from copilot.errors import InputError
from copilot.export.transcript_formats import to_json, to_markdown, to_srt, to_txt, to_vtt
from copilot.session.transcript import load_transcript, parse_transcript
from copilot.session.utterance import Utterance


def test_txt_lines_have_clock_speaker_and_text(utterances: tuple[Utterance, ...]) -> None:
    lines = to_txt(utterances).splitlines()
    assert len(lines) == len(utterances)
    assert lines[0] == "[00:28:10] Rep: I'll send you some info after this and we can go from there."
    assert lines[1] == "[00:28:15] Prospect: Honestly, I need to think about it."
    assert lines[-1].endswith("Café con leche on me — “promise”.")


def test_txt_clock_floors_and_shows_hours() -> None:
    calls = [Utterance("rep", 65.9, 70.0, "one"), Utterance("prospect", 3725.0, 3726.0, "two")]
    assert to_txt(calls) == "[00:01:05] Rep: one\n[01:02:05] Prospect: two\n"


def test_labels_can_be_overridden(utterances: tuple[Utterance, ...]) -> None:
    text = to_txt(utterances, labels={"rep": "Recruiter", "prospect": "Candidate"})
    assert text.splitlines()[0].startswith("[00:28:10] Recruiter: ")
    assert text.splitlines()[1].startswith("[00:28:15] Candidate: ")
    assert "Rep:" not in text and "Prospect:" not in text


def test_partials_and_blank_utterances_are_left_out_and_order_is_by_time() -> None:
    calls = [
        Utterance("prospect", 5.0, 6.0, "second"),
        Utterance("rep", 1.0, 2.0, "first"),
        Utterance("rep", 7.0, 8.0, "still talk", final=False),
        Utterance("rep", 9.0, 9.5, "   "),
    ]
    assert to_txt(calls) == "[00:00:01] Rep: first\n[00:00:05] Prospect: second\n"
    assert len(re.findall(r"-->", to_srt(calls))) == 2


def test_markdown_escapes_markup_in_speech(utterances: tuple[Utterance, ...]) -> None:
    tricky = [Utterance("rep", 0.0, 1.0, "Use *this* <b>now</b> [link](http://x) | pipe")]
    md = to_markdown(tricky)
    assert md.startswith("# Call transcript\n")
    assert "**[00:00:00] Rep:** Use \\*this\\* \\<b\\>now\\</b\\> [link]\\(http://x) \\| pipe" in md
    full = to_markdown(utterances, started_at=datetime(2026, 11, 21, 14, 0))
    assert "Call started 2026-11-21 14:00" in full
    assert full.count("**[00:") == len(utterances)


def _srt_cues(text: str) -> list[tuple[int, str, str, str]]:
    cues = []
    for block in text.strip().split("\n\n"):
        number, timing, *lines = block.split("\n")
        start, end = timing.split(" --> ")
        cues.append((int(number), start, end, "\n".join(lines)))
    return cues


def _seconds(stamp: str) -> float:
    hours, minutes, rest = stamp.replace(",", ".").split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(rest)


def test_srt_numbering_and_millisecond_timing(utterances: tuple[Utterance, ...]) -> None:
    cues = _srt_cues(to_srt(utterances))
    assert [c[0] for c in cues] == list(range(1, len(utterances) + 1))
    assert cues[0][1:] == (
        "00:28:10,000",
        "00:28:14,500",
        "Rep: I'll send you some info after this and we can go from there.",
    )
    assert cues[4][1:3] == ("00:28:32,400", "00:28:41,250")
    for (_, start, end, _), u in zip(cues, utterances):
        assert re.fullmatch(r"\d\d:\d\d:\d\d,\d\d\d", start) and re.fullmatch(r"\d\d:\d\d:\d\d,\d\d\d", end)
        assert _seconds(start) == pytest.approx(u.start, abs=0.0005)
        assert _seconds(end) == pytest.approx(u.end, abs=0.0005)


def test_srt_edge_times_round_to_the_millisecond_without_overflow() -> None:
    calls = [Utterance("rep", 59.9996, 3599.9996, "a"), Utterance("prospect", 4000.0, 4000.0, "b")]
    cues = _srt_cues(to_srt(calls))
    assert cues[0][1:3] == ("00:01:00,000", "01:00:00,000")
    assert cues[1][1:3] == ("01:06:40,000", "01:06:40,000")


def test_cue_text_cannot_break_the_cue() -> None:
    calls = [Utterance("rep", 0.0, 1.0, "line one\n\nline two --> three")]
    srt = to_srt(calls)
    assert _srt_cues(srt)[0][3] == "Rep: line one line two -> three"
    vtt = to_vtt(calls)
    assert vtt.count("-->") == 1


def test_vtt_header_timing_and_voice_spans(utterances: tuple[Utterance, ...]) -> None:
    vtt = to_vtt(utterances)
    assert vtt.startswith("WEBVTT\n\n")
    blocks = vtt.strip().split("\n\n")[1:]
    assert len(blocks) == len(utterances)
    timing, text = blocks[1].split("\n")
    assert timing == "00:28:15.000 --> 00:28:18.200"
    assert text == "<v Prospect>Honestly, I need to think about it.</v>"
    for block, u in zip(blocks, utterances):
        start, end = block.split("\n")[0].split(" --> ")
        assert _seconds(start) == pytest.approx(u.start, abs=0.0005)
        assert _seconds(end) == pytest.approx(u.end, abs=0.0005)


def test_vtt_escapes_html_significant_characters() -> None:
    vtt = to_vtt([Utterance("rep", 0.0, 1.0, "A&B <script> 5 > 3")])
    assert "<v Rep>A&amp;B &lt;script&gt; 5 &gt; 3</v>" in vtt


def test_json_round_trips_through_parse_transcript(utterances: tuple[Utterance, ...]) -> None:
    started = datetime(2026, 11, 21, 14, 0)
    text = to_json(utterances, started_at=started, vertical="sales")
    data = json.loads(text)
    assert set(data) == {"utterances", "started_at", "vertical"}
    assert data["utterances"][0] == {"speaker": "rep", "start": 1690.0, "end": 1694.5, "text": utterances[0].text}
    back = parse_transcript(data)
    assert back.utterances == utterances
    assert back.started_at == started
    assert back.vertical == "sales"
    assert back.speakers_separated is True


def test_json_keeps_mono_flag_and_unicode(tmp_path: Path) -> None:
    calls = [Utterance("rep", 0.25, 1.5, "Ça va — 日本")]
    text = to_json(calls, speakers_separated=False, started_at="2026-11-21T09:30:00+01:00")
    assert "日本" in text  # not \u-escaped
    path = tmp_path / "t.json"
    path.write_text(text, encoding="utf-8")
    back = load_transcript(path)
    assert back.utterances == tuple(calls)
    assert back.speakers_separated is False
    assert back.started_at is not None and back.started_at.utcoffset() is not None


def test_json_rejects_a_bad_started_at() -> None:
    with pytest.raises(InputError, match="started_at"):
        to_json([], started_at="next tuesday")


def test_empty_call_gives_valid_empty_files() -> None:
    assert to_txt([]) == ""
    assert to_srt([]) == ""
    assert to_vtt([]) == "WEBVTT\n"
    assert parse_transcript(json.loads(to_json([]))).utterances == ()
    assert "Nothing was said" in to_markdown([])


@pytest.mark.parametrize("name", ["itsd-04", "sales-04", "cs-04", "recruiting-02"])
def test_real_calls_round_trip(testdata: Path, name: str) -> None:
    path = testdata / "calls" / f"{name}.json"
    call = parse_transcript(json.loads(path.read_text(encoding="utf-8")), str(path))
    assert parse_transcript(json.loads(to_json(call.utterances))).utterances == call.utterances
    assert len(_srt_cues(to_srt(call.utterances))) == len(call.utterances)
    assert len(to_txt(call.utterances).splitlines()) == len(call.utterances)
