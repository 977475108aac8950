"""The composition root: parse the command line, run one command, map known errors to exit codes.

Exit codes (DESIGN.md): 0 success, 1 the input could not be processed (one line on stderr), 2 bad usage.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence
from types import ModuleType

from copilot import __version__
from copilot.commands import COMMANDS
from copilot.errors import CopilotError

log = logging.getLogger(__name__)


class _Parser(argparse.ArgumentParser):
    """argparse that exits 2 with one line, never a usage dump plus traceback."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"copilot: error: {message}\n")
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="copilot", description="On-device closing coach for sales calls.")
    parser.add_argument("--version", action="version", version=f"copilot {__version__}")
    parser.add_argument("--data-dir", help="folder for history, journal and settings (default: COPILOT_HOME or the user data folder)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens on stderr")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    for name in COMMANDS:
        module = _command_module(name)
        if module is not None:
            module.add_parser(sub)
    return parser


def _command_module(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(f"copilot.commands.{name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"copilot.commands.{name}":
            return None  # command not built in this checkout
        raise


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    command = args.command or "app"
    try:
        if command == "app":
            module = _command_module("app")
            if module is None:
                parser.print_help()
                return 2
            return int(module.run(args) or 0)
        return int(args.run(args) or 0)
    except CopilotError as exc:
        sys.stderr.write(f"copilot: {exc}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("copilot: interrupted\n")
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
