"""``copilot demo``: the app, replaying the bundled demo call through the live pipeline.

The recording (``assets/demo/demo_call.flac``, rep on channel 0, prospect on channel 1) goes through
the same sources → endpointer → transcriber → CallSession path as a live call, at ``--speed`` times
real time. ``--out DIR`` writes every export when the call ends; ``--exit-at-end`` quits then (exit 0),
which makes the demo a test: ``QT_QPA_PLATFORM=offscreen copilot demo --speed 4 --exit-at-end --out DIR``.
"""

from __future__ import annotations

import argparse

from copilot.errors import UsageError


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("demo", help="the app, replaying the bundled demo call",
                       description="Open the app and replay a bundled 3-minute sales call through the live "
                                   "pipeline, as if it were happening now.")
    p.add_argument("--speed", type=float, default=1.0, metavar="X",
                   help="replay speed: 1 is real time (default), 4 is four times faster")
    p.add_argument("--exit-at-end", action="store_true", help="quit when the call ends (exit 0)")
    p.add_argument("--out", metavar="DIR", help="write the transcripts, verdict, recap email and invite here at the end")
    p.add_argument("--model", metavar="M", help="speech model (default: the bundled tiny.en)")
    p.add_argument("--compact", action="store_true", help="start in the compact always-on-top mode")
    p.add_argument("--calendar", action="append", metavar="PATH",
                   help="the rep's calendar: an .ics file or a folder of them (repeatable): its free slots are offered "
                        "when proposing and locking the step")
    p.add_argument("--started-at", metavar="ISO", help="when the call takes place (default: now)")
    p.add_argument("--account", metavar="NAME", help="the account the call belongs to (its action plan)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if not 0.1 <= args.speed <= 50:
        raise UsageError(f"--speed must be between 0.1 and 50, not {args.speed:g}")
    if args.out:
        from pathlib import Path

        from copilot.export.atomic import ensure_output_dir

        ensure_output_dir(Path(args.out))  # an unwritable --out fails before the window opens
    from copilot.call.config import parse_started_at

    parse_started_at(args.started_at)  # a bad date fails before the window opens
    from copilot.ui.demo import run_demo  # Qt is imported only here

    return run_demo(args)
