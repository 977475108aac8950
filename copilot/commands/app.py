"""``copilot`` with no sub-command: open the desktop app.

``cli.py`` calls ``run(args)`` directly when no sub-command is given; ``add_parser`` registers
nothing, so the plain ``copilot`` stays the app and there is no second spelling of it.
"""

from __future__ import annotations

import argparse


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The app has no sub-command of its own."""


def run(args: argparse.Namespace) -> int:
    from copilot.ui.app import (
        run as run_app,  # Qt is imported only when the window is wanted
    )

    return run_app(getattr(args, "data_dir", None))
