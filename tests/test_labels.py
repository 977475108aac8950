"""One table of words per vertical (``copilot.session.labels``), held to the method's own names, and dates that
never go through the process locale."""

from __future__ import annotations

import ast
import locale
from datetime import date, datetime
from pathlib import Path

import pytest

from copilot.coach.playbook import VERTICALS, load_playbook
from copilot.coach.state import CRITERIA, OBJECTION_TYPES, STAGES
from copilot.session.labels import (
    ANY_VERTICAL,
    CRITERION_KEYS,
    OBJECTION_KEYS,
    OTHER_PARTY,
    STAGE_KEYS,
    labels_for,
    long_when,
    short_when,
)

PACKAGE = Path(__file__).resolve().parents[1] / "copilot"


def test_the_keys_are_the_method_s_own() -> None:
    assert CRITERION_KEYS == CRITERIA and STAGE_KEYS == STAGES and OBJECTION_KEYS == OBJECTION_TYPES
    for vertical in VERTICALS:
        words = labels_for(vertical)
        for table in (words.criteria, words.criteria_short, words.criterion_hints, words.criterion_phrases):
            assert tuple(table) == CRITERIA
        assert tuple(words.stages) == STAGES and tuple(words.stage_hints) == STAGES
        assert tuple(words.objections) == OBJECTION_TYPES
        assert sorted(words.ladder) == sorted(words.ladder_short) == [1, 2, 3, 4, 5]


@pytest.mark.parametrize("vertical", VERTICALS)
def test_the_other_party_is_the_playbook_s(vertical: str) -> None:
    """The coach's reason sentence ("the candidate never said yes") and the labels name the same person."""
    assert set(OTHER_PARTY) == set(VERTICALS)
    words = labels_for(vertical)
    assert words.other_party == load_playbook(vertical).other_party
    assert words.speakers == {"rep": "Rep", "prospect": words.party}
    assert words.speaker("rep", you=True) == "You"
    assert words.criterion("acknowledged", short=True) == f"{words.party} said yes"


def test_unknown_verticals_read_as_sales_and_the_pattern_speaks_of_the_other_side() -> None:
    assert labels_for(None) == labels_for("astrology") == labels_for("sales")
    assert labels_for("recruiting").speaker("prospect") == "Candidate"
    assert ANY_VERTICAL.criterion_phrases["acknowledged"] == "the other side's yes"


def test_dates_are_english_whatever_the_locale() -> None:
    when = datetime(2026, 11, 24, 14, 5)
    before = locale.setlocale(locale.LC_TIME)
    try:
        for name in ("de_DE.UTF-8", "fr_FR.UTF-8", "C.UTF-8", "C"):
            try:
                locale.setlocale(locale.LC_TIME, name)
            except locale.Error:
                continue
            assert long_when(when) == "Tuesday, November 24, 2026 at 2:05 PM"
            assert long_when(date(2027, 1, 15)) == "Friday, January 15, 2027"
            assert short_when(when) == "Tue 24 Nov, 2:05 pm"
            assert short_when(datetime(2026, 11, 24, 0, 0)) == short_when(date(2026, 11, 24)) == "Tue 24 Nov"
    finally:
        locale.setlocale(locale.LC_TIME, before)


def test_no_locale_dependent_date_formatting_in_the_program() -> None:
    """strftime's names (%a %A %b %B %p %c %x %X) follow the process locale, which Qt changes: never in copilot/."""
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "strftime":
                fmt = node.args[0] if node.args else None
                text = fmt.value if isinstance(fmt, ast.Constant) and isinstance(fmt.value, str) else None
                if text is None or any(f"%{c}" in text for c in "aAbBpcxXh"):
                    offenders.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    assert not offenders, offenders
