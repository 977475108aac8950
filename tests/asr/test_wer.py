from copilot.asr.wer import normalize, wer


def test_numbers_and_spelling_normalised() -> None:
    assert normalize("Forty-five minutes, the fourteenth at two, e-mail") == ["45", "minutes", "the", "14th", "at", "2", "email"]


def test_wer_counts_errors() -> None:
    assert wer([("your reps lose about six hours", "Your wraps lose about 6 hours.")]) == 1 / 6
    assert wer([("a b c", "a b c")]) == 0.0
    assert wer([("a b", "")]) == 1.0
