"""The settings dialog: devices, model, planned call length, vertical, data folder, keeping audio, starting when a
call starts, the rep's name, the names and terms to expect, and the rep's calendar with working hours.

The device lists come from ``copilot.audio.devices`` (the same listing as ``copilot devices``), with
its plain notes shown as guidance where the OS needs a loopback device.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any
from dataclasses import replace

from PySide6.QtCore import QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from copilot.call.mic import AUTO_START_CHOICES
from copilot.call.settings import MODELS, AppSettings
from copilot.coach.playbook import VERTICALS

log = logging.getLogger(__name__)

DEFAULT = "(system default)"
ENROL_SECONDS = 20
NOT_ENROLLED = "not enrolled: in a mono recording, the side that proposes and asks more is taken for you"
EnrolVoice = Callable[[Callable[[str], None], Callable[[str], None]], None]  # (on_done(status), on_failed(message))
AUDIO_RECORDING_AVAILABLE = True  # copilot.audio.recorder keeps a stereo FLAC in <data>/recordings
LOOPBACK_GUIDANCE = {
    "linux": "Linux: the other party is heard through the PulseAudio/PipeWire monitor of your speakers "
             "(“… .monitor”). If none is listed, install pulseaudio-utils or pipewire-pulse.",
    "win32": "Windows: the other party is recorded from the speakers' WASAPI loopback. Nothing is heard "
             "while nothing plays — that is normal.",
    "darwin": "macOS: install a loopback device such as BlackHole, send the call's output to it (a "
              "Multi-Output Device keeps your headphones working), and choose it here.",
}

AUTO_START_NOTE = {  # how "start when a call starts" knows; only that another app records is seen, never what
    "linux": "Watches PulseAudio/PipeWire for another app using the microphone; only that it does is seen, "
             "never what it hears.",
    "win32": "Watches Windows' microphone privacy record for another app using the microphone; only that it "
             "does is seen, never what it hears.",
    "darwin": "Watches CoreAudio for another app using the microphone; only that it does is seen, never what "
              "it hears.",
}


def _device_names(devices: Callable[[], Any]) -> tuple[list[str], list[str], list[str]]:
    """(microphones, system sources, notes); an empty listing rather than an error when PortAudio is absent."""
    try:
        report = devices()
    except Exception as exc:  # noqa: BLE001 - listing devices must never stop the dialog
        log.warning("could not list audio devices: %s", exc)
        return [], [], [f"could not list audio devices: {exc}"]
    return [d.name for d in report.inputs], [s.name for s in report.system], list(report.notes)


class SettingsDialog(QDialog):
    """Edits an ``AppSettings``; ``result_settings()`` returns the new one."""

    def __init__(self, settings: AppSettings, parent: QWidget | None = None,
                 devices: Callable[[], Any] | None = None, voice: str | None = None,
                 enrol_voice: EnrolVoice | None = None) -> None:
        """``voice``: what the rep's voice profile rests on (None: not enrolled); ``enrol_voice(done, failed)``
        records the rep in the background and answers on the GUI thread."""
        super().__init__(parent)
        self.setWindowTitle("Call Copilot — Settings")
        self._settings = settings
        mics, systems, notes = _device_names(devices) if devices is not None else ([], [], [])

        self.mic = self._combo([DEFAULT, *mics], settings.mic)
        self.system = self._combo([DEFAULT, *systems], settings.system_source)
        guidance = QLabel(LOOPBACK_GUIDANCE.get(sys.platform, LOOPBACK_GUIDANCE["linux"])
                          + ("<br><i>" + "<br>".join(notes) + "</i>" if notes else ""))
        guidance.setWordWrap(True)
        guidance.setObjectName("guidance")
        self.model = self._combo(list(MODELS), settings.model, editable=True)
        self.model.setToolTip("A model name, or a folder holding a CTranslate2 Whisper model. "
                              "tiny.en ships with the app; nothing is downloaded.")
        self.planned = QSpinBox()
        self.planned.setRange(5, 240)
        self.planned.setSuffix(" min")
        self.planned.setValue(settings.planned_minutes)
        self.vertical = self._combo(list(VERTICALS), settings.vertical)
        self.data_dir = QLineEdit(settings.data_dir or "")
        self.data_dir.setPlaceholderText("default (COPILOT_HOME or your user data folder)")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        data_row = QHBoxLayout()
        data_row.addWidget(self.data_dir, 1)
        data_row.addWidget(browse)
        self.keep_audio = QCheckBox("Keep the call's audio")
        self.keep_audio.setChecked(settings.keep_audio)
        self.keep_audio.setEnabled(AUDIO_RECORDING_AVAILABLE)
        self.keep_audio.setToolTip("Both sides are kept as one stereo FLAC in the data folder's recordings/")
        consent = QLabel("Recording a call may need everyone's consent where you and they are. "
                         "Off by default: only the transcript is kept.")
        consent.setWordWrap(True)
        consent.setObjectName("consent")
        self.auto_start = QComboBox()
        for value, label in AUTO_START_CHOICES.items():
            self.auto_start.addItem(label, value)
        self.auto_start.setCurrentIndex(max(0, self.auto_start.findData(settings.auto_start)))
        self.auto_start.setToolTip("When another app (Zoom, Teams, a browser tab, a softphone) starts recording from "
                                   "the microphone: do nothing, offer to start listening, or start at once. A call "
                                   "started that way ends when that app stops recording.")
        auto_note = QLabel(AUTO_START_NOTE.get(sys.platform, AUTO_START_NOTE["linux"]))
        auto_note.setWordWrap(True)
        auto_note.setObjectName("guidance")
        self.rep_name = QLineEdit(settings.rep_name or "")
        self.rep_name.setPlaceholderText("e.g. Dana Lee")
        self.rep_name.setToolTip("Which speaker of a caption file (WebVTT, SRT, 'Name: text') is you")
        self.vocabulary = QLineEdit(settings.vocabulary or "")
        self.vocabulary.setPlaceholderText("e.g. Acme Corp, Priya Raman, SOC 2")
        self.vocabulary.setToolTip("Names and terms the speech model should expect, separated by commas")

        self.calendars = QLineEdit("; ".join(settings.calendars))
        self.calendars.setPlaceholderText("none — e.g. ~/Calendars/work.ics; a folder of .ics files")
        self.calendars.setToolTip("Your calendar exported from Google, Outlook or Apple, or a local Evolution/"
                                  "Thunderbird calendar: .ics files or folders, separated by ';'. Read on this "
                                  "computer and re-read when it changes; never fetched over the network.")
        add_calendar = QPushButton("Add…")
        add_calendar.clicked.connect(self._add_calendar)
        calendar_row = QHBoxLayout()
        calendar_row.addWidget(self.calendars, 1)
        calendar_row.addWidget(add_calendar)
        self.work_start = QTimeEdit(QTime.fromString(settings.work_start, "HH:mm"))
        self.work_end = QTimeEdit(QTime.fromString(settings.work_end, "HH:mm"))
        for edit in (self.work_start, self.work_end):
            edit.setDisplayFormat("HH:mm")
        hours_row = QHBoxLayout()
        hours_row.addWidget(self.work_start)
        hours_row.addWidget(QLabel("to"))
        hours_row.addWidget(self.work_end)
        hours_row.addStretch(1)
        self.meeting_minutes = QSpinBox()
        self.meeting_minutes.setRange(10, 240)
        self.meeting_minutes.setSingleStep(5)
        self.meeting_minutes.setSuffix(" min")
        self.meeting_minutes.setValue(settings.meeting_minutes)
        self.days_ahead = QSpinBox()
        self.days_ahead.setRange(1, 60)
        self.days_ahead.setSuffix(" days")
        self.days_ahead.setValue(settings.days_ahead)
        calendar_note = QLabel("From the Propose stage on, the prompt offers your first free slots on two days; "
                               "the meeting in progress sets when closing mode starts and the names to expect.")
        calendar_note.setWordWrap(True)
        calendar_note.setObjectName("guidance")

        self.voice_status = QLabel(voice or NOT_ENROLLED)
        self.voice_status.setWordWrap(True)
        self.voice_status.setObjectName("guidance")
        self.enrol = QPushButton(f"Record {ENROL_SECONDS} s")
        self.enrol.setToolTip("Speak naturally for 20 seconds: your voice profile tells you apart from the other "
                              "party in mono recordings. It is kept on this computer and refreshed from the "
                              "microphone of your calls.")
        self.enrol.setEnabled(enrol_voice is not None)
        self._enrol_voice = enrol_voice
        self.enrol.clicked.connect(self._start_enrolment)
        voice_row = QHBoxLayout()
        voice_row.addWidget(self.enrol)
        voice_row.addStretch(1)

        form = QFormLayout()
        form.addRow("Microphone (you)", self.mic)
        form.addRow("System audio (them)", self.system)
        form.addRow("", guidance)
        form.addRow("Speech model", self.model)
        form.addRow("Planned call length", self.planned)
        form.addRow("Playbook", self.vertical)
        form.addRow("Data folder", data_row)
        form.addRow("", self.keep_audio)
        form.addRow("", consent)
        form.addRow("Start when a call starts", self.auto_start)
        form.addRow("", auto_note)
        form.addRow("Your name (as caption files write it)", self.rep_name)
        form.addRow("Names and terms to expect", self.vocabulary)
        form.addRow("Your voice", voice_row)
        form.addRow("", self.voice_status)
        form.addRow("Your calendar", calendar_row)
        form.addRow("Working hours", hours_row)
        form.addRow("Usual meeting length", self.meeting_minutes)
        form.addRow("Look for free slots", self.days_ahead)
        form.addRow("", calendar_note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        col = QVBoxLayout(self)
        col.addLayout(form)
        col.addWidget(buttons)
        self.resize(560, self.sizeHint().height())  # tall enough for the wrapped notes (0 cut them off)

    @staticmethod
    def _combo(items: list[str], current: str | None, editable: bool = False) -> QComboBox:
        combo = QComboBox()
        combo.setEditable(editable)
        combo.addItems(items)
        if current and current not in items:
            combo.addItem(current)
        combo.setCurrentText(current or items[0])
        return combo

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Data folder", self.data_dir.text())
        if folder:
            self.data_dir.setText(folder)

    def _start_enrolment(self) -> None:
        if self._enrol_voice is None:
            return
        self.enrol.setEnabled(False)
        self.voice_status.setText(f"Recording — speak naturally for {ENROL_SECONDS} seconds…")
        self._enrol_voice(self._enrolled, self._not_enrolled)

    def _enrolled(self, status: str) -> None:
        self.voice_status.setText(status)
        self.enrol.setEnabled(True)

    def _not_enrolled(self, message: str) -> None:
        self.voice_status.setText(f"Not enrolled: {message}")
        self.enrol.setEnabled(True)

    def _add_calendar(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Your calendar", "", "iCalendar (*.ics);;All files (*)")
        if path:
            current = [c.strip() for c in self.calendars.text().split(";") if c.strip()]
            self.calendars.setText("; ".join([*current, path]))

    def result_settings(self) -> AppSettings:
        def pick(combo: QComboBox) -> str | None:
            text = combo.currentText().strip()
            return None if not text or text == DEFAULT else text

        return replace(self._settings, mic=pick(self.mic), system_source=pick(self.system),
                       model=self.model.currentText().strip() or "tiny.en", planned_minutes=self.planned.value(),
                       vertical=self.vertical.currentText(), data_dir=self.data_dir.text().strip() or None,
                       keep_audio=self.keep_audio.isChecked(), auto_start=str(self.auto_start.currentData()),
                       rep_name=self.rep_name.text().strip() or None,
                       vocabulary=self.vocabulary.text().strip() or None,
                       calendars=tuple(c.strip() for c in self.calendars.text().split(";") if c.strip()),
                       work_start=self.work_start.time().toString("HH:mm"),
                       work_end=self.work_end.time().toString("HH:mm"),
                       meeting_minutes=self.meeting_minutes.value(), days_ahead=self.days_ahead.value())
