"""``copilot analyze PATH [OTHER…]``: a recording, one file per participant, or a transcript → the verdict.

The same transcriber and coach as the live path; only the source differs (a whole file, segmented
offline). Prints a readable summary, or exactly the verdict object with ``--json``; ``--out`` writes
every export. Every analysis is recorded in the history unless ``--no-save``. Ctrl+C stops it with
nothing kept: no history record, no export, exit 130.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

from copilot.errors import UsageError
from copilot.session.transcript import Transcript

if TYPE_CHECKING:
    from copilot.call import CallService

log = logging.getLogger(__name__)

PROGRESS_MIN_SECONDS = 5.0


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("analyze", help="a recording, one file per participant, or a transcript → verdict",
                       description="Transcribe a call and say whether a real next step was secured. PATH is a "
                                   "recording (wav, flac, mp3, m4a, ogg, opus …; stereo = the rep on channel 0, the "
                                   "other party on channel 1; mono = one mixed stream), a video recording (mp4, mov, "
                                   "mkv, webm: its sound is used), or a transcript: JSON, or captions with speaker "
                                   "names as Zoom, Teams and Meet export them (WebVTT, SRT, 'Name: text' lines; "
                                   "--rep says which name is the rep). One file per participant: give the rep's "
                                   "file first, then the other party's (Zoom's separate audio files, a softphone's "
                                   "two legs).")
    p.add_argument("path", metavar="PATH",
                   help="the recording, video, transcript or caption file (with OTHER: the rep's own recording)")
    p.add_argument("others", nargs="*", metavar="OTHER",
                   help="the other party's recording(s), one file per participant, mixed into one channel")
    p.add_argument("--json", action="store_true", help="print exactly the verdict object as JSON")
    p.add_argument("--out", metavar="DIR", help="write transcript.{txt,md,srt,vtt,json}, verdict.{json,md,pdf}, recap.eml, next_step.ics")
    p.add_argument("--model", metavar="M", help="tiny.en (default, bundled), base.en, small.en, base … or a CTranslate2 model folder")
    p.add_argument("--vertical", metavar="V", help="playbook: sales (default), recruiting, customer_success, real_estate, it_service_desk")
    p.add_argument("--started-at", metavar="ISO", help="when the call took place (default: the transcript's started_at, else the file's time)")
    p.add_argument("--no-save", action="store_true", help="do not record this call in the history")
    p.add_argument("--vocabulary", metavar="WORDS", help="names and terms to expect (product, people), as a hint to the model")
    p.add_argument("--rep", metavar="NAME",
                   help="which named speaker of a caption file is the rep (default: the name in Settings); "
                        "everyone else is the other party")
    p.add_argument("--threads", type=int, default=2, metavar="N", help="CPU threads for the speech model (default 2)")
    p.add_argument("--account", metavar="NAME",
                   help="the account this call belongs to: its mutual action plan is carried across calls (default: "
                        "a company the other party named, else the calendar meeting's title)")
    p.add_argument("--calendar", action="append", metavar="PATH",
                   help="the rep's calendar: an .ics file or a folder of them (repeatable; default: Settings); the "
                        "meeting at the call's start gives the names the speech model expects")
    p.set_defaults(run=run)


def read_call(service: CallService, path: Path, others: list[Path], quiet: bool,
              started_at: datetime | None = None) -> Transcript:
    """Read the transcript, or transcribe the recording (with a progress bar on stderr for long ones)."""
    if quiet:
        return service.read_call(path, others=others, started_at=started_at, on_problem=_warn)
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(stderr=True)
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                  TimeRemainingColumn(), console=console, transient=True) as progress:
        task = progress.add_task("Reading", total=None)

        def report(done: float, total: float) -> None:
            if total >= PROGRESS_MIN_SECONDS:
                progress.update(task, description="Transcribing", completed=done, total=total)

        return service.read_call(path, others=others, progress=report, started_at=started_at, on_problem=_warn)


def _warn(message: str) -> None:
    sys.stderr.write(f"copilot: warning: {message}\n")


@contextmanager
def _ctrl_c_held() -> Iterator[list[int]]:
    """Ctrl+C waits for the block to end, so the history record and the exports are written whole.

    The block is the last second of the work (the coach, the store, the files); what it received is listed."""
    received: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield received
        return
    previous = signal.signal(signal.SIGINT, lambda signum, _frame: received.append(signum))
    try:
        yield received
    finally:
        signal.signal(signal.SIGINT, previous)


def run(args: argparse.Namespace) -> int:
    out = Path(args.out) if args.out else None
    made_out = out is not None and not out.exists()
    try:
        return _run(args)
    except KeyboardInterrupt:
        if made_out and out is not None:
            try:
                out.rmdir()  # made for this run and still empty: nothing of it is left behind
            except OSError:
                pass
        sys.stderr.write("copilot: stopped; nothing was saved\n")
        return 130


def _run(args: argparse.Namespace) -> int:
    from copilot.call import CallService, build_config
    from copilot.call.config import parse_started_at

    path = Path(args.path)
    others = [Path(p) for p in args.others]
    started_at = parse_started_at(args.started_at)
    config = build_config(data_dir=args.data_dir, model=args.model, vertical=args.vertical,
                          cpu_threads=args.threads, vocabulary=args.vocabulary, save=not args.no_save,
                          rep_name=args.rep, calendars=args.calendar, account=args.account)
    if args.out:
        from copilot.export.atomic import ensure_output_dir

        ensure_output_dir(Path(args.out))  # an unwritable --out fails before any work
    service = CallService(config)
    transcript = read_call(service, path, others, quiet=not sys.stderr.isatty(), started_at=started_at)
    source = " + ".join(str(p.resolve()) for p in (path, *others))
    with _ctrl_c_held() as stopped:
        call = service.analyze(transcript, source=source, started_at=started_at,
                               vertical=args.vertical, on_problem=_warn)
        verdict = call.verdict
        if args.out:
            from copilot.export.bundle import write_exports

            write_exports(Path(args.out), transcript.utterances, verdict, started_at=call.started_at,
                          vertical=call.vertical, speakers_separated=transcript.speakers_separated,
                          meeting=call.meeting, rep_name=config.rep_name, plan=call.plan)
    if stopped:
        log.info("Ctrl+C came while the verdict was being saved; it was finished first")
    if args.json:
        sys.stdout.write(json.dumps(verdict.to_json(), ensure_ascii=False) + "\n")
    else:
        from copilot.commands.summary import print_verdict

        console = Console()
        print_verdict(verdict, console, title=path.name if not others else f"{path.name} + {len(others)} more")
        if args.out:
            console.print(f"Exports written to {args.out}", style="dim")
    return 0
