"""The invite offer: a non-modal bar that appears while the call is still on, as soon as a step with a time is
agreed — "Invite ready: Tuesday 8 Dec, 14:00–14:45 — Live demo with you and Marcus" [Save…] [Open in calendar]
[Copy] — so the rep can send it before saying goodbye (Lock: "I'm sending the invite now").

The call session has already written the .ics (``InviteReady.path``); the bar only hands that file on: to a
file the user picks, to the default calendar app (the desktop's handler for the file), or to the clipboard as
text to paste into a mail or a web calendar. It follows the auto-start bar (``ui/auto_start.py``) in look and
manner: above the pages, never in the way, gone with the next call.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QFileDialog, QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from copilot.call.events import InviteReady
from copilot.errors import CopilotError

log = logging.getLogger(__name__)

BAR_STYLE = """
#inviteOffer { background: #e6f4ea; border: 1px solid #3c9a5f; border-radius: 6px; }
#inviteOffer[agreed="false"] { background: #fff4e0; border-color: #d9a03f; }
#inviteOffer QLabel { font-size: 15px; }
#inviteSave { font-weight: 700; background: #1b7a34; color: white; border-radius: 5px; padding: 5px 14px; }
"""

AskPath = Callable[[QWidget, str], str]  # (parent, suggested file name) -> the chosen path, "" when cancelled


def ask_save_path(parent: QWidget, suggested: str) -> str:
    path, _ = QFileDialog.getSaveFileName(parent, "Save the invite", suggested, "iCalendar (*.ics)")
    return path


class InviteOfferBar(QFrame):
    """Offers the latest invite of the call: Save… / Open in calendar / Copy (and ✕ to put it away)."""

    message = Signal(str)  # what was done, for the status bar
    problem = Signal(str)  # one line on what could not be done

    def __init__(self, parent: QWidget | None = None, ask_path: AskPath = ask_save_path) -> None:
        super().__init__(parent)
        self.setObjectName("inviteOffer")
        self.setStyleSheet(BAR_STYLE)
        self._ask_path = ask_path
        self.invite: InviteReady | None = None
        self.agreed = True  # False once the step was taken back (the call's latest state)
        self.compact = False  # the always-on-top strip: the time only, short buttons
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.save = QPushButton("Save…")
        self.save.setObjectName("inviteSave")
        self.save.setToolTip("Save the invite as an .ics file")
        self.save.clicked.connect(self.save_as)
        self.open = QPushButton("Open in calendar")
        self.open.setToolTip("Open the invite in your default calendar app")
        self.open.clicked.connect(self.open_in_calendar)
        self.copy = QPushButton("Copy")
        self.copy.setToolTip("Copy the invite (.ics text) to the clipboard")
        self.copy.clicked.connect(self.copy_text)
        self.dismiss = QPushButton("✕")
        self.dismiss.setToolTip("Put the offer away (the invite stays in the exports)")
        self.dismiss.setFixedWidth(32)
        self.dismiss.clicked.connect(self.withdraw)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 6, 10, 6)
        row.addWidget(self.text, 1)
        for button in (self.save, self.open, self.copy, self.dismiss):
            row.addWidget(button)
        self.setVisible(False)

    def offer(self, invite: InviteReady) -> None:
        """Show the invite just written (a later one, after a counter-offer, replaces it)."""
        self.invite = invite
        self.agreed = True
        self._show()
        who = f"\nWith: {', '.join(invite.attendees)}" if invite.attendees else ""
        self.setToolTip(f"{invite.summary}{who}\n{invite.path}")
        self.setVisible(True)

    def set_agreed(self, agreed: bool) -> None:
        """The step the invite is for is still agreed (True), or was taken back or is being renegotiated: the offer
        stays, but says to check before sending it."""
        if self.invite is not None and agreed != self.agreed:
            self.agreed = agreed
            self._show()

    def set_compact(self, compact: bool) -> None:
        """The compact strip is 440 px wide: the offer says only when, and the buttons are short."""
        self.compact = compact
        self.open.setText("Open" if compact else "Open in calendar")
        self._show()

    def _show(self) -> None:
        invite = self.invite
        if invite is None:
            return
        if self.compact:
            self.text.setText(f"{'Invite' if self.agreed else 'No longer agreed'}: {invite.describe()}")
        elif self.agreed:
            again = "Invite updated" if invite.sequence else "Invite ready"
            self.text.setText(f"{again}: {invite.describe()} — {invite.summary}")
        else:
            self.text.setText(f"No longer agreed — check before sending: {invite.describe()} — {invite.summary}")
        self.setProperty("agreed", "true" if self.agreed else "false")
        self.style().unpolish(self)
        self.style().polish(self)

    def withdraw(self) -> None:
        """Hide the offer and forget it (a new call, or the user put it away)."""
        self.invite = None
        self.hide()

    @property
    def offering(self) -> bool:
        return self.isVisible() and self.invite is not None

    def _ics(self) -> bytes | None:
        if self.invite is None:
            return None
        try:
            return self.invite.path.read_bytes()
        except OSError as exc:
            self.problem.emit(f"the invite {self.invite.path} cannot be read: {exc.strerror or exc}")
            return None

    def save_as(self) -> Path | None:
        """Ask where, then write the invite there atomically; the path written, or None."""
        if self.invite is None:
            return None
        chosen = self._ask_path(self, f"invite-{self.invite.start:%Y-%m-%d-%H%M}.ics")
        if not chosen:
            return None
        data = self._ics()
        if data is None:
            return None
        from copilot.export.atomic import write_atomic

        target = Path(chosen)
        if not target.suffix:
            target = target.with_suffix(".ics")
        try:
            write_atomic(target, data)
        except CopilotError as exc:
            self.problem.emit(str(exc))
            return None
        self.message.emit(f"Invite saved to {target}")
        return target

    def open_in_calendar(self) -> bool:
        """Hand the .ics to the desktop (the default calendar app imports it); False when nothing took it."""
        if self.invite is None:
            return False
        if not self.invite.path.is_file():
            self.problem.emit(f"the invite {self.invite.path} is gone; save it again from the exports")
            return False
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.invite.path))):
            self.problem.emit(f"no calendar app opened the invite — use Save… or Copy ({self.invite.path})")
            return False
        self.message.emit("Invite opened in your calendar app")
        return True

    def copy_text(self) -> bool:
        """The invite's .ics text on the clipboard (paste it into a mail, or import it in a web calendar)."""
        data = self._ics()
        clipboard = QGuiApplication.clipboard()
        if data is None or clipboard is None:
            return False
        clipboard.setText(data.decode("utf-8"))
        self.message.emit("Invite copied to the clipboard")
        return True
