"""write_exports: every file of a call in one folder, atomically, and honest failure on a bad folder."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from export_helpers import typed, with_step
from icalendar import Calendar

from copilot.coach.state import Verdict
from copilot.errors import OutputError
from copilot.export import bundle
from copilot.export.bundle import EXPORT_NAMES, write_exports
from copilot.export.transcript_formats import to_markdown, to_srt, to_txt, to_vtt
from copilot.export.verdict_report import verdict_markdown
from copilot.session.transcript import load_transcript, parse_transcript
from copilot.session.utterance import Utterance


def _no_temp_files(folder: Path) -> bool:
    return not [p for p in folder.iterdir() if p.name.startswith(".")]


def test_writes_every_export(tmp_path: Path, utterances: tuple[Utterance, ...], verdict: Verdict) -> None:
    out = tmp_path / "out" / "call-1"
    written = write_exports(out, utterances, verdict, started_at="2026-11-21T14:00:00")
    assert [p.name for p in written] == list(EXPORT_NAMES)
    assert all(p.parent == out for p in written)
    assert sorted(p.name for p in out.iterdir()) == sorted(EXPORT_NAMES)
    assert _no_temp_files(out)

    assert (out / "transcript.txt").read_text(encoding="utf-8") == to_txt(utterances)
    assert (out / "transcript.md").read_text(encoding="utf-8") == to_markdown(
        utterances, started_at="2026-11-21T14:00:00"
    )
    assert (out / "transcript.srt").read_text(encoding="utf-8") == to_srt(utterances)
    assert (out / "transcript.vtt").read_text(encoding="utf-8") == to_vtt(utterances)
    transcript = load_transcript(out / "transcript.json")
    assert transcript.utterances == utterances
    assert transcript.started_at is not None and transcript.started_at.hour == 14
    assert (out / "verdict.json").read_text(encoding="utf-8") == json.dumps(verdict.to_json(), indent=2,
                                                                            ensure_ascii=False)
    assert typed(json.loads((out / "verdict.json").read_text(encoding="utf-8"))) == verdict  # read back, the same
    assert (out / "verdict.md").read_text(encoding="utf-8") == verdict_markdown(verdict)
    assert (out / "verdict.pdf").read_bytes().startswith(b"%PDF-")
    message = message_from_bytes((out / "recap.eml").read_bytes(), policy=policy.default)
    assert message["X-Unsent"] == "1"
    assert "demo with your VP of engineering" in message.get_content()
    calendar = Calendar.from_ical((out / "next_step.ics").read_bytes())
    assert [str(e["summary"]) for e in calendar.walk("VEVENT")] == ["Demo with your VP of engineering"]


def test_pdf_in_the_bundle_parses(tmp_path: Path, utterances: tuple[Utterance, ...], verdict: Verdict) -> None:
    pypdf = pytest.importorskip("pypdf")
    write_exports(tmp_path, utterances, verdict)
    reader = pypdf.PdfReader(io.BytesIO((tmp_path / "verdict.pdf").read_bytes()))
    assert verdict.reason in " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_no_invite_without_a_resolved_time(
    tmp_path: Path, utterances: tuple[Utterance, ...], verdict: Verdict
) -> None:
    written = write_exports(tmp_path, utterances, with_step(verdict, when=None))
    assert "next_step.ics" not in [p.name for p in written]
    assert not (tmp_path / "next_step.ics").exists()
    assert len(written) == len(EXPORT_NAMES) - 1


def test_utterances_default_to_the_verdicts_own(
    tmp_path: Path, utterances: tuple[Utterance, ...], verdict: Verdict
) -> None:
    write_exports(tmp_path, None, verdict)
    assert (tmp_path / "transcript.txt").read_text(encoding="utf-8") == to_txt(utterances)


def test_unwritable_out_fails_before_writing_anything(
    tmp_path: Path, utterances: tuple[Utterance, ...], verdict: Verdict
) -> None:
    blocker = tmp_path / "out"
    blocker.write_text("a file, not a folder")
    with pytest.raises(OutputError, match="not a folder"):
        write_exports(blocker, utterances, verdict)
    with pytest.raises(OutputError):
        write_exports(blocker / "deeper", utterances, verdict)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert blocker.read_text() == "a file, not a folder"


def test_rewriting_replaces_old_exports_completely(
    tmp_path: Path, utterances: tuple[Utterance, ...], verdict: Verdict
) -> None:
    write_exports(tmp_path, utterances, verdict)
    write_exports(tmp_path, utterances[:3], replace(verdict, reason="Changed after review."))
    assert json.loads((tmp_path / "verdict.json").read_text(encoding="utf-8"))["reason"] == "Changed after review."
    assert len((tmp_path / "transcript.txt").read_text(encoding="utf-8").splitlines()) == 3
    assert _no_temp_files(tmp_path)


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    if os.name != "posix" or os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("needs root and mount for a tiny tmpfs")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mnt)], check=False, capture_output=True, timeout=10
    )
    if done.returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", str(mnt)], check=False, capture_output=True, timeout=10)


def test_disk_full_midway_keeps_what_was_written(tiny_disk: Path, verdict: Verdict) -> None:
    # ~24 KB per transcript file: the first two fit on a 64 KiB disk, the third cannot.
    words = "we walked through the rollout plan and the security review in detail " * 3
    long_call = [
        Utterance("rep" if i % 2 else "prospect", i * 10.0, i * 10.0 + 9.0, f"{i}: {words}") for i in range(110)
    ]
    assert 20_000 < len(to_txt(long_call)) < 28_000
    with pytest.raises(OutputError) as caught:
        write_exports(tiny_disk, long_call, verdict)
    message = str(caught.value)
    assert message.endswith(": disk full") and "\n" not in message
    failed = re.search(r"cannot write (.+): disk full", message)
    assert failed is not None
    failed_name = Path(failed.group(1)).name
    index = EXPORT_NAMES.index(failed_name)
    assert index >= 1  # at least one file was written before the disk filled up
    renderers = {
        "transcript.txt": to_txt,
        "transcript.md": to_markdown,
        "transcript.srt": to_srt,
        "transcript.vtt": to_vtt,
    }
    for name in EXPORT_NAMES[:index]:
        assert (tiny_disk / name).read_text(encoding="utf-8") == renderers[name](long_call), name
    for name in EXPORT_NAMES[index:]:
        assert not (tiny_disk / name).exists(), name
    assert _no_temp_files(tiny_disk)


def test_verdict_json_is_exactly_the_object(
    tmp_path: Path, utterances: tuple[Utterance, ...], verdict: Verdict
) -> None:
    verdict = replace(verdict, reason="Prospect said “ja” — über gut.")
    write_exports(tmp_path, utterances, verdict)
    assert (tmp_path / "verdict.json").read_text(encoding="utf-8") == bundle.verdict_json(verdict)
    assert "“ja” — über" in (tmp_path / "verdict.json").read_text(encoding="utf-8")


def test_real_call(tmp_path: Path, testdata: Path, verdict: Verdict) -> None:
    path = testdata / "calls" / "sales-04.json"
    call = parse_transcript(json.loads(path.read_text(encoding="utf-8")), str(path))
    verdict = replace(with_step(verdict, when=datetime(2026, 11, 15, 10, 0)), utterances=call.utterances)
    written = write_exports(tmp_path, call.utterances, verdict, vertical="sales")
    assert [p.name for p in written] == list(EXPORT_NAMES)
    assert load_transcript(tmp_path / "transcript.json").utterances == call.utterances
    assert "Thanks again for the time, Leah." in (tmp_path / "transcript.txt").read_text(encoding="utf-8")


def test_stale_invite_from_an_earlier_export_is_removed(tmp_path) -> None:
    from copilot.export.bundle import write_exports

    (tmp_path / "next_step.ics").write_bytes(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    verdict = typed({"next_steps_secured": False, "reason": "No time was set.", "next_step": None, "utterances": []})
    written = write_exports(tmp_path, [], verdict)
    assert not (tmp_path / "next_step.ics").exists()
    assert tmp_path / "next_step.ics" not in written


def test_exports_from_a_verdict_the_coach_made(tmp_path: Path, testdata: Path) -> None:
    """A typed verdict straight from the coach: every file written, each reading its typed fields; the other party
    is named as the call's vertical names them (an IT service desk call has a caller)."""
    from copilot.coach import Coach
    from copilot.export._fmt import coaching_line, md_escape, one_line

    transcript = load_transcript(testdata / "calls" / "itsd-04.json")
    coach = Coach(datetime(2026, 11, 19, 10, 0), transcript.vertical or "it_service_desk")
    for u in transcript.utterances:
        coach.feed(u)
    verdict = coach.verdict()
    assert verdict.vertical == "it_service_desk"
    written = write_exports(tmp_path, None, verdict, started_at="2026-11-19T10:00:00")
    names = [p.name for p in written]
    assert names[:9] == list(EXPORT_NAMES[:9])
    assert ("next_step.ics" in names) == (verdict.next_step is not None and verdict.next_step.when is not None)
    assert json.loads((tmp_path / "verdict.json").read_text(encoding="utf-8")) == verdict.to_json()
    txt = (tmp_path / "transcript.txt").read_text(encoding="utf-8")
    assert "Caller: " in txt and "Prospect: " not in txt and "Rep: " in txt
    assert txt == to_txt(transcript.utterances, {"rep": "Rep", "prospect": "Caller"})
    md = (tmp_path / "verdict.md").read_text(encoding="utf-8")
    assert verdict_markdown(verdict) == md and md_escape(one_line(verdict.reason)) in md
    for moment in verdict.coaching:
        assert md_escape(coaching_line(moment)) in md
