"""Caption files as meeting tools export them (tests/data/captions), read into utterances; who is the rep."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copilot.errors import CopilotError, InputError, UsageError
from copilot.export.transcript_formats import to_srt, to_txt, to_vtt
from copilot.session.transcript import is_transcript_file, load_transcript
from copilot.session.utterance import Utterance

CAPTIONS = Path(__file__).resolve().parents[1] / "data" / "captions"


def said(path: Path, rep: str | None = None) -> list[tuple[str, float, float, str]]:
    return [(u.speaker, round(u.start, 3), round(u.end, 3), u.text) for u in load_transcript(path, rep).utterances]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def one_line(exc: pytest.ExceptionInfo[BaseException]) -> str:
    message = str(exc.value)
    assert "\n" not in message and message.strip() == message
    return message


def test_teams_webvtt_voice_spans_notes_styles_ids_settings_tags_and_entities() -> None:
    assert said(CAPTIONS / "teams.vtt", rep="Dana Lee") == [
        ("rep", 1.2, 4.8, "Thanks for walking me through the rollout plan, that helps a lot."),
        ("prospect", 5.1, 7.35, "Sure. The security review & the budget are the open items."),
        # two cues of one turn, cut mid-sentence by the caption tool: one utterance
        ("rep", 7.9, 12.4, "Would a call with your CISO next Tuesday at 2 pm work?"),
        ("prospect", 12.9, 14.1, "Yes, Tuesday at 2 works <for us>."),
        # two voices in one cue: the cue's time shared out by their words; Ann is the other party too, and her
        # turn stays her own although it follows Sam's closely
        ("prospect", 14.4, 15.4, "Sorry, joining late!"),
        ("rep", 15.4, 16.4, "No problem, Ann."),
    ]
    transcript = load_transcript(CAPTIONS / "teams.vtt", "Dana Lee")
    assert transcript.meta["format"] == "webvtt"
    assert transcript.meta["speakers"] == {"Dana Lee": "rep", "Sam Roy": "prospect", "Ann": "prospect"}
    assert transcript.speakers_separated and all(u.speaker_confidence == 1.0 for u in transcript.utterances)


def test_zoom_webvtt_names_before_the_words_and_short_cue_times() -> None:
    assert said(CAPTIONS / "zoom.vtt", rep="dana") == [
        ("rep", 1.0, 4.5, "So the next step is a pilot with your support team."),
        ("prospect", 5.0, 7.0, "That sounds right. We can start on the first of the month."),
        ("rep", 7.5, 9.0, "Great, I'll send the invite today."),
    ]


def test_srt_with_names_and_tags() -> None:
    assert said(CAPTIONS / "call.srt", rep="Sam Roy") == [
        ("prospect", 1.0, 4.5, "So the next step is a pilot with your support team."),
        ("rep", 5.0, 7.0, "That sounds right."),
        ("prospect", 7.5, 9.0, "Great, I'll send the invite today."),
    ]
    assert load_transcript(CAPTIONS / "call.srt", "Sam Roy").meta["format"] == "srt"


def test_plain_name_text_lines_get_times_from_their_words_in_order() -> None:
    transcript = load_transcript(CAPTIONS / "call.txt", "Dana Lee")
    assert [(u.speaker, u.text) for u in transcript.utterances] == [
        ("rep", "So the next step is a pilot with your support team."),
        ("prospect", "That sounds right. We can start on the first of the month."),
        ("rep", "Great, I'll send the invite today."),
    ]
    assert transcript.meta["synthetic_times"] is True and transcript.meta["format"] == "text"
    times = [(u.start, u.end) for u in transcript.utterances]
    assert all(start < end for start, end in times)
    assert all(a[1] < b[0] for a, b in zip(times, times[1:]))
    # more words, more time
    durations = [end - start for start, end in times]
    assert durations[1] > durations[0] > durations[2]


def test_speaker_headings_with_times_above_the_words_as_otter_and_zoom_write_them(tmp_path: Path) -> None:
    assert said(CAPTIONS / "otter.txt", rep="Dana Lee") == [
        ("rep", 3.0, 7.4, "So the next step is a pilot with your support team."),
        ("prospect", 9.0, 13.8, "That sounds right. We can start on the first of the month."),
        ("rep", 3735.0, 3737.4, "Great, I'll send the invite today."),
    ]
    zoom = write(tmp_path, "zoom.txt", "[Dana Lee] 00:00:03\nShall we say Friday?\n[Sam Roy] 00:00:07\nFriday.\n")
    assert said(zoom, rep="Sam") == [("prospect", 3.0, 4.6, "Shall we say Friday?"), ("rep", 7.0, 8.0, "Friday.")]
    # a line that merely ends in a time is words, not a heading
    words = write(tmp_path, "words.txt", "Dana Lee: Can we meet at\nTuesday 2:30\n")
    assert said(words, rep="Dana")[0][3] == "Can we meet at Tuesday 2:30"


def test_a_sentence_that_ends_before_a_pause_stays_its_own_turn(tmp_path: Path) -> None:
    path = write(tmp_path, "c.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v A>We could meet</v>\n\n"
                 "00:00:02.900 --> 00:00:04.000\n<v A>on Friday.</v>\n\n"
                 "00:00:04.500 --> 00:00:05.000\n<v A>Does that work?</v>\n\n"
                 "00:00:05.100 --> 00:00:06.000\n<v A>Or Monday.</v>\n")
    assert said(path, "A") == [("rep", 1.0, 4.0, "We could meet on Friday."),
                               ("rep", 4.5, 6.0, "Does that work? Or Monday.")]


def test_the_apps_own_exports_read_back_without_naming_the_rep(tmp_path: Path) -> None:
    utterances = (Utterance("rep", 0.5, 2.25, "Shall we book Tuesday at 2?"),
                  Utterance("prospect", 3.0, 4.5, "Yes, Tuesday at 2 <works> & fine."))
    for name, text in (("t.vtt", to_vtt(utterances)), ("t.srt", to_srt(utterances))):
        assert said(write(tmp_path, name, text)) == [(u.speaker, u.start, u.end, u.text) for u in utterances]
    back = load_transcript(write(tmp_path, "t.txt", to_txt(utterances)))
    assert [(u.speaker, u.start, u.text) for u in back.utterances] == [
        ("rep", 0.0, "Shall we book Tuesday at 2?"), ("prospect", 3.0, "Yes, Tuesday at 2 <works> & fine.")]
    assert back.meta["synthetic_times"] == "ends"  # the clock gives the starts, the words the ends


# --- which speaker is the rep ----------------------------------------------------------------------------------


def test_without_a_rep_one_line_lists_the_speakers_by_how_much_they_spoke() -> None:
    with pytest.raises(UsageError) as exc:
        load_transcript(CAPTIONS / "teams.vtt")
    assert one_line(exc) == (f"{CAPTIONS / 'teams.vtt'} names 3 speakers (Dana Lee 4 lines, Sam Roy 2, Ann 1): "
                             "say which is the rep with --rep NAME")


@pytest.mark.parametrize("rep", ["Dana Lee", "dana lee", "  DANA   lee ", "Dana", "dana"])
def test_the_rep_matches_whatever_the_case_and_spacing_or_by_a_unique_first_name(rep: str) -> None:
    assert [u.speaker for u in load_transcript(CAPTIONS / "zoom.vtt", rep).utterances] == ["rep", "prospect", "rep"]


def test_a_full_name_matches_a_speaker_known_only_by_first_name(tmp_path: Path) -> None:
    path = write(tmp_path, "c.txt", "Dana: Shall we meet Friday?\nSam Roy: Friday works.\n")
    assert [u.speaker for u in load_transcript(path, "Dana Lee").utterances] == ["rep", "prospect"]


def test_a_rep_who_matches_nobody_is_one_line_listing_the_names() -> None:
    with pytest.raises(UsageError) as exc:
        load_transcript(CAPTIONS / "zoom.vtt", "Pat")
    assert one_line(exc) == (f"{CAPTIONS / 'zoom.vtt'}: no speaker is named 'Pat' (Dana Lee 2 lines, Sam Roy 1): "
                             "say which is the rep with --rep NAME")


def test_a_first_name_two_speakers_share_asks_for_the_full_name(tmp_path: Path) -> None:
    path = write(tmp_path, "c.txt", "Dana Lee: Hi.\nDana Roy: Hello.\n")
    with pytest.raises(UsageError) as exc:
        load_transcript(path, "dana")
    assert one_line(exc) == f"{path}: the rep 'dana' could be Dana Lee or Dana Roy: give the full name with --rep NAME"


def test_captions_without_names_are_one_line(tmp_path: Path) -> None:
    path = write(tmp_path, "c.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nso what's the next step\n\n"
                 "00:00:02.500 --> 00:00:03.000\nlet's talk Friday\n")
    with pytest.raises(InputError) as exc:
        load_transcript(path, "Dana")
    assert one_line(exc) == (f"{path}: the captions name no speakers, so who said what is unknown; export them "
                             "with speaker names or analyze the recording")


def test_words_before_the_first_name_are_one_line(tmp_path: Path) -> None:
    path = write(tmp_path, "c.txt", "Call with Acme, notes\nDana Lee: Hi.\nSam: Hello.\n")
    with pytest.raises(InputError) as exc:
        load_transcript(path, "Dana")
    assert one_line(exc) == (f"{path}: line 1: words before any speaker is named ('Call with Acme, notes'); "
                             "each turn needs a 'Name: ' or <v Name>")


@pytest.mark.parametrize(("text", "expected"), [
    ("00:00:01.000 --> 00:00:02.000\n<v A>x</v>\n", "not a WebVTT file (its first line must be 'WEBVTT')"),
    ("WEBVTT\n\n00:00:01.000 -> 00:00:02.000\n<v A>x</v>\n",
     "line 3: expected a cue timing like '00:00:01.000 --> 00:00:04.000', found '00:00:01.000 -> 00:00:02.000'"),
    ("WEBVTT\n\n1\n00:00:01,000 --> 00:00:02,000\n<v A>x</v>\n",
     "line 4: expected a cue timing like '00:00:01.000 --> 00:00:04.000', found '00:00:01,000 --> 00:00:02,000'"),
    ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v A>x</v>\n\njust some words\n",
     "line 6: expected a cue timing like '00:00:01.000 --> 00:00:04.000', found 'just some words'"),
    ("WEBVTT\n\n00:61:01.000 --> 00:62:02.000\n<v A>x</v>\n", "line 3: minutes and seconds run from 00 to 59"),
    ("WEBVTT\n\n00:00:05.000 --> 00:00:02.000\n<v A>x</v>\n", "line 3: the cue ends before it starts"),
    ("WEBVTT\n00:00:01.000 --> 00:00:02.000\n<v A>x</v>\n",
     "line 2: a blank line must separate the WEBVTT header from the cues"),
    ("WEBVTT\n\nNOTE nothing here\n", "no captions in this WebVTT file"),
])
def test_a_webvtt_file_that_cannot_be_read_is_one_line_naming_its_line(tmp_path: Path, text: str,
                                                                        expected: str) -> None:
    path = write(tmp_path, "c.vtt", text)
    with pytest.raises(InputError) as exc:
        load_transcript(path, "A")
    assert one_line(exc) == f"{path}: {expected}"


def test_names_without_words_are_one_line(tmp_path: Path) -> None:
    path = write(tmp_path, "c.txt", "Dana Lee  0:03\n\nSam Roy  0:09\n")
    with pytest.raises(InputError) as exc:
        load_transcript(path, "Dana")
    assert one_line(exc) == f"{path}: the transcript names speakers but holds no words"


@pytest.mark.parametrize(("text", "expected"), [
    ("1\n00:00:01 --> 00:00:02\nA: x\n",
     "line 2: expected a cue timing like '00:00:01,000 --> 00:00:04,000', found '00:00:01 --> 00:00:02'"),
    ("1\nA: x\n", "line 1: expected a subtitle number and a timing like '00:00:01,000 --> 00:00:04,000', found '1'"),
    ("", "no captions in this SRT file"),
])
def test_an_srt_file_that_cannot_be_read_is_one_line(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, "c.srt", text)
    with pytest.raises(InputError) as exc:
        load_transcript(path, "A")
    assert one_line(exc) == f"{path}: {expected}"


def test_a_sentence_with_a_colon_is_not_taken_for_a_speaker(tmp_path: Path) -> None:
    path = write(tmp_path, "c.txt", "Dana Lee: Here's the thing: we need a date.\nSo here's my answer: Friday\n"
                 "Sam Roy: 10:30 works.\n")
    assert said(path, "Dana") == [
        ("rep", 0.0, 4.8, "Here's the thing: we need a date. So here's my answer: Friday"),
        ("prospect", 5.3, 6.3, "10:30 works."),
    ]


def test_a_known_name_on_a_later_line_of_a_cue_starts_that_speakers_turn(tmp_path: Path) -> None:
    path = write(tmp_path, "c.srt", "1\n00:00:01,000 --> 00:00:03,000\nDana Lee: Friday at ten?\n"
                 "Sam Roy: Friday at ten works.\n\n2\n00:00:04,000 --> 00:00:05,000\nSam Roy: See you then.\n")
    assert said(path, "Dana Lee") == [("rep", 1.0, 1.857, "Friday at ten?"),  # the cue's 2 s shared 3:4 by words
                                      ("prospect", 1.857, 3.0, "Friday at ten works."),
                                      ("prospect", 4.0, 5.0, "See you then.")]


def test_utf8_with_a_byte_order_mark_and_windows_line_ends(tmp_path: Path) -> None:
    path = tmp_path / "c.vtt"
    path.write_bytes(b"\xef\xbb\xbfWEBVTT\r\n\r\n00:00:01.000 --> 00:00:02.000\r\n<v Dana>Hi.</v>\r\n")
    assert said(path, "Dana") == [("rep", 1.0, 2.0, "Hi.")]


def test_text_that_is_not_utf8_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "c.srt"
    path.write_bytes("1\n00:00:01,000 --> 00:00:02,000\nJos\xe9: \xa1Hola!\n".encode("latin-1"))
    with pytest.raises(InputError) as exc:
        load_transcript(path, "José")
    assert one_line(exc) == f"{path}: not UTF-8 text (save the transcript as UTF-8)"


def test_transcript_files_are_told_by_their_suffix_or_their_first_bytes(tmp_path: Path, testdata: Path) -> None:
    for name in ("a.vtt", "a.SRT", "a.txt", "a.json"):
        assert is_transcript_file(tmp_path / name)
    vtt = write(tmp_path, "captions.cap", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v A>x</v>\n")
    srt = write(tmp_path, "subtitles", "1\n00:00:01,000 --> 00:00:02,000\nA: x\n")
    assert is_transcript_file(vtt) and is_transcript_file(srt)
    assert said(vtt, "A") == said(srt, "A") == [("rep", 1.0, 2.0, "x")]
    assert not is_transcript_file(testdata / "calls" / "sales-04.flac")


# --- whatever the file holds, a transcript or one line ---------------------------------------------------------

_PIECES = st.sampled_from(["WEBVTT", "\n", "\n\n", "\r\n", " ", "-->", "00:00:01.000", "01:02.500", "00:00:01,000",
                           "<v Dana Lee>", "<v.x Sam>", "</v>", "<i>", "&amp;", "&", "<", ">", "NOTE", "STYLE",
                           "Dana Lee: ", "Sam: ", "- Ann: ", "Dana Lee  0:03", "[Sam] 1:02:03", "1", "[00:00:05] ", "hello", "Friday at 2.", ":", "\ufeff"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(st.lists(_PIECES, max_size=40).map("".join), st.text(max_size=200)),
       suffix=st.sampled_from([".vtt", ".srt", ".txt"]), rep=st.sampled_from([None, "Dana Lee", "sam", "", "x"]))
def test_any_text_is_a_transcript_or_one_line(tmp_path: Path, text: str, suffix: str, rep: str | None) -> None:
    path = tmp_path / f"fuzz{suffix}"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        transcript = load_transcript(path, rep)
    except CopilotError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    for u in transcript.utterances:
        assert u.speaker in ("rep", "prospect") and 0 <= u.start <= u.end and u.text.strip() == u.text and u.text
    assert list(transcript.utterances) == sorted(transcript.utterances, key=lambda u: (u.start, u.end))


def test_an_hour_of_captions_and_a_100000_word_cue_read_in_well_under_a_second(tmp_path: Path) -> None:
    cues = [f"{i}/0\n{i // 60:02d}:{i % 60:02d}.000 --> {i // 60:02d}:{i % 60:02d}.900\n"
            f"<v {'Dana Lee' if i % 2 else 'Sam Roy'}>Let's find a time that works for your whole team.</v>\n"
            for i in range(3600)]
    hour = write(tmp_path, "hour.vtt", "WEBVTT\n\n" + "\n".join(cues))
    long = write(tmp_path, "long.srt", "1\n00:00:01,000 --> 01:00:00,000\nDana Lee: " + "word " * 100_000 + "\n")
    started = time.perf_counter()
    assert len(load_transcript(hour, "Dana Lee").utterances) == 3600
    assert len(load_transcript(long, "Dana Lee").utterances[0].text.split()) == 100_000
    assert time.perf_counter() - started < 2.0
