"""``copilot followups``: what the rep owes after their calls, across calls — list, mark done, snooze, export.

Each call leaves its follow-ups in the history when it is saved (``copilot.followups``): the recap, the materials
promised, the confirmation before the next meeting and the follow-up if nothing came back.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from copilot.errors import UsageError
from copilot.followups import StoredFollowUp, relative_due
from copilot.session.labels import DAY_NAMES

KIND_LABELS = {"recap": "recap", "materials": "materials", "confirmation": "confirmation", "follow_up": "follow-up"}


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "followups", help="follow-ups across calls: recap, materials, confirmation, follow-up",
        description="The follow-ups your calls left (soonest due first): the recap email, the materials you promised, "
                    "the confirmation before the next meeting and the follow-up if nothing came back.")
    p.add_argument("--json", action="store_true",
                   help='print JSON: {"followups": [{"id", "call_id", "kind", "due", "what", "done"}, ...]}')
    p.add_argument("--all", action="store_true", help="include the ones already done")
    p.add_argument("--out", metavar="DIR", help="also write them to DIR/followups.ics (tasks with alarms)")
    actions = p.add_subparsers(dest="action", metavar="{done,undo,snooze}")
    done = actions.add_parser("done", help="mark a follow-up done", description="Mark a follow-up done.")
    done.add_argument("id", type=_whole, metavar="ID")
    done.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print the follow-up as JSON")
    undo = actions.add_parser("undo", help="mark a follow-up not done again",
                              description="Mark a follow-up not done again.")
    undo.add_argument("id", type=_whole, metavar="ID")
    undo.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print the follow-up as JSON")
    snooze = actions.add_parser("snooze", help="move a follow-up's due time",
                                description="Move a follow-up's due time to a date/time or by some hours from now.")
    snooze.add_argument("id", type=_whole, metavar="ID")
    until = snooze.add_mutually_exclusive_group(required=True)
    until.add_argument("--until", metavar="ISO", help="the new due time, e.g. 2026-12-08T09:00")
    until.add_argument("--hours", type=_hours, metavar="N", help="due N hours from now")
    snooze.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print the follow-up as JSON")
    p.set_defaults(run=run, action=None)


def run(args: argparse.Namespace) -> int:
    from copilot.call import CallService, build_config

    action = getattr(args, "action", None)
    if action is not None and (args.all or args.out is not None):
        raise UsageError(f"--all and --out go with the list, not with '{action}'")
    until = _until(args) if action == "snooze" else None
    service = CallService(build_config(data_dir=getattr(args, "data_dir", None)))
    service.recover()  # a call a dead process left is in the history, with its follow-ups
    with service.open_store() as store:
        if action in ("done", "undo"):
            item = store.mark_followup_done(args.id, done=action == "done")
            _say_one(args, item, "Done" if item.done else "Not done")
            return 0
        if action == "snooze":
            assert until is not None
            item = store.snooze_followup(args.id, until)
            _say_one(args, item, "Snoozed")
            return 0
        items = store.list_followups(include_done=args.all)
    if args.out is not None:
        from copilot.export.atomic import ensure_output_dir, write_atomic
        from copilot.followups.ics import followups_ics

        folder = ensure_output_dir(Path(args.out))
        path = write_atomic(folder / "followups.ics", followups_ics(items))
        sys.stderr.write(f"copilot: wrote {len(items)} follow-up{'s' if len(items) != 1 else ''} to {path}\n")
    if args.json:
        _print_json({"followups": [f.to_json() for f in items]})
    else:
        _print_list(items, datetime.now())
    return 0


def _until(args: argparse.Namespace) -> datetime:
    if args.hours is not None:
        return datetime.now().replace(microsecond=0) + timedelta(hours=args.hours)
    try:
        when = datetime.fromisoformat(str(args.until).replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"--until {args.until!r} is not an ISO 8601 date/time (e.g. 2026-12-08T09:00)") from None
    return when.astimezone().replace(tzinfo=None) if when.tzinfo is not None else when


def _whole(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a follow-up id (a whole number), not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("a follow-up id is at least 1")
    return value


def _hours(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of hours, not {text!r}") from None
    if not 0 < value <= 24 * 366:
        raise argparse.ArgumentTypeError("the hours must be more than 0 and at most a year")
    return value


def _say_one(args: argparse.Namespace, item: StoredFollowUp, verb: str) -> None:
    if getattr(args, "json", False):
        _print_json(item.to_json())
    else:
        print(f"{verb}: #{item.id} {item.what} (due {_when(item.due)})")


def _print_json(data: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _when(due: datetime) -> str:
    return f"{DAY_NAMES[due.weekday()][:3]} {due:%Y-%m-%d %H:%M}"


def _print_list(items: list[StoredFollowUp], now: datetime) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    if not items:
        console.print("No follow-ups due. [dim]Each call saved to the history leaves its own.[/]")
        return
    table = Table(title="Follow-ups, soonest first", title_justify="left")
    table.add_column("ID", justify="right", no_wrap=True)
    table.add_column("Due", no_wrap=True)
    table.add_column("", no_wrap=True)
    table.add_column("Kind", no_wrap=True)
    table.add_column("What", overflow="fold", min_width=28)
    table.add_column("Call", justify="right", no_wrap=True)
    for f in items:
        when = "done" if f.done else relative_due(f.due, now)
        style = "red" if when == "overdue" else ("dim" if f.done else "")
        table.add_row(str(f.id), _when(f.due), f"[{style}]{when}[/]" if style else when, KIND_LABELS.get(f.kind, f.kind),
                      f.what, str(f.call_id))
    console.print(table)
