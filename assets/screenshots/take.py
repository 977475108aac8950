#!/usr/bin/env python3
"""Take the README screenshots from a real run of the demo (the live pipeline, the real model and coach).

    xvfb-run -s "-screen 0 1400x900x24" python assets/screenshots/take.py [--speed 5]

Writes slots.png (the first prompt that offers the calendar's free slots), mid_call.png (before the close), closing.png
(closing mode, the invite offered while still on the call), compact.png (the always-on-top strip), summary.png,
recap.png and action_plan.png (after the call), followups.png and settings.png beside this script, at 1280×800 /
compact size. The rep's calendar is a generated one: the meeting in progress and mornings booked, so the afternoons
are free. History, settings and the calendar go to a temporary folder, never the user's. With ``--history DIR`` it also
shows the pattern dialog for the calls in that data folder (pattern.png), e.g. after
``for f in ../shared/calls/*-0[1-4].json; do COPILOT_HOME=/tmp/pat copilot analyze $f --json; done``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))


def shrink(path: Path) -> None:
    """A 256-colour palette keeps UI text crisp at a third of the size (when Pillow is there)."""
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def write_calendar(path: Path) -> Path:
    """A rep's calendar for the shots: the meeting in progress now, and every weekday morning booked, so the free
    slots the prompt offers are afternoons."""
    from datetime import datetime, timedelta

    now = datetime.now().replace(second=0, microsecond=0)
    stamp = "%Y%m%dT%H%M%S"
    path.write_text("\r\n".join([
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Call Copilot screenshots//EN",
        "BEGIN:VEVENT", "UID:mornings@shots", f"DTSTART:{(now - timedelta(days=7)).replace(hour=9, minute=0):{stamp}}",
        f"DTEND:{(now - timedelta(days=7)).replace(hour=13, minute=0):{stamp}}", "RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
        "SUMMARY:Pipeline calls", "END:VEVENT",
        "BEGIN:VEVENT", "UID:now@shots", f"DTSTART:{now - timedelta(minutes=2):{stamp}}",
        f"DTEND:{now + timedelta(minutes=28):{stamp}}", "SUMMARY:Northwind <> Call Copilot: support automation",
        "ATTENDEE;CN=Dana Rios:mailto:dana.rios@northwind.example",
        "ATTENDEE;CN=Marcus Lee:mailto:marcus.lee@northwind.example", "END:VEVENT",
        "END:VCALENDAR", ""]))
    return path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--speed", type=float, default=5.0)
    ap.add_argument("--mid", type=float, default=100.0, help="call time of the mid-call shot (s)")
    ap.add_argument("--closing", type=float, default=181.0, help="call time of the closing-mode shot (s)")
    ap.add_argument("--history", type=Path, help="a data folder whose calls make pattern.png")
    a = ap.parse_args()
    home = Path(tempfile.mkdtemp(prefix="copilot-shots-"))
    os.environ["COPILOT_HOME"] = str(home)
    calendar = write_calendar(home / "work.ics")

    from PySide6.QtCore import QTimer

    from dataclasses import replace

    from copilot.ui.app import build_app
    from copilot.ui.demo import DEMO_PLANNED_MINUTES, demo_recording

    def replay(service, sink):  # type: ignore[no-untyped-def]
        return service.start_replay(demo_recording(), a.speed, sink, source="demo", as_live=True)

    app = build_app(None, title="Call Copilot — demo", speed=a.speed, start_call=replay)
    app.settings = app.window.settings = replace(app.settings, rep_name="Sam Carter")
    app.service.reconfigure(replace(app.service.config, planned_minutes=DEMO_PLANNED_MINUTES,
                                    planned_minutes_given=True, vertical="sales", calendars=(calendar,),
                                    rep_name="Sam Carter", account="Northwind"))
    app.model.set_planned_length(DEMO_PLANNED_MINUTES * 60.0)
    window = app.window
    taken: set[str] = set()

    def shot(name: str) -> None:
        app.model.flush()
        app.qapp.processEvents()
        path = HERE / f"{name}.png"
        window.grab().save(str(path), "PNG")
        shrink(path)
        taken.add(name)
        print(f"{name}.png at {app.model.elapsed():.0f} s", flush=True)

    def poll() -> None:
        t = app.model.elapsed()
        state = app.model.state
        if "slots" not in taken and state is not None and state.offered_slots:
            shot("slots")  # the Propose/Lock prompt offering the calendar's free slots
        if "mid_call" not in taken and t >= a.mid:
            shot("mid_call")
        if "closing" not in taken and t >= a.closing:
            shot("closing")
            window.toggle_compact()
            QTimer.singleShot(300, lambda: (shot("compact"), window.toggle_compact()))

    def pattern() -> None:
        if a.history is not None:
            from copilot.store import Store
            from copilot.ui.patterns import PatternDialog

            with Store.open(a.history) as store:
                dialog = PatternDialog(store.list_calls(last=50), store.pattern(last=50), window)
            dialog.show()
            app.qapp.processEvents()
            dialog.grab().save(str(HERE / "pattern.png"), "PNG")
            shrink(HERE / "pattern.png")
            dialog.close()
        app.qapp.exit(0)

    def dialogs() -> None:
        from copilot.ui.followups import FollowUpsDialog
        from copilot.ui.settings_dialog import SettingsDialog

        for name, dialog in (
                ("followups", FollowUpsDialog(app.service.followups, app.service.set_followup_done,
                                              app.service.snooze_followup, parent=window)),
                ("settings", SettingsDialog(replace(app.settings, calendars=("~/Calendars/work.ics",),
                                                    auto_start="ask", vocabulary="Northwind, Zendesk"), window,
                                            voice="enrolled from 48 s of your speech (updated 2026-12-02)"))):
            dialog.show()
            app.qapp.processEvents()
            dialog.grab().save(str(HERE / f"{name}.png"), "PNG")
            shrink(HERE / f"{name}.png")
            print(f"{name}.png", flush=True)
            dialog.close()

    def after() -> None:
        shot("summary")
        tabs = window.summary.tabs
        tabs.setCurrentIndex(1)
        shot("recap")
        tabs.setCurrentIndex(2)
        shot("action_plan")
        tabs.setCurrentIndex(0)
        dialogs()
        pattern()

    def at_end(phase: str) -> None:
        if phase == "finished":
            QTimer.singleShot(1500, after)  # the call is saved (with its follow-ups) by then

    app.model.phase_changed.connect(at_end)
    ticker = QTimer()
    ticker.timeout.connect(poll)
    ticker.start(100)
    window.show()
    QTimer.singleShot(200, window.start_call)
    return int(app.qapp.exec())


if __name__ == "__main__":
    raise SystemExit(main())
