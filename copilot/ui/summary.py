"""After the call: the verdict, the reason, the coaching moments, the metrics, the recap email, the mutual
action plan, and the exports.

Every export goes through ``copilot.export`` (the same code as ``analyze --out`` and ``demo --out``);
this widget only asks where to put the files and shows what happened. Known errors (an unwritable
folder, a full disk) are shown as a message; the window stays usable. The recap is drafted in the method's
template and edited here before it is copied or saved (Copy and Save use the edited text). The action plan is the
account's: with a data folder and an account name, this call's rows are merged into the account's stored plan
(``copilot.actionplan.store``), and each edit (status, owner, date, rows added or removed) is saved back.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from copilot.actionplan.people import names_on_call
from copilot.actionplan.plan import STATUSES, ActionPlan, PlanStep, Risk, account_name, iso, merge, parse_date, \
    plan_csv, plan_from_call, plan_markdown
from copilot.actionplan.store import load_plan, save_plan
from copilot.calendar.events import CalendarEvent
from copilot.export.bundle import call_start

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


class PlanEditor(QWidget):
    """The mutual action plan as an editable table: date, action, owner, status (and what kind of row it is).

    ``edited`` fires after every change the rep makes (a cell, a status, a row added or removed); a date that is
    not one is refused with one line on ``problem`` and the cell goes back to what it was.
    """

    edited = Signal()
    problem = Signal(str)
    COLUMNS = ("Date", "Action", "Owner", "Status", "Kind")
    _META = Qt.ItemDataRole.UserRole  # (kind, heard_on, id) on the action cell; the last good text on the date

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.account_edit = QLineEdit()
        self.account_edit.setObjectName("planAccount")
        self.account_edit.setPlaceholderText("Account name: links this call with the account's earlier calls")
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setObjectName("actionPlanTable")
        self.table.setHorizontalHeaderLabels(self.COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column in (0, 2, 3, 4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.risks = QPlainTextEdit()
        self.risks.setObjectName("planRisks")
        self.risks.setPlaceholderText("Risks heard, one a line")
        self.risks.setMaximumHeight(80)
        self.add_button = QPushButton("Add row")
        self.remove_button = QPushButton("Remove row")
        self.add_button.clicked.connect(lambda: self.add_row())
        self.remove_button.clicked.connect(self.remove_selected)
        self.table.itemChanged.connect(self._item_changed)
        self.risks.textChanged.connect(self._risks_changed)
        self._filling = False
        self._calls: tuple[str, ...] = ()
        self._risk_meta: dict[str, Risk] = {}

        top = QHBoxLayout()
        top.addWidget(QLabel("Account:"))
        top.addWidget(self.account_edit, 1)
        rows = QHBoxLayout()
        rows.addWidget(self.add_button)
        rows.addWidget(self.remove_button)
        rows.addStretch(1)
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        col.addLayout(top)
        col.addWidget(self.table, 1)
        col.addLayout(rows)
        col.addWidget(QLabel("Risks heard:"))
        col.addWidget(self.risks)

    def set_plan(self, plan: ActionPlan) -> None:
        self._filling = True
        try:
            self.account_edit.setText(plan.account)
            self._calls = plan.calls
            self.table.setRowCount(0)
            for step in plan.steps:
                self.add_row(step, announce=False)
            self._risk_meta = {r.text: r for r in plan.risks}
            self.risks.setPlainText("\n".join(r.text for r in plan.risks))
        finally:
            self._filling = False

    def plan(self) -> ActionPlan:
        """What the table shows now, as a plan (rows without an action are left out)."""
        steps = []
        for row in range(self.table.rowCount()):
            action = self._text(row, 1)
            if not action:
                continue
            cell = self.table.item(row, 1)
            meta = (cell.data(self._META) if cell is not None else None) or ("step", "", "")
            combo = self.table.cellWidget(row, 3)
            status = combo.currentText() if isinstance(combo, QComboBox) else "open"
            date = self._text(row, 0)
            steps.append(PlanStep(iso(parse_date(date)) if date else "", action, self._text(row, 2), status, meta[0], meta[1], meta[2]))
        risks = tuple(self._risk_meta.get(line.strip(), Risk(line.strip()))
                      for line in self.risks.toPlainText().splitlines() if line.strip())
        return ActionPlan(" ".join(self.account_edit.text().split()), tuple(steps), risks, self._calls)

    def add_row(self, step: PlanStep | None = None, announce: bool = True) -> int:
        step = step if step is not None else PlanStep("", "", "", "open", "step")
        was = self._filling
        self._filling = True
        try:
            row = self.table.rowCount()
            self.table.insertRow(row)
            shown = step.date.replace("T", " ")  # "2026-12-08 14:00" reads better; either form is taken back
            date_item = QTableWidgetItem(shown)
            date_item.setData(self._META, shown)
            action = QTableWidgetItem(step.action)
            action.setData(self._META, (step.kind, step.heard_on, step.id))
            kind = QTableWidgetItem(step.kind)
            kind.setFlags(kind.flags() & ~Qt.ItemFlag.ItemIsEditable)
            for col, item in ((0, date_item), (1, action), (2, QTableWidgetItem(step.owner)), (4, kind)):
                self.table.setItem(row, col, item)
            combo = QComboBox()
            combo.addItems(STATUSES)
            combo.setCurrentText(step.status if step.status in STATUSES else "open")
            combo.currentTextChanged.connect(lambda _text: self._changed())
            self.table.setCellWidget(row, 3, combo)
        finally:
            self._filling = was
        if announce:
            self.table.setCurrentCell(row, 1)
            self._changed()
        return row

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()} | (
            {self.table.currentRow()} if self.table.currentRow() >= 0 else set()), reverse=True)
        for row in rows:
            self.table.removeRow(row)
        if rows:
            self._changed()

    def _text(self, row: int, col: int) -> str:
        item = self.table.item(row, col)
        return " ".join(item.text().split()) if item is not None else ""

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling:
            return
        if item.column() == 0:
            text = item.text().strip()
            try:
                if text:
                    parse_date(text)
            except ValueError as exc:
                self._filling = True
                item.setText(str(item.data(self._META) or ""))
                self._filling = False
                self.problem.emit(str(exc))
                return
            item.setData(self._META, text)
        self._changed()

    def _risks_changed(self) -> None:
        if not self._filling:
            self._changed()

    def _changed(self) -> None:
        if not self._filling:
            self.edited.emit()


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
        self.meeting: CalendarEvent | None = None
        self.rep_name: str | None = None
        self.data_dir: Path | None = None
        self._call_plan: ActionPlan | None = None  # this call's own rows, to move when the account is renamed
        self._saved_account = ""

        self.headline = QLabel()
        self.headline.setObjectName("verdictHeadline")
        self.reason = QLabel()
        self.reason.setObjectName("verdictReason")
        self.reason.setWordWrap(True)
        self.details = QTextBrowser()
        self.details.setObjectName("summaryDetails")
        self.recap = QPlainTextEdit()
        self.recap.setObjectName("recapEditor")
        self.recap.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont))
        redraft = QPushButton("Redraft from the call")
        redraft.setToolTip("Throw away the edits and draft the recap again from the call")
        redraft.clicked.connect(self.redraft_recap)
        recap_page = QWidget()
        recap_col = QVBoxLayout(recap_page)
        recap_col.setContentsMargins(0, 0, 0, 0)
        recap_col.addWidget(QLabel("The recap email, in the method's template: edit it here; Copy and Save use "
                                   "this text."))
        recap_col.addWidget(self.recap, 1)
        recap_row = QHBoxLayout()
        recap_row.addStretch(1)
        recap_row.addWidget(redraft)
        recap_col.addLayout(recap_row)
        self.plan_editor = PlanEditor()
        self.plan_editor.edited.connect(self._plan_edited)
        self.plan_editor.problem.connect(self.error.emit)
        self.plan_editor.account_edit.editingFinished.connect(self._account_set)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("summaryTabs")
        self.tabs.addTab(self.details, "Verdict")
        self.tabs.addTab(recap_page, "Recap email")
        self.tabs.addTab(self.plan_editor, "Action plan")

        self.buttons: dict[str, QPushButton] = {}
        grid = QGridLayout()
        specs = [
            ("all", "Save all exports…", self._ask_all),
            ("transcript", "Transcript (.txt .md .srt .vtt .json)…", self._ask_transcript),
            ("verdict", "Verdict report (Markdown + PDF)…", self._ask_verdict),
            ("copy_recap", "Copy recap email", self.copy_recap),
            ("eml", "Save recap email (.eml)…", self._ask_eml),
            ("ics", "Save calendar invite (.ics)…", self._ask_ics),
            ("plan", "Action plan (.md .csv)…", self._ask_plan),
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
        col.addWidget(self.tabs, 1)
        col.addLayout(grid)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(again)
        col.addLayout(bottom)

    # --- content ----------------------------------------------------------------------------------
    @property
    def labels(self) -> Labels:
        return labels_for(self.verdict.vertical if self.verdict is not None else None)

    def set_call(self, verdict: Verdict, utterances: list[Utterance], started_at: str | None, *,
                 meeting: CalendarEvent | None = None, rep_name: str | None = None,
                 data_dir: Path | str | None = None, account: str | None = None) -> None:
        """Show a finished call. ``meeting`` (the rep's calendar's meeting it was) and ``rep_name`` fill the recap's
        names; with ``data_dir`` the action plan is the account's (``account``, else one heard or the meeting's
        title), merged with this call's rows and saved."""
        self.verdict = verdict
        self.utterances = list(utterances)
        self.started_at = started_at
        self.meeting = meeting
        self.rep_name = rep_name
        self.data_dir = Path(data_dir) if data_dir is not None else None
        self.redraft_recap()
        rep, prospect = names_on_call(verdict, rep_name, None, meeting)
        self._call_plan = plan_from_call(verdict, account=account_name(account, verdict, meeting),
                                         started_at=call_start(started_at), rep_name=rep, prospect_name=prospect)
        self._saved_account = ""
        self._show_plan(self._call_plan)
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

    # --- the recap and the plan ---------------------------------------------------------------------
    def recap_text(self) -> str:
        """The recap as the rep left it in the editor."""
        return self.recap.toPlainText()

    def redraft_recap(self) -> None:
        if self.verdict is not None:
            self.recap.setPlainText(recap_text(self.verdict, rep_name=self.rep_name,
                                               started_at=call_start(self.started_at), meeting=self.meeting))

    def _show_plan(self, call_plan: ActionPlan) -> None:
        """This call's plan merged into its account's stored one (and saved), or this call's alone."""
        plan = call_plan
        if self.data_dir is not None and call_plan.account:
            try:
                earlier = load_plan(self.data_dir, call_plan.account)
                if earlier is not None:
                    plan = merge(earlier, call_plan, later_started=call_start(self.started_at))
                save_plan(self.data_dir, plan)
                self._saved_account = plan.account
            except CopilotError as exc:
                self.error.emit(str(exc))
        self.plan_editor.set_plan(plan)

    def _plan_edited(self) -> None:
        """Each edit is saved to the account's plan (when there is a data folder and an account name)."""
        plan = self.plan_editor.plan()
        if self.data_dir is None or not plan.account:
            return
        try:
            save_plan(self.data_dir, plan)
            self._saved_account = plan.account
        except CopilotError as exc:
            self.error.emit(str(exc))

    def _account_set(self) -> None:
        """A new account name: this call's rows leave the old account's plan and join the new one's."""
        name = " ".join(self.plan_editor.account_edit.text().split())
        if self._call_plan is None or name == self._call_plan.account:
            return
        current = self.plan_editor.plan()
        own = {s.id for s in self._call_plan.steps}
        if self.data_dir is not None and self._saved_account and self._saved_account != name:
            rest = replace(current, account=self._saved_account,
                           steps=tuple(s for s in current.steps if s.id not in own),
                           calls=tuple(c for c in current.calls if c not in self._call_plan.calls))
            try:
                save_plan(self.data_dir, rest)
            except CopilotError as exc:
                self.error.emit(str(exc))
        # the rep's edits to this call's rows travel with them
        mine = tuple(s for s in current.steps if s.id in own or s.heard_on in self._call_plan.calls)
        self._call_plan = replace(self._call_plan, account=name, steps=mine or self._call_plan.steps)
        self._show_plan(self._call_plan)

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
        recap, plan, meeting, rep_name = self.recap_text(), self.plan_editor.plan(), self.meeting, self.rep_name
        self._run(lambda: write_exports(folder, utterances, verdict, started_at=started_at, meeting=meeting,
                                        rep_name=rep_name, plan=plan, recap=recap),
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
        body, meeting, rep_name = self.recap_text(), self.meeting, self.rep_name
        self._run(lambda: [write_atomic(path, recap_eml(verdict, body=body, meeting=meeting, rep_name=rep_name))],
                  lambda paths: f"recap email saved to {path}")

    def export_plan(self, base: Path) -> None:
        """The action plan as it stands in the editor, as ``<base>.md`` and ``<base>.csv``."""
        if self.verdict is None:
            self.error.emit("there is no call to export yet")
            return
        base = base.with_suffix("")
        plan = self.plan_editor.plan()
        self._run(lambda: [write_atomic(base.with_suffix(".md"), plan_markdown(plan)),
                           write_atomic(base.with_suffix(".csv"), plan_csv(plan))],
                  lambda paths: f"action plan saved to {base}.md and .csv")

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
        text = self.recap_text()
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

    def _ask_plan(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save action plan (Markdown and CSV)", "action_plan.md",
                                              "Markdown (*.md)")
        if path:
            self.export_plan(Path(path))

    def _ask_ics(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save calendar invite", "next_step.ics", "iCalendar (*.ics)")
        if path:
            self.export_ics(Path(path))
