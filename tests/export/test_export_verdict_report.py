"""The verdict report in Markdown and PDF: everything the method asks for, readable, and robust."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest
from export_helpers import typed, with_state

from copilot.coach.state import CoachingMoment, Evidence, Metrics, Verdict
from copilot.coach.verdict import SPEAKERS_NOTE
from copilot.export.verdict_report import find_unicode_font, verdict_markdown, verdict_pdf

pypdf = pytest.importorskip("pypdf")


def _pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_markdown_has_every_section_of_the_method(verdict: Verdict) -> None:
    md = verdict_markdown(verdict)
    assert md.startswith("# Call verdict\n")
    assert "**Next step secured: YES**" in md
    assert verdict.reason in md
    for heading in (
        "## Next-step criteria",
        "## Next step",
        "## Commitment level: 4 of 5",
        "## The 5-minute close",
        "## Weak next steps",
        "## Objections",
        "## Coaching moments",
        "## Conversation metrics",
        "## Notes",
    ):
        assert heading in md, heading


def test_markdown_criteria_table_carries_evidence_and_times(verdict: Verdict) -> None:
    md = verdict_markdown(verdict)
    assert (
        '| Specific date/time or trigger | yes (datetime) | [28:59] Prospect: "Tuesday at 2 works. Send the invite." |'
        in md
    )
    assert "| Specific action | yes | [28:52] Rep: " in md
    assert '| Summarize | yes | [28:32] Rep: "Let me make sure I captured everything' in md


def test_markdown_next_step_commitment_and_coaching_lines(verdict: Verdict) -> None:
    md = verdict_markdown(verdict)
    assert "- **Action:** demo with your VP of engineering" in md
    assert "- **When:** Tuesday, November 24, 2026 at 2:00 PM (2026-11-24T14:00:00)" in md
    assert "- **Agreed by:** Rep, Prospect" in md
    assert "**4 - verbal agreement to a specific date/time**" in md
    assert "- 4 verbal agreement to a specific date/time   (this call)" in md
    assert (
        '- [28:10] "I\'ll send you some info after this and we can go from there." - Try: "Let\'s schedule a demo' in md
    )
    # an objection carries its own time and words
    assert '- [28:15] I need to think about it: "Honestly, I need to think about it." - Try: "What specific' in md
    control = (
        "- [28:59] Improvement - Control: Rep stated next step but didn't confirm prospect's agreement. "
        'Try: "Does 2pm Tuesday work on your end? I\'ll send the invite now."'
    )
    assert control in md
    # coaching moments are in time order
    assert md.index("[28:14] Improvement - Commitment") < md.index("[28:59] Improvement - Control")


def test_markdown_metrics(verdict: Verdict) -> None:
    md = verdict_markdown(verdict)
    assert "| Talk share | 72 % | 28 % |" in md
    assert "| Questions asked | 2 | 0 |" in md
    assert "**Longest monologue:** Rep, 9 s, at 28:32" in md
    assert "Conversation metrics" not in verdict_markdown(with_state(verdict, metrics=Metrics()))


def test_markdown_of_an_empty_verdict_is_honest() -> None:
    empty = typed({
        "next_steps_secured": False,
        "reason": "No next step was proposed.",
        "criteria": {},
        "stages": {},
        "next_step": None,
        "commitment_level": 1,
        "weak_next_steps": [],
        "objections": [],
        "coaching": [],
        "utterances": [],
    })
    md = verdict_markdown(empty)
    assert "**Next step secured: NO**" in md
    assert "No next step was put forward." in md
    assert "| Specific action | no | \u2014 |" in md
    assert "| Lock | no | \u2014 |" in md
    assert md.count("None heard.") == 2
    assert "No coaching moments." in md
    # even a verdict read from nothing at all renders (no KeyError/TypeError): the lowest rung, nothing heard
    bare = verdict_markdown(typed({}))
    assert "Commitment level: 1 of 5" in bare and "No next step was put forward." in bare


def test_markdown_labels_and_mono_note(verdict: Verdict) -> None:
    mono = replace(verdict, notes=(*verdict.notes, SPEAKERS_NOTE))  # what the coach notes on a mono call
    md = verdict_markdown(mono, labels={"rep": "Recruiter", "prospect": "Candidate"})
    assert "**Agreed by:** Recruiter, Candidate" in md
    assert "| Metric | Recruiter | Candidate |" in md
    assert "Speakers could not be told apart" in md


def test_markdown_cannot_be_broken_by_speech(verdict: Verdict) -> None:
    action = verdict.criteria["specific_action"]
    spoken = replace(action, evidence=(replace(action.evidence[0], text="a | b\nc *d* [x](y)"),))
    md = verdict_markdown(with_state(verdict, criteria={**verdict.criteria, "specific_action": spoken}))
    row = next(line for line in md.splitlines() if line.startswith("| Specific action"))
    assert row.count(" | ") == 2  # still three cells
    assert "a \\| b c \\*d\\* [x]\\(y)" in row


def test_pdf_is_a_real_pdf_with_the_reason(verdict: Verdict) -> None:
    data = verdict_pdf(verdict)
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    text = " ".join(_pdf_text(data).split())
    assert verdict.reason in text
    assert "Next step secured: YES" in text
    assert "Improvement - Control" in text


@pytest.mark.skipif(find_unicode_font() is None, reason="no Unicode TrueType font on this machine")
def test_pdf_with_a_unicode_font_keeps_non_latin_text(verdict: Verdict) -> None:
    verdict = replace(verdict, reason="Überprüfung — Кириллица, Ελληνικά, “quoted”.")
    text = _pdf_text(verdict_pdf(verdict))
    assert "Überprüfung — Кириллица, Ελληνικά, “quoted”." in text


def test_pdf_core_font_fallback_transliterates_instead_of_failing(verdict: Verdict) -> None:
    verdict = replace(verdict, reason="Café “quoted” — 日本 ok…")
    data = verdict_pdf(verdict, use_core_font=True)
    assert data.startswith(b"%PDF-")
    text = _pdf_text(data)
    assert 'Café "quoted" - ?? ok...' in text


def test_pdf_of_a_long_call_spans_pages(verdict: Verdict) -> None:
    long_verdict = with_state(verdict, coaching=tuple(
        CoachingMoment(60.0 * i, "Clarity", f"Moment number {i} with some words.", "Ask one question.")
        for i in range(120)))
    data = verdict_pdf(long_verdict)
    assert len(pypdf.PdfReader(io.BytesIO(data)).pages) > 2
    assert "Moment number 119 with some words." in _pdf_text(data)


def test_pdf_survives_a_broken_font_file(tmp_path: Path, verdict: Verdict) -> None:
    bogus = tmp_path / "bogus.ttf"
    bogus.write_bytes(b"not a font at all")
    data = verdict_pdf(verdict, font=bogus)
    assert data.startswith(b"%PDF-")
    assert verdict.reason in " ".join(_pdf_text(data).split())


def test_evidence_names_its_speaker_in_the_vertical_s_words(verdict: Verdict) -> None:
    """Evidence carries its speaker: a recruiting call's report says "Candidate", not "Prospect"."""
    md = verdict_markdown(replace(verdict, vertical="recruiting"))
    assert '[28:59] Candidate: "Tuesday at 2 works. Send the invite."' in md
    assert "- **Agreed by:** Rep, Candidate" in md and "| Metric | Rep | Candidate |" in md
    unnamed = Evidence(9, 1739.3, "Tuesday at 2 works.")  # evidence without a speaker is quoted without a name
    acked = replace(verdict.criteria["acknowledged"], evidence=(unnamed,))
    md = verdict_markdown(with_state(verdict, criteria={**verdict.criteria, "acknowledged": acked}))
    assert '| Both parties acknowledged | yes | [28:59] "Tuesday at 2 works." |' in md
