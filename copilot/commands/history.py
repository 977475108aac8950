"""``copilot history``: past calls, the pattern across them, and housekeeping (show, delete, clear, CSV).

It first recovers any call whose process died (its journal is still on disk), so a killed live call
shows up here as "interrupted" with everything that had been said.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

from copilot.errors import InputError, UsageError
from copilot.export import coaching_line
from copilot.session.clock import call_clock
from copilot.session.labels import labels_for
from copilot.store import pattern
from copilot.store.records import CallSummary, StoredCall

log = logging.getLogger(__name__)


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "history", help="past calls and the pattern across them",
        description="Past calls (newest first) and the pattern across them; open, delete, clear or export them.")
    p.add_argument("--json", action="store_true", help="print JSON: {\"calls\": [...], \"pattern\": {...}}")
    p.add_argument("--last", type=_positive, metavar="N", help="only the last N calls (and their pattern)")
    action = p.add_mutually_exclusive_group()
    action.add_argument("--show", type=int, metavar="ID", help="open one call: transcript and verdict")
    action.add_argument("--delete", type=int, metavar="ID", help="delete one call")
    action.add_argument("--clear", action="store_true", help="delete every call (needs --yes)")
    action.add_argument("--csv", metavar="FILE", help="export the history, one call a row, to a CSV file")
    p.add_argument("--out", metavar="DIR", help="with --show: write the call's exports (transcript, verdict, recap, invite) to DIR")
    p.add_argument("--yes", action="store_true", help="confirm --clear")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.clear and not args.yes:
        raise UsageError("--clear deletes every call in the history; add --yes to confirm")
    if args.out is not None and args.show is None:
        raise UsageError("--out goes with --show ID: it writes the exports of that call")
    from copilot.call import CallService, build_config

    service = CallService(build_config(data_dir=getattr(args, "data_dir", None)))
    recovered = [c.call_id for c in service.recover()]
    with service.open_store() as store:
        if args.clear:
            count = store.clear()
            _say(args, {"cleared": count}, f"Deleted {count} call{'s' if count != 1 else ''}.")
        elif args.delete is not None:
            store.delete_call(args.delete)
            _say(args, {"deleted": args.delete}, f"Deleted call {args.delete}.")
        elif args.csv is not None:
            count = store.export_csv(Path(args.csv))
            _say(args, {"exported": count, "path": args.csv},
                 f"Wrote {count} call{'s' if count != 1 else ''} to {args.csv}.")
        elif args.show is not None:
            call = store.get_call(args.show)
            if args.out is not None:
                _export(call, Path(args.out))
            if args.json:
                _print_json(call.to_json())
            else:
                _print_call(call)
        else:
            calls = store.list_calls(args.last, with_verdict=args.json)
            found = pattern(calls)
            if args.json:
                _print_json({"calls": [c.to_json(with_verdict=True) for c in calls], "pattern": found,
                             "recovered": recovered})
            else:
                _print_history(calls, found, recovered)
    return 0


def _export(call: StoredCall, out: Path) -> None:
    from copilot.export.bundle import write_exports

    if call.verdict is None:
        raise InputError(f"call {call.id} has no verdict to export")
    written = write_exports(out, call.utterances, call.verdict, started_at=call.started_at, vertical=call.vertical)
    sys.stderr.write(f"copilot: wrote {len(written)} exports of call {call.id} to {out}\n")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _say(args: argparse.Namespace, data: dict[str, Any], text: str) -> None:
    if args.json:
        _print_json(data)
    else:
        print(text)


def _print_json(data: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


def _when(started_at: str | None) -> str:
    return (started_at or "")[:16].replace("T", " ")


def _source(source: str) -> str:
    return Path(source).name if ("/" in source or "\\" in source) else source


def _mark(value: bool | None) -> str:
    return "—" if value is None else ("[green]yes[/]" if value else "[red]no[/]")


def _print_history(calls: list[CallSummary], found: dict[str, Any], recovered: list[int]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    for call_id in recovered:
        console.print(f"[yellow]Recovered call {call_id}: the process recording it had stopped.[/]")
    if not calls:
        console.print("No calls recorded yet. [dim]copilot analyze FILE, copilot live or the app record them.[/]")
        return
    table = Table(title="Calls, newest first", title_justify="left")
    table.add_column("ID", justify="right", no_wrap=True)
    table.add_column("Date", no_wrap=True)
    table.add_column("Vertical", overflow="fold")
    table.add_column("Status", no_wrap=True)
    table.add_column("Secured", justify="center", no_wrap=True)
    table.add_column("Level", justify="right", no_wrap=True)
    table.add_column("Lines", justify="right", no_wrap=True)
    table.add_column("Source", overflow="ellipsis", no_wrap=True, max_width=28)
    for c in calls:
        status = c.status if c.status == "complete" else f"[yellow]{c.status}[/]"
        table.add_row(str(c.id), _when(c.started_at), c.vertical, status, _mark(c.next_steps_secured),
                      str(c.commitment_level or "—"), str(c.utterance_count), _source(c.source))
    console.print(table)
    console.print()
    for sentence in found["sentences"]:
        console.print(sentence, markup=False)


def _print_call(call: StoredCall) -> None:
    from rich.console import Console

    words = labels_for(call.vertical)
    console = Console(highlight=False)
    console.print(f"[bold]Call {call.id}[/] · {_when(call.started_at)} · {call.vertical} · "
                  f"{call.status} · {_source(call.source)}")
    for u in call.utterances:
        console.print(f"[dim][{call_clock(u.start)}][/] [bold]{words.speaker(u.speaker)}[/]: ", end="")
        console.print(u.text, markup=False)
    verdict = call.verdict
    console.print()
    if verdict is None:
        console.print("No verdict for this call.")
        return
    console.print(f"Next step secured: {_mark(verdict.next_steps_secured)} · "
                  f"commitment level {verdict.commitment_level} — {words.rung(verdict.commitment_level)}")
    if verdict.reason:
        console.print(verdict.reason, markup=False)
    console.print("Criteria: " + ", ".join(f"{words.criterion(name, short=True)} {'✓' if c.met else '✗'}"
                                           for name, c in verdict.criteria.items()), markup=False)
    console.print("Stages: " + ", ".join(f"{words.stage(name)} {'✓' if st.met else '✗'}"
                                         for name, st in verdict.stages.items()), markup=False)
    for moment in verdict.coaching:
        console.print(coaching_line(moment), markup=False)
