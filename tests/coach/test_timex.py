"""Time expressions in speech: the labelled phrase set (>= 150 phrases) and resolution against the call date."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from coach_helpers import CALL_DATE

from copilot.coach.text import normalize
from copilot.coach.timex import classify, find_times, resolve

PHRASES = Path(__file__).resolve().parent / "data" / "time_phrases.tsv"


def _rows() -> list[tuple[str, str, str]]:
    rows = []
    for line in PHRASES.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        label, iso, phrase = line.split("\t")
        rows.append((label, iso, phrase))
    return rows


ROWS = _rows()


def test_the_phrase_set_is_big_enough_and_covers_every_label() -> None:
    assert len(ROWS) >= 150
    assert {r[0] for r in ROWS} == {"specific", "vague", "past", "none"}


@pytest.mark.parametrize("label,iso,phrase", ROWS, ids=[r[2] for r in ROWS])
def test_phrase(label: str, iso: str, phrase: str) -> None:
    got, when = classify(phrase, CALL_DATE)
    assert got == label, f"{phrase!r} read as {got}"
    if iso != "-":
        assert when is not None and when.strftime("%Y-%m-%dT%H:%M:%S") == iso


def test_weekday_resolves_to_the_next_one_after_the_call() -> None:
    # the call is on a Wednesday: "wednesday" is the one a week later, never the call day itself
    assert classify("wednesday at 2", CALL_DATE)[1] == datetime(2026, 11, 25, 14, 0)
    assert classify("tuesday at 2 p.m.", datetime(2026, 11, 23, 9, 0))[1] == datetime(2026, 11, 24, 14, 0)


def test_date_with_weekday_picks_the_matching_month() -> None:
    # "tuesday the 14th" after 18 Nov 2026: the next 14th that is a Tuesday (September 2027 is too far
    # only if a nearer one exists); December 14th 2026 is a Monday, so the next Tuesday-14th is chosen
    when = classify("tuesday the 14th at 2", CALL_DATE)[1]
    assert when is not None and when.day == 14 and when.weekday() == 1 and when.hour == 14


def test_alternatives_share_the_half_of_day() -> None:
    toks = normalize("I can be there at 6:30 or 7:30").tokens
    a, b = find_times(toks)
    assert resolve(a, CALL_DATE).hour == 18  # type: ignore[union-attr]
    assert resolve(b, CALL_DATE).hour == 19  # type: ignore[union-attr]


def test_business_hours_decide_am_and_pm() -> None:
    assert classify("at 9", CALL_DATE)[1] == datetime(2026, 11, 18, 9, 0)
    assert classify("at 3", CALL_DATE)[1] == datetime(2026, 11, 18, 15, 0)
    assert classify("at 12", CALL_DATE)[1] == datetime(2026, 11, 18, 12, 0)
    assert classify("at 9 pm", CALL_DATE)[1] == datetime(2026, 11, 18, 21, 0)


def test_invalid_dates_do_not_crash() -> None:
    assert classify("february 31st", CALL_DATE)[0] in ("specific", "none", "vague")
    assert classify("the 45th", CALL_DATE)[0] == "none"
    assert classify("at 99", CALL_DATE)[0] == "none"


def test_normalize_handles_asr_forms() -> None:
    assert normalize("um, Tuesday at two thirty p.m.?").text == "tuesday at 2:30 pm"
    assert normalize("We'll be in touch").text == "well be in touch"
    assert normalize("at for thirty").text == "at 4:30"
    assert normalize("the twenty first").text == "the 21st"
