"""The token index the readers use is a binary search over the text's spaces: it must give exactly what counting
spaces gave (a pasted hour-long paragraph made that count quadratic)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from copilot.coach.text import tok_at, words_of


def _counted(padded: str, char: int) -> int:
    return max(0, padded[: char + 1].count(" ") - 1)


@given(st.lists(st.sampled_from(["ok", "tuesday", "at", "10", "the", "demo", "|", "works"]), min_size=0, max_size=40),
       st.data())
def test_token_at_a_character_is_the_counted_token(tokens: list[str], data: st.DataObject) -> None:
    padded = " " + " ".join(tokens) + " "
    char = data.draw(st.integers(min_value=0, max_value=len(padded) - 1))
    assert tok_at(padded, char) == _counted(padded, char)
    assert words_of(padded) == tuple(padded.split())


def test_a_long_text_is_indexed_once_and_still_exact() -> None:
    padded = " " + " ".join(f"w{i}" for i in range(50_000)) + " "
    for char in (0, 1, 2, 3, len(padded) // 2, len(padded) - 2, len(padded) - 1):
        assert tok_at(padded, char) == _counted(padded, char)
