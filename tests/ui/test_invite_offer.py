"""The invite offer bar: it shows the invite the call session wrote while the call is on, and Save… writes it where
the user says, Open in calendar hands the file's URL to the desktop, Copy puts its text on the clipboard. The last
test replays the demo call into the window through the real pipeline."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from icalendar import Calendar
from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication

from copilot.call import AppSettings, CallService, build_config
from copilot.call.events import InviteReady
from copilot.call.session import CallSession
from copilot.coach import Coach
from copilot.coach.state import Evidence, NextStep
from copilot.export.invite import InviteWriter
from copilot.session.utterance import Utterance
from copilot.ui.bridge import EventBridge
from copilot.ui.invite_offer import InviteOfferBar
from copilot.ui.model import CallModel
from copilot.ui.window import MainWindow

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "assets" / "demo" / "demo_call.flac"
STEP = NextStep(action="live demo with you and Marcus", when=datetime(2026, 12, 8, 14, 0), trigger=None,
                agreed_by=("rep", "prospect"), length_minutes=45, attendees=("you", "marcus"),
                evidence=(Evidence(9, 172.5, "Tuesday at 2pm works, Marcus is free then too.", "prospect"),))


def ready(tmp_path: Path, step: NextStep = STEP, writer: InviteWriter | None = None) -> InviteReady:
    """An invite as the call session publishes it: written by the real writer (the call's, to number them)."""
    writer = writer or InviteWriter(tmp_path / "invites", datetime(2026, 12, 4, 10, 5))
    written = writer.write(step, agreed=True)
    assert written is not None
    path, invite = written
    return InviteReady(176.0, path, invite.start, invite.minutes, invite.summary, invite.attendees, invite.uid,
                       invite.sequence)


def bar_with(qtbot, tmp_path: Path, answer: str = "") -> tuple[InviteOfferBar, list[str], list[str], list[str]]:
    asked: list[str] = []

    def ask(_parent, suggested: str) -> str:
        asked.append(suggested)
        return answer

    bar = InviteOfferBar(ask_path=ask)
    qtbot.addWidget(bar)
    messages: list[str] = []
    problems: list[str] = []
    bar.message.connect(messages.append)
    bar.problem.connect(problems.append)
    return bar, asked, messages, problems


def test_the_offer_says_when_and_what(qtbot, tmp_path: Path) -> None:
    bar, *_ = bar_with(qtbot, tmp_path)
    assert not bar.offering  # nothing to offer yet
    writer = InviteWriter(tmp_path / "invites", datetime(2026, 12, 4, 10, 5))
    invite = ready(tmp_path, writer=writer)
    bar.offer(invite)
    assert bar.offering
    assert bar.text.text() == "Invite ready: Tuesday 8 Dec, 14:00–14:45 — Live demo with you and Marcus"
    assert "With: Marcus" in bar.toolTip() and str(invite.path) in bar.toolTip()
    bar.offer(ready(tmp_path, replace(STEP, when=datetime(2026, 12, 10, 10, 0)), writer))  # after a counter-offer
    assert bar.text.text().startswith("Invite updated: Thursday 10 Dec, 10:00–10:45")
    bar.set_agreed(False)  # the yes was taken back
    assert bar.text.text().startswith("No longer agreed — check before sending: Thursday 10 Dec")
    assert bar.property("agreed") == "false" and bar.offering
    bar.set_agreed(True)
    assert bar.text.text().startswith("Invite updated: Thursday 10 Dec")
    bar.dismiss.click()
    assert not bar.offering and bar.invite is None


def test_save_writes_the_invite_where_the_user_says(qtbot, tmp_path: Path) -> None:
    target = tmp_path / "chosen" / "demo with marcus"
    target.parent.mkdir()
    bar, asked, messages, problems = bar_with(qtbot, tmp_path, str(target))
    invite = ready(tmp_path)
    bar.offer(invite)
    bar.save.click()
    saved = target.with_suffix(".ics")
    assert asked == ["invite-2026-12-08-1400.ics"]
    assert saved.read_bytes() == invite.path.read_bytes()
    event = next(iter(Calendar.from_ical(saved.read_bytes()).walk("VEVENT")))
    assert event.decoded("dtstart") == datetime(2026, 12, 8, 14, 0)
    assert messages == [f"Invite saved to {saved}"] and problems == []


def test_save_cancelled_writes_nothing_and_a_bad_folder_is_one_line(qtbot, tmp_path: Path) -> None:
    bar, _asked, messages, problems = bar_with(qtbot, tmp_path, "")
    bar.offer(ready(tmp_path))
    assert bar.save_as() is None and messages == [] and problems == []
    bad, _asked, messages, problems = bar_with(qtbot, tmp_path, str(tmp_path / "no-such-folder" / "x.ics"))
    bad.offer(ready(tmp_path))
    assert bad.save_as() is None
    assert len(problems) == 1 and "no-such-folder" in problems[0] and "\n" not in problems[0] and messages == []


def test_copy_puts_the_ics_text_on_the_clipboard(qtbot, tmp_path: Path) -> None:
    bar, _asked, messages, _problems = bar_with(qtbot, tmp_path)
    invite = ready(tmp_path)
    bar.offer(invite)
    QGuiApplication.clipboard().clear()
    bar.copy.click()
    text = QGuiApplication.clipboard().text()
    assert text == invite.path.read_bytes().decode("utf-8") and text.startswith("BEGIN:VCALENDAR")
    assert messages == ["Invite copied to the clipboard"]


class UrlCatcher(QObject):
    """Stands in for the desktop's handler of file URLs (the default calendar app)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url)


@pytest.fixture
def file_urls():
    catcher = UrlCatcher()
    QDesktopServices.setUrlHandler("file", catcher, "open")  # PySide6 takes the slot's name as str
    yield catcher
    QDesktopServices.unsetUrlHandler("file")


def test_open_hands_the_file_url_to_the_calendar_app(qtbot, tmp_path: Path, file_urls: UrlCatcher) -> None:
    bar, _asked, messages, problems = bar_with(qtbot, tmp_path)
    invite = ready(tmp_path)
    bar.offer(invite)
    bar.open.click()
    assert [u.toLocalFile() for u in file_urls.urls] == [str(invite.path)]
    assert file_urls.urls[0].scheme() == "file"
    assert messages == ["Invite opened in your calendar app"] and problems == []
    invite.path.unlink()
    assert not bar.open_in_calendar()
    assert len(file_urls.urls) == 1 and len(problems) == 1 and "gone" in problems[0]


def test_the_window_offers_the_invite_from_the_call_and_forgets_it_with_a_new_call(qtbot, tmp_path: Path,
                                                                                     jobs) -> None:
    bridge = EventBridge()
    window = MainWindow(CallModel(repaint_ms=20), bridge, AppSettings(), jobs=jobs)
    qtbot.addWidget(window)
    window.show()
    assert not window.invite_offer.isVisible()
    invite = ready(tmp_path)
    bridge.publish(invite)  # as the call session does, from the pipeline's thread
    qtbot.waitUntil(window.invite_offer.isVisible, timeout=5_000)
    assert window.model.invite == invite
    assert "Tuesday 8 Dec, 14:00–14:45" in window.invite_offer.text.text()
    assert "Invite ready" in window.statusBar().currentMessage()
    window.toggle_compact()  # the 440-px strip: when, and short buttons
    assert window.invite_offer.text.text() == "Invite: Tuesday 8 Dec, 14:00–14:45"
    assert window.invite_offer.open.text() == "Open" and window.invite_offer.isVisible()
    window.toggle_compact()
    assert window.invite_offer.text.text().startswith("Invite ready: Tuesday 8 Dec, 14:00–14:45 — Live demo")
    window.new_call()
    assert not window.invite_offer.isVisible() and window.model.invite is None


def test_the_window_says_when_the_step_is_no_longer_agreed(qtbot, tmp_path: Path, jobs) -> None:
    window = MainWindow(CallModel(repaint_ms=20), EventBridge(), AppSettings(), jobs=jobs)
    qtbot.addWidget(window)
    window.show()
    session = CallSession(Coach(datetime(2026, 12, 4, 10, 5), "sales"), on_event=window.bridge.publish,
                          invites=InviteWriter(tmp_path / "invites", datetime(2026, 12, 4, 10, 5)))
    lines = [("rep", "A good next step would be a demo with you and Priya from RevOps."),
             ("rep", "How about Tuesday at 2pm?"), ("prospect", "Yes, Tuesday at 2pm works.")]
    for i, (speaker, text) in enumerate(lines):
        session.add(Utterance(speaker, 4.0 * i, 4.0 * i + 3, text), emitted_at=4.0 * i + 3.5)
    qtbot.waitUntil(window.invite_offer.isVisible, timeout=5_000)
    assert window.invite_offer.text.text().startswith("Invite ready: Tuesday 8 Dec, 14:00–14:30")
    session.add(Utterance("prospect", 13.0, 16.0, "Actually, hold off on that until I talk to my boss."), 16.5)
    qtbot.waitUntil(lambda: not window.invite_offer.agreed, timeout=5_000)
    assert window.invite_offer.text.text().startswith("No longer agreed")


@pytest.mark.slow
def test_the_demo_in_the_window_offers_the_invite_while_the_call_is_on(qtbot, tmp_path: Path, jobs) -> None:
    service = CallService(build_config(data_dir=tmp_path / "home", settings=AppSettings(), environ={}))
    window = MainWindow(CallModel(repaint_ms=20), EventBridge(), AppSettings(), jobs=jobs,
                        start_call=lambda sink: service.start_replay(DEMO, None, sink, source="demo",
                                                                     started_at=datetime(2026, 12, 4, 10, 5)))
    qtbot.addWidget(window)
    window.show()
    phases: list[str] = []
    window.model.invite_ready.connect(lambda _invite: phases.append(window.model.phase))
    assert window.start_call()
    qtbot.waitUntil(lambda: window.model.phase == "finished", timeout=300_000)
    assert phases == ["live"]  # offered before the call ended
    assert window.invite_offer.offering  # and still there on the summary
    assert window.invite_offer.text.text().startswith("Invite ready: Tuesday 8 Dec, 14:00–14:30")
    event = next(iter(Calendar.from_ical(window.model.invite.path.read_bytes()).walk("VEVENT")))
    assert event.decoded("dtstart") == datetime(2026, 12, 8, 14, 0)
