"""After the call: the verdict, the reason, the coaching moments, the metrics, and the exports.

Every export goes through ``copilot.export`` (the same code as ``analyze --out`` and ``demo --out``);
this widget only asks where to put the files and shows what happened. Known errors (an unwritable
folder, a full disk) are shown as a message; the window stays usable.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from copilot.coach.state import Metrics, Verdict
from copilot.errors import CopilotError, OutputError
from copilot.export import (
    next_step_ics,
    recap_eml,
    recap_text,
    to_json,
    to_markdown,
    to_srt,
    to_txt,
    to_vtt,
    verdict_markdown,
    verdict_pdf,
    write_atomic,
    write_exports,
)
from copilot.session.clock import call_clock
from copilot.session.labels import Labels, labels_for
from copilot.session.utterance import Utterance
from copilot.ui.jobs import Jobs
from copilot.ui.text import speaker_label, step_when_text

log = logging.getLogger(__name__)

TranscriptRender = Callable[[list[Utterance], str | None, dict[str, str]], str]
TRANSCRIPT_FORMATS: dict[str, TranscriptRender] = {
    ".txt": lambda us, started_at, names: to_txt(us, names),
    ".md": lambda us, started_at, names: to_markdown(us, names, started_at=started_at),
    ".srt": lambda us, started_at, names: to_srt(us, names),
    ".vtt": lambda us, started_at, names: to_vtt(us, names),
    ".json": lambda us, started_at, names: to_json(us, started_at=started_at),
}


def metrics_lines(metrics: Metrics, labels: Labels | None = None) -> list[str]:
    """Conversation metrics in words: talk share, longest monologue, questions asked."""
    lines = []
    if metrics.talk_ratio:
        lines.append("Talk share: " + ", ".join(f"{speaker_label(k, labels)} {float(v):.0%}"
                                                for k, v in metrics.talk_ratio.items()))
    mono = metrics.longest_monologue
    if mono:
        secs = mono.get("seconds", mono.get("duration"))
        who = speaker_label(str(mono.get("speaker", "")), labels)
        if isinstance(secs, (int, float)):
            lines.append(f"Longest monologue: {who} {float(secs):.0f} s")
    if metrics.questions:
        lines.append("Questions asked: " + ", ".join(f"{speaker_label(k, labels)} {v}"
                                                     for k, v in metrics.questions.items()))
    return lines


class SummaryView(QWidget):
    """The end-of-call page; ``set_call`` fills it, the buttons export."""

    message = Signal(str)  # a one-line note for the status bar
    error = Signal(str)  # a known error to show
    new_call = Signal()

    def __init__(self, jobs: Jobs, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.jobs = jobs
        self.verdict: Verdict | None = None
        self.utterances: list[Utterance] = []
        self.started_at: str | None = None

        self.headline = QLabel()
        self.headline.setObjectName("verdictHeadline")
        self.reason = QLabel()
        self.reason.setObjectName("verdictReason")
        self.reason.setWordWrap(True)
        self.details = QTextBrowser()
        self.details.setObjectName("summaryDetails")

        self.buttons: dict[str, QPushButton] = {}
        grid = QGridLayout()
        specs = [
            ("all", "Save all exports…", self._ask_all),
            ("transcript", "Transcript (.txt .md .srt .vtt .json)…", self._ask_transcript),
            ("verdict", "Verdict report (Markdown + PDF)…", self._ask_verdict),
            ("copy_recap", "Copy recap email", self.copy_recap),
            ("eml", "Save recap email (.eml)…", self._ask_eml),
            ("ics", "Save calendar invite (.ics)…", self._ask_ics),
        ]
        for i, (key, label, slot) in enumerate(specs):
            button = QPushButton(label)
            button.clicked.connect(slot)
            self.buttons[key] = button
            grid.addWidget(button, i // 3, i % 3)
        again = QPushButton("New call")
        again.clicked.connect(self.new_call.emit)

        col = QVBoxLayout(self)
        col.addWidget(self.headline)
        col.addWidget(self.reason)
        col.addWidget(self.details, 1)
        col.addLayout(grid)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(again)
        col.addLayout(bottom)

    # --- content ----------------------------------------------------------------------------------
    @property
    def labels(self) -> Labels:
        return labels_for(self.verdict.vertical if self.verdict is not None else None)

    def set_call(self, verdict: Verdict, utterances: list[Utterance], started_at: str | None) -> None:
        self.verdict = verdict
        self.utterances = list(utterances)
        self.started_at = started_at
        words = self.labels
        secured = verdict.next_steps_secured
        level = verdict.commitment_level
        self.headline.setText(("✔ Next step secured" if secured else "✘ No next step secured")
                              + f"  ·  commitment {level}/5 — {words.rung(level, short=True)}")
        self.headline.setProperty("secured", secured)
        self.headline.style().unpolish(self.headline)
        self.headline.style().polish(self.headline)
        self.reason.setText(verdict.reason)
        self.details.setHtml(self._details_html(verdict, words))
        self.buttons["ics"].setEnabled(verdict.next_step is not None and verdict.next_step.when is not None)

    def _details_html(self, v: Verdict, words: Labels) -> str:
        parts: list[str] = []
        step = v.next_step
        if step is not None:
            when = step_when_text(step) or (f"when {step.trigger}" if step.trigger else "no date")
            parts.append(f"<h3>Next step</h3><p>{html.escape(step.action or '—')} — {html.escape(when)}</p>")
        rows = [f"<td>{'✔' if c.met else '✘'} {html.escape(words.criterion(name, short=True))}</td>"
                for name, c in v.criteria.items()]
        stages = [f"<td>{'✔' if st.met else '✘'} {html.escape(words.stage(name))}</td>"
                  for name, st in v.stages.items()]
        parts.append("<h3>Criteria</h3><table cellpadding=4><tr>" + "".join(rows) + "</tr></table>")
        parts.append("<h3>Close stages</h3><table cellpadding=4><tr>" + "".join(stages) + "</tr></table>")
        if v.coaching:
            items = []
            for c in v.coaching:
                line = f"<b>[{call_clock(c.t)}] {html.escape(c.kind)} - " \
                       f"{html.escape(c.category)}:</b> {html.escape(c.message)}"
                if c.try_:
                    line += f" <i>Try: “{html.escape(c.try_)}”</i>"
                items.append(f"<li>{line}</li>")
            parts.append("<h3>Coaching</h3><ul>" + "".join(items) + "</ul>")
        if v.weak_next_steps or v.objections:
            items = [f"<li>Weak next step at {call_clock(w.t)}: “{html.escape(w.text)}” → "
                     f"<i>{html.escape(w.try_)}</i></li>" for w in v.weak_next_steps]
            items += [f"<li>Objection at {call_clock(o.t)} ({html.escape(words.objection(o.type))}): "
                      f"“{html.escape(o.text)}” → <i>{html.escape(o.try_)}</i></li>" for o in v.objections]
            parts.append("<h3>Weak spots</h3><ul>" + "".join(items) + "</ul>")
        lines = metrics_lines(v.metrics, words)
        if lines:
            parts.append("<h3>Conversation</h3><ul>" + "".join(f"<li>{html.escape(s)}</li>" for s in lines)
                         + "</ul>")
        return "".join(parts)

    # --- exports (the buttons ask where, these write) ----------------------------------------------
    def export_all(self, folder: Path, on_written: Callable[[list[Path]], None] | None = None,
                   on_failed: Callable[[str], None] | None = None) -> None:
        utterances, verdict, started_at = list(self.utterances), self.verdict, self.started_at
        if verdict is None:
            self.error.emit("there is no call to export yet")
            return
        self._run(lambda: write_exports(folder, utterances, verdict, started_at=started_at),
                  lambda paths: f"{len(paths)} files written to {folder}", on_written, on_failed)

    def export_transcript(self, path: Path) -> None:
        render = TRANSCRIPT_FORMATS.get(path.suffix.lower())
        if render is None:
            self.error.emit(f"{path.name}: choose .txt, .md, .srt, .vtt or .json")
            return
        utterances, started_at, names = list(self.utterances), self.started_at, self.labels.speakers
        self._run(lambda: [write_atomic(path, render(utterances, started_at, names))],
                  lambda paths: f"transcript saved to {path}")

    def export_verdict(self, base: Path) -> None:
        base = base.with_suffix("")
        verdict = self.verdict
        if verdict is None:
            self.error.emit("there is no call to export yet")
            return
        self._run(lambda: [write_atomic(base.with_suffix(".md"), verdict_markdown(verdict)),
                           write_atomic(base.with_suffix(".pdf"), verdict_pdf(verdict))],
                  lambda paths: f"verdict report saved to {base}.md and .pdf")

    def export_eml(self, path: Path) -> None:
        verdict = self.verdict
        if verdict is None:
            self.error.emit("there is no call to export yet")
            return
        self._run(lambda: [write_atomic(path, recap_eml(verdict))], lambda paths: f"recap email saved to {path}")

    def export_ics(self, path: Path) -> None:
        verdict = self.verdict
        if verdict is None:
            self.error.emit("there is no call to export yet")
            return

        def write() -> list[Path]:
            data = next_step_ics(verdict)
            if data is None:
                raise CopilotError("no date and time was agreed, so there is nothing to put in a calendar")
            return [write_atomic(path, data)]
        self._run(write, lambda paths: f"calendar invite saved to {path}")

    def copy_recap(self) -> str:
        if self.verdict is None:
            self.error.emit("there is no call to export yet")
            return ""
        text = recap_text(self.verdict)
        QGuiApplication.clipboard().setText(text)
        self.message.emit("recap email copied to the clipboard")
        return text

    def _run(self, job: Callable[[], list[Path]], done: Callable[[list[Path]], str],
             on_written: Callable[[list[Path]], None] | None = None,
             on_failed: Callable[[str], None] | None = None) -> None:
        """Write in the background; say what was written, or why not (an unwritable folder, a full disk)."""

        def written(paths: list[Path]) -> None:
            self.message.emit(done(paths))
            if on_written is not None:
                on_written(paths)

        def failed(exc: CopilotError) -> None:
            self.error.emit(str(exc))
            if on_failed is not None:
                on_failed(str(exc))

        def guarded() -> list[Path]:
            try:
                return job()
            except OSError as exc:  # an exporter that let an OS error through: still the environment's fault
                raise OutputError(f"could not write: {exc.strerror or exc}") from None

        self.jobs.run(guarded, written, failed, what="exporting the call")

    def _ask_all(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Save all exports into")
        if folder:
            self.export_all(Path(folder))

    def _ask_transcript(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save transcript", "transcript.txt",
                                              "Text (*.txt);;Markdown (*.md);;Subtitles (*.srt);;WebVTT (*.vtt);;"
                                              "Transcript JSON (*.json)")
        if path:
            self.export_transcript(Path(path))

    def _ask_verdict(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save verdict report (Markdown and PDF)", "verdict.md",
                                              "Markdown (*.md)")
        if path:
            self.export_verdict(Path(path))

    def _ask_eml(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save recap email", "recap.eml", "Email (*.eml)")
        if path:
            self.export_eml(Path(path))

    def _ask_ics(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save calendar invite", "next_step.ics", "iCalendar (*.ics)")
        if path:
            self.export_ics(Path(path))
