"""``copilot demo`` in the window: the bundled call, replayed through the live pipeline.

The planned length is set to 7 minutes so that closing mode switches on at 2:00, just before the
rep starts the close, and the whole method is seen in three and a half minutes.
"""

from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QTimer

from copilot.call import CallService
from copilot.call.events import EventSink
from copilot.errors import InputError
from copilot.ui.app import build_app
from copilot.ui.window import CallHandle

log = logging.getLogger(__name__)

DEMO_PLANNED_MINUTES = 7


def demo_recording() -> Path:
    """``assets/demo/demo_call.flac`` beside the package (source tree) or inside a PyInstaller bundle."""
    roots = [Path(__file__).resolve().parents[2]]
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        roots.insert(0, Path(bundle))
    for root in roots:
        path = root / "assets" / "demo" / "demo_call.flac"
        if path.is_file():
            return path
    raise InputError("the demo recording assets/demo/demo_call.flac is missing from this installation")


def run_demo(args: argparse.Namespace) -> int:
    from copilot.call.config import parse_started_at

    recording = demo_recording()
    started_at = parse_started_at(getattr(args, "started_at", None))
    calendars = tuple(Path(c).expanduser() for c in (getattr(args, "calendar", None) or ()))

    def replay(service: CallService, sink: EventSink) -> CallHandle:
        return service.start_replay(recording, args.speed, sink, source="demo", as_live=True, started_at=started_at)

    app = build_app(getattr(args, "data_dir", None), title="Call Copilot — demo", speed=args.speed,
                    start_call=replay, model=args.model)
    settings = replace(app.settings, planned_minutes=DEMO_PLANNED_MINUTES, vertical="sales",
                       model=args.model or app.settings.model)
    app.settings = app.window.settings = settings
    demo_config = replace(app.service.config, planned_minutes=DEMO_PLANNED_MINUTES, planned_minutes_given=True,
                          vertical="sales", account=getattr(args, "account", None) or app.service.config.account)
    app.service.reconfigure(replace(demo_config, calendars=calendars) if calendars else demo_config)
    app.model.set_planned_length(DEMO_PLANNED_MINUTES * 60.0)
    exit_code = {"rc": 0}

    def exported(written: list[Path]) -> None:
        print(f"{len(written)} exports written to {args.out}", flush=True)
        if args.exit_at_end:
            app.qapp.exit(exit_code["rc"])

    def not_exported(message: str) -> None:
        exit_code["rc"] = 1
        sys.stderr.write(f"copilot: the exports could not be written to {args.out}: {message}\n")
        if args.exit_at_end:
            app.qapp.exit(1)

    def at_end(phase: str) -> None:
        if phase != "finished":
            return
        if args.out:
            app.window.summary.export_all(Path(args.out), on_written=exported, on_failed=not_exported)
        elif args.exit_at_end:
            QTimer.singleShot(0, lambda: app.qapp.exit(exit_code["rc"]))

    app.model.phase_changed.connect(at_end)
    app.window.show()
    if getattr(args, "compact", False):
        app.window.toggle_compact()

    def refused(message: str) -> None:
        if args.exit_at_end:
            sys.stderr.write(f"copilot: {message}\n")
            app.qapp.exit(1)

    app.window.call_refused.connect(refused)
    QTimer.singleShot(0, app.window.start_call)
    rc = int(app.qapp.exec())
    return rc or exit_code["rc"]
