"""``copilot live``: the live pipeline without a window — microphone and system audio, or a replayed file.

The same path the app uses (sources → endpointers → transcriber → ``CallSession``); here the events are
printed: a rolling transcript for a person, or JSON Lines with ``--events`` (flushed as they happen):
``started`` first, then ``partial``/``final`` lines and ``state`` after every change of the checklist,
``invite`` as soon as a step with a time is agreed (the .ics is written then, while the call is on), and the
``verdict`` last. Ctrl-C ends the call cleanly: what was said is transcribed, then the verdict.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from copilot.call.events import (
    ClosingMode,
    Event,
    Finished,
    InviteReady,
    Lag,
    Level,
    Problem,
    Started,
    StateChanged,
    Transcribed,
)
from copilot.errors import DeviceError, UsageError
from copilot.session.clock import call_clock
from copilot.session.labels import labels_for

if TYPE_CHECKING:
    from rich.live import Live
    from rich.text import Text

    from copilot.call import RunningCall

log = logging.getLogger(__name__)


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("live", help="the live pipeline without a window (microphone + system audio, or --replay)",
                       description="Listen to the microphone (the rep) and system audio (the other party), or replay "
                                   "a stereo recording as if live, and transcribe and coach the call as it happens.")
    p.add_argument("--replay", metavar="PATH", help="replay a recording (stereo: channel 0 rep, 1 other party) instead of the devices")
    p.add_argument("--speed", type=float, default=1.0, metavar="X",
                   help="replay speed: 1 = real time (default), 4 = four times faster, 0 = as fast as possible")
    p.add_argument("--events", action="store_true", help="print JSON Lines events instead of a transcript")
    p.add_argument("--out", metavar="DIR", help="write the transcripts, verdict, recap email and invite here when the call ends")
    p.add_argument("--model", metavar="M", help="speech model (default: the bundled tiny.en)")
    p.add_argument("--vertical", metavar="V", default=None, help="playbook: sales (default), recruiting, customer_success, real_estate, it_service_desk")
    p.add_argument("--no-save", action="store_true", help="do not journal the call or record it in the history")
    p.add_argument("--mic", metavar="DEV", help="microphone: device index or part of its name (see `copilot devices`); 'none' to leave it out")
    p.add_argument("--system", metavar="SRC", help="system-audio source (see `copilot devices`); 'none' for the microphone only")
    p.add_argument("--threads", type=int, default=1, metavar="N", help="CPU threads for the speech model (default 1)")
    p.add_argument("--planned-minutes", type=int, metavar="N",
                   help="the planned call length: closing mode starts five minutes before its end (default: the "
                        "calendar's meeting in progress, else Settings, 30)")
    p.add_argument("--calendar", action="append", metavar="PATH",
                   help="the rep's calendar: an .ics file or a folder of them (repeatable; default: Settings). Free "
                        "slots are offered when locking the step; the meeting in progress sets the planned end and "
                        "the names the speech model expects")
    p.add_argument("--account", metavar="NAME",
                   help="the account this call belongs to: its mutual action plan is carried across calls")
    p.add_argument("--started-at", metavar="ISO",
                   help="when the call takes place (default: now; with --replay, the recording's time)")
    p.set_defaults(run=run)


class _Printer:
    """Turns events into output; called from the pipeline's threads, so it serialises itself."""

    def __init__(self, events: bool) -> None:
        self.events = events
        self._lock = threading.Lock()
        self._live: Live | None = None
        self._labels = labels_for(None)  # the call's vertical names the other party (Started says which)
        self._partials: dict[str, str] = {}
        self._problems: list[str] = []
        if not events:
            from rich.console import Console

            self.console = Console()
            self.err = Console(stderr=True)

    # -- JSON Lines ------------------------------------------------------------------------------------------
    def _line(self, obj: dict[str, Any]) -> None:
        sys.stdout.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")
        sys.stdout.flush()

    def __call__(self, event: Event) -> None:
        with self._lock:
            try:
                self._handle(event)
            except BrokenPipeError:
                raise
            except Exception:
                log.exception("could not print an event")

    def _handle(self, event: Event) -> None:
        if isinstance(event, (Level, Lag)):
            return
        if isinstance(event, Problem):
            self._problems.append(event.message)
            if self.events:
                sys.stderr.write(f"copilot: {'bug: ' if event.bug else ''}{event.message}\n")
                sys.stderr.flush()
            else:
                self._print_text(f"[{'red' if event.bug else 'yellow'}]! {_escape(event.message)}[/]", err=True)
            return
        if self.events:
            self._json(event)
        else:
            self._text(event)

    def _json(self, event: Event) -> None:
        if isinstance(event, Started):
            self._line({"type": "started", "started_at": event.started_at, "source": event.source})
        elif isinstance(event, Transcribed):
            u = event.utterance
            self._line({"type": "final" if u.final else "partial", "speaker": u.speaker, "start": round(u.start, 3),
                        "end": round(u.end, 3), "text": u.text, "emitted_at": round(event.emitted_at, 3)})
        elif isinstance(event, StateChanged):
            from copilot.coach import state_to_dict

            self._line({"type": "state", **state_to_dict(event.state), "t": round(event.t, 3)})
        elif isinstance(event, ClosingMode):
            self._line({"type": "closing", "t": round(event.t, 3), "planned_end": round(event.planned_end, 3)})
        elif isinstance(event, InviteReady):
            self._line({"type": "invite", "t": round(event.t, 3), "path": str(event.path),
                        "start": event.start.isoformat(), "minutes": event.minutes, "summary": event.summary,
                        "attendees": list(event.attendees), "uid": event.uid, "sequence": event.sequence})
        elif isinstance(event, Finished):
            self._line({"type": "verdict", **event.verdict.to_json()})

    # -- rolling transcript ------------------------------------------------------------------------------------
    def _text(self, event: Event) -> None:
        if isinstance(event, Started):
            self._labels = labels_for(event.vertical)
            self._print_text(f"[dim]Listening ({event.source}) — Ctrl-C ends the call.[/]")
        elif isinstance(event, Transcribed):
            u = event.utterance
            if u.final:
                self._partials.pop(u.speaker, None)
                style = "cyan" if u.speaker == "rep" else "magenta"
                self._print_text(f"[dim]{call_clock(u.start)}[/] [bold {style}]{self._labels.speaker(u.speaker)}:[/] "
                                 f"{_escape(u.text)}")
            else:
                self._partials[u.speaker] = u.text
            self._refresh()
        elif isinstance(event, StateChanged):
            prompt = event.state.prompt
            if prompt:
                self._print_text(f"    [green]→ {_escape(prompt)}[/]")
        elif isinstance(event, InviteReady):
            self._print_text(f"[bold green]{call_clock(event.t)} Invite ready: {event.describe()} — "
                             f"{_escape(event.summary)}[/] [dim]({_escape(str(event.path))})[/]")
        elif isinstance(event, ClosingMode):
            self._print_text(f"[bold yellow]{call_clock(event.t)} Closing time: five minutes left in the planned call "
                             f"({call_clock(event.planned_end)}).[/]")

    def _print_text(self, markup: str, err: bool = False) -> None:
        if self._live is not None:
            self._live.console.print(markup)
        else:
            (self.err if err else self.console).print(markup)

    def _render(self) -> Text:
        from rich.text import Text

        text = Text()
        for speaker, partial in self._partials.items():
            text.append(f"{self._labels.speaker(speaker)}: {partial} …\n", style="dim italic")
        return text

    def _refresh(self) -> None:
        if self._live is not None:
            self._live.update(self._render())

    def open(self) -> None:
        if not self.events and self.console.is_terminal:
            from rich.live import Live

            self._live = Live(self._render(), console=self.console, transient=True, auto_refresh=False)
            self._live.start()

    def close(self) -> None:
        with self._lock:
            if self._live is not None:
                self._live.stop()
                self._live = None


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def run(args: argparse.Namespace) -> int:
    speed = args.speed
    if speed is None or not math.isfinite(speed) or speed < 0 or speed > 100:
        raise UsageError(f"--speed must be between 0 (as fast as possible) and 100, not {args.speed:g}")
    if args.replay is None and speed not in (1, 1.0):
        raise UsageError("--speed applies to --replay only")
    if args.out:
        from copilot.export.atomic import ensure_output_dir

        ensure_output_dir(Path(args.out))  # an unwritable --out fails before the call starts
    from copilot.call import CallService, build_config

    from copilot.call.config import parse_started_at

    started_at = parse_started_at(args.started_at)
    config = build_config(data_dir=args.data_dir, model=args.model, vertical=args.vertical, cpu_threads=args.threads,
                          mic=args.mic, system_source=args.system, planned_minutes=args.planned_minutes,
                          save=not args.no_save, calendars=args.calendar, account=args.account)
    service = CallService(config)
    printer = _Printer(args.events)
    printer.open()
    try:
        if args.replay:
            call = service.start_replay(args.replay, speed or None, printer, started_at=started_at)
        else:
            call = service.start_live(printer, started_at=started_at)
        interrupted = _wait_for_end(call)
    finally:
        printer.close()
    verdict = call.verdict
    if verdict is None:  # pragma: no cover - the pipeline always finishes the session
        raise DeviceError("the call ended without a verdict")
    if args.out:
        from copilot.export.bundle import write_exports

        write_exports(Path(args.out), call.utterances, verdict, started_at=call.started_at,
                      vertical=config.vertical, meeting=call.meeting, rep_name=config.rep_name, plan=call.plan)
    if not args.events:
        from copilot.commands.summary import print_verdict

        printer.console.print()
        print_verdict(verdict, printer.console, title=Path(args.replay).name if args.replay else "live call")
        if args.out:
            printer.console.print(f"Exports written to {args.out}", style="dim")
    log.info("call ended (%s)", "interrupted by the user" if interrupted else "sources ended")
    return 0


def _wait_for_end(call: RunningCall) -> bool:
    """Wait until the sources end; the first Ctrl-C ends the call cleanly (a second one gives up). True if stopped."""
    try:
        call.wait()
        return False
    except KeyboardInterrupt:
        call.stop()
        return True
