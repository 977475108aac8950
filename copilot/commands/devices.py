"""``copilot devices``: the microphones and system-audio sources this machine offers, and what is missing.

Says plainly when there is no PortAudio library or no way to hear the other party, so the user knows what
to install before a call rather than during one.
"""

from __future__ import annotations

import argparse
import json
import sys


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("devices", help="the audio inputs and system-audio sources it can use",
                       description="List the microphones (the rep) and the system-audio sources (the other party) "
                                   "that `copilot live` and the app can capture.")
    p.add_argument("--json", action="store_true", help="print the listing as one JSON object")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from copilot.audio.devices import list_devices

    report = list_devices()
    if args.json:
        sys.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False) + "\n")
        return 0
    from rich.console import Console
    from rich.markup import escape

    console = Console()
    console.print("[bold]Microphones[/] (the rep)")
    if not report.inputs:
        console.print("  none")
    for dev in report.inputs:
        mark = " [green](default)[/]" if dev.default else ""
        console.print(f"  {dev.index:>3}  {escape(dev.name)}  [dim]{escape(dev.hostapi)}, "
                      f"{dev.channels} ch, {dev.default_rate:.0f} Hz[/]{mark}")
    console.print("[bold]System audio[/] (the other party)")
    if not report.system:
        console.print("  none")
    for src in report.system:
        mark = " [green](default output)[/]" if src.default else ""
        console.print(f"       {escape(src.name)}  [dim]{src.kind}[/]{mark}")
    for note in report.notes:
        console.print(f"[yellow]Note:[/] {escape(note)}")
    return 0
