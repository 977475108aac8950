"""``copilot analyze PATH``: a recording or a transcript JSON → the transcript and the verdict.

The same transcriber and coach as the live path; only the source differs (a whole file, segmented
offline). Prints a readable summary, or exactly the verdict object with ``--json``; ``--out`` writes
every export. Every analysis is recorded in the history unless ``--no-save``.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.console import Console

from copilot.errors import CopilotError, InputError, UsageError
from copilot.session.transcript import Transcript, load_transcript

log = logging.getLogger(__name__)

TRANSCRIPT_SUFFIXES = (".json",)
PROGRESS_MIN_SECONDS = 5.0


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("analyze", help="a recording or transcript → verdict",
                       description="Transcribe a call recording (wav, flac, mp3, m4a, ogg; stereo = rep on channel 0, "
                                   "the other party on channel 1) or read a transcript JSON, and say whether a real "
                                   "next step was secured.")
    p.add_argument("path", help="audio file or transcript JSON")
    p.add_argument("--json", action="store_true", help="print exactly the verdict object as JSON")
    p.add_argument("--out", metavar="DIR", help="write transcript.{txt,md,srt,vtt,json}, verdict.{json,md,pdf}, recap.eml, next_step.ics")
    p.add_argument("--model", metavar="M", help="tiny.en (default, bundled), base.en, small.en, base … or a CTranslate2 model folder")
    p.add_argument("--vertical", metavar="V", help="playbook: sales (default), recruiting, customer_success, real_estate, it_service_desk")
    p.add_argument("--started-at", metavar="ISO", help="when the call took place (default: the transcript's started_at, else the file's time)")
    p.add_argument("--no-save", action="store_true", help="do not record this call in the history")
    p.add_argument("--vocabulary", metavar="WORDS", help="names and terms to expect (product, people), as a hint to the model")
    p.set_defaults(run=run)


def is_transcript(path: Path) -> bool:
    """A transcript is a .json file, or any file whose first non-blank byte is '{'."""
    if path.suffix.lower() in TRANSCRIPT_SUFFIXES:
        return True
    try:
        with path.open("rb") as fh:
            head = fh.read(64).lstrip()
    except OSError:
        return False
    return head.startswith(b"{")


def _parse_started_at(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--started-at {value!r} is not an ISO 8601 date/time (e.g. 2026-11-21T10:00)") from None


def load_call(path: Path, model: str | None, vocabulary: str | None, quiet: bool) -> Transcript:
    """Read the transcript, or transcribe the recording (with a progress bar on stderr for long ones)."""
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a recording or transcript")
    if is_transcript(path):
        transcript = load_transcript(path)
        if transcript.started_at is None:
            mtime = datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0)
            transcript = Transcript(transcript.utterances, mtime, transcript.vertical,
                                    transcript.speakers_separated, transcript.meta)
        return transcript
    from copilot.asr.recording import transcribe_recording
    from copilot.asr.transcriber import Transcriber
    from copilot.audio.decode import load_audio

    audio = load_audio(path)  # decoded once, before the model is loaded, so a bad file fails fast
    transcriber = Transcriber.load(model, vocabulary=vocabulary)
    if quiet:
        return transcribe_recording(audio, transcriber)
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(stderr=True)
    with Progress(TextColumn("Transcribing"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                  TimeRemainingColumn(), console=console, transient=True) as progress:
        task = progress.add_task("transcribe", total=None)

        def report(done: float, total: float) -> None:
            if total >= PROGRESS_MIN_SECONDS:
                progress.update(task, completed=done, total=total)

        return transcribe_recording(audio, transcriber, progress=report)


def run(args: argparse.Namespace) -> int:
    path = Path(args.path)
    started_override = _parse_started_at(args.started_at)
    if args.out:
        from copilot.export.atomic import ensure_output_dir

        ensure_output_dir(Path(args.out))  # an unwritable --out fails before any work
    transcript = load_call(path, args.model, args.vocabulary, quiet=not sys.stderr.isatty())
    started_at = started_override or transcript.started_at or datetime.now().replace(microsecond=0)
    vertical = args.vertical or transcript.vertical or "sales"
    from copilot.coach import analyze

    verdict = analyze(transcript.utterances, started_at, vertical=vertical,
                      speakers_separated=transcript.speakers_separated)
    if not args.no_save:
        _save(args, transcript, verdict, started_at, vertical, path)
    if args.out:
        from copilot.export.bundle import write_exports

        write_exports(Path(args.out), transcript.utterances, verdict, started_at=started_at, vertical=vertical,
                      speakers_separated=transcript.speakers_separated)
    if args.json:
        sys.stdout.write(json.dumps(verdict, ensure_ascii=False) + "\n")
    else:
        from copilot.commands.summary import print_verdict

        console = Console()
        print_verdict(verdict, console, title=path.name)
        if args.out:
            console.print(f"Exports written to {args.out}", style="dim")
    return 0


def _save(args: argparse.Namespace, transcript: Transcript, verdict: dict[str, Any], started_at: datetime,
          vertical: str, path: Path) -> None:
    """Record the call; a store that cannot be written is reported, and the verdict is still printed."""
    from copilot.store import Store

    try:
        with Store.open(args.data_dir) as store:
            store.save_call(transcript.utterances, verdict, started_at=started_at, source=str(path.resolve()),
                            vertical=vertical)
    except CopilotError as exc:
        sys.stderr.write(f"copilot: warning: the call was not saved to the history: {exc}\n")
