"""The verdict as a report a rep or their manager reads after the call (Markdown and PDF).

Both formats are rendered from one list of plain blocks built from the typed verdict, so they always say the
same thing. The report follows the method: was a next step secured and why, the three criteria with the words
that prove them, the four close stages, the commitment ladder, the weak next steps and objections each with what
to try instead, and the timestamped coaching moments. Its words come from the vertical's labels
(``copilot.session.labels``).
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from copilot.actionplan.plan import ActionPlan, sorted_steps
from copilot.coach.state import Evidence, Metrics, Verdict
from copilot.export._fmt import (
    coaching_line,
    evidence_line,
    human_when,
    label_for,
    md_escape,
    one_line,
    resolve_labels,
    step_when,
)
from copilot.session.clock import call_clock
from copilot.session.labels import Labels, labels_for

log = logging.getLogger(__name__)

METRIC_NAMES = {
    "talk_ratio": "Talk share",
    "longest_monologue": "Longest monologue",
    "questions": "Questions asked",
}


# --- the report as plain blocks -------------------------------------------------------------------


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True)
class Para:
    text: str
    bold: bool = False
    tone: str = ""  # "good" / "bad": shown in colour where the format has colour


@dataclass(frozen=True)
class Bullets:
    """Each item is plain text or a (bold label, text) pair."""

    entries: tuple[str | tuple[str, str], ...]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[int, ...] = field(default=())


Block = Heading | Para | Bullets | Table


def _yes(met: bool) -> str:
    return "yes" if met is True else "no"


def _evidence_cell(evidence: tuple[Evidence, ...], speakers: Mapping[str, str]) -> str:
    lines = [evidence_line(ev, speakers) for ev in evidence]
    return "\n".join(lines) if lines else "\u2014"


def _try(suggestion: str | None) -> str:
    text = one_line(suggestion).strip('"')
    return f' - Try: "{text}"' if text else ""


def _criteria_block(verdict: Verdict, words: Labels, speakers: Mapping[str, str]) -> Table:
    rows = []
    for key, crit in verdict.criteria.items():
        met = _yes(crit.met)
        if crit.kind:
            met += f" ({one_line(crit.kind)})"
        rows.append((words.criterion(key), met, _evidence_cell(crit.evidence, speakers)))
    return Table(("Criterion", "Met", "Evidence"), tuple(rows), (50, 25, 115))


def _stages_block(verdict: Verdict, words: Labels, speakers: Mapping[str, str]) -> Table:
    rows = [(words.stage(key), _yes(stage.met), _evidence_cell(stage.evidence, speakers))
            for key, stage in verdict.stages.items()]
    return Table(("Stage", "Heard", "Evidence"), tuple(rows), (35, 20, 135))


def _next_step_blocks(verdict: Verdict, speakers: Mapping[str, str]) -> list[Block]:
    blocks: list[Block] = [Heading(2, "Next step")]
    suggested = verdict.state.suggested_next_step
    if suggested is not None:  # what the method suggests from what was heard, and why
        why = [evidence_line(ev, speakers) for ev in suggested.evidence[:2]]
        blocks.append(Para(labels_for(verdict.vertical).suggestion(suggested.action, suggested.with_, suggested.stage)
                           + (f" — heard: {'; '.join(why)}" if why else "")))
    step = verdict.next_step
    if step is None:
        return blocks + [Para("No next step was put forward.")]
    entries: list[str | tuple[str, str]] = [("Action:", one_line(step.action) or "not specific")]
    when = step_when(step)
    if when is not None:
        entries.append(("When:", f"{human_when(when)} ({when.isoformat()})"))
    else:
        entries.append(("When:", "no specific date/time"))
    if step.trigger:
        entries.append(("Trigger:", one_line(step.trigger)))
    agreed = [label_for(s, speakers) for s in step.agreed_by]
    entries.append(("Agreed by:", ", ".join(agreed) if agreed else "nobody yet"))
    blocks.append(Bullets(tuple(entries)))
    evidence = [evidence_line(ev, speakers) for ev in step.evidence]
    if evidence:
        blocks += [Para("Evidence:"), Bullets(tuple(evidence))]
    return blocks


def _commitment_blocks(verdict: Verdict, words: Labels) -> list[Block]:
    level = verdict.commitment_level if verdict.commitment_level in words.ladder else None
    title = f"Commitment level: {level} of 5" if level is not None else "Commitment level: unknown"
    blocks: list[Block] = [Heading(2, title)]
    if level is not None:
        blocks.append(Para(f"{level} - {words.rung(level)}", bold=True))
    ladder = tuple(
        f"{n} {meaning}" + ("   (this call)" if n == level else "") for n, meaning in words.ladder.items()
    )
    return blocks + [Bullets(ladder)]


def _weak_blocks(verdict: Verdict) -> list[Block]:
    entries = [f'[{call_clock(w.t)}] "{one_line(w.text)}"{_try(w.try_)}' for w in verdict.weak_next_steps]
    body: Block = Bullets(tuple(entries)) if entries else Para("None heard.")
    return [Heading(2, "Weak next steps"), body]


def _objection_blocks(verdict: Verdict, words: Labels) -> list[Block]:
    entries = []
    for o in verdict.objections:
        text = one_line(o.text)
        quoted = f' "{text}"' if text else ""
        entries.append(f"[{call_clock(o.t)}] {words.objection(one_line(o.type))}:{quoted}{_try(o.try_)}")
    body: Block = Bullets(tuple(entries)) if entries else Para("None heard.")
    return [Heading(2, "Objections"), body]


def _coaching_blocks(verdict: Verdict) -> list[Block]:
    moments = sorted(verdict.coaching, key=lambda m: m.t)
    entries = tuple(coaching_line(m) for m in moments)
    body: Block = Bullets(entries) if entries else Para("No coaching moments.")
    return [Heading(2, "Coaching moments"), body]


def _format_metric(name: str, value: object, speakers: Mapping[str, str]) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return _yes(value)
    if isinstance(value, Mapping):
        parts = []
        for key, inner in value.items():
            if key == "speaker" and isinstance(inner, str):
                parts.append(label_for(inner, speakers))
            elif key in ("seconds", "duration") and isinstance(inner, (int, float)):
                parts.append(f"{inner:.0f} s")
            elif key in ("t", "start") and isinstance(inner, (int, float)):
                parts.append(f"at {call_clock(inner)}")
            else:
                parts.append(f"{str(key).replace('_', ' ')} {_format_metric(str(key), inner, speakers)}")
        return ", ".join(parts)
    if isinstance(value, (int, float)):
        if name == "talk_ratio" and 0.0 <= value <= 1.0:
            return f"{value * 100:.0f} %"
        if name in ("longest_monologue", "seconds", "duration", "t", "start", "end"):
            return f"{value:.0f} s"
        return f"{value:.1f}" if isinstance(value, float) else str(value)
    return one_line(value)


def _metrics_blocks(metrics: Metrics, speakers: Mapping[str, str]) -> list[Block]:
    sections: dict[str, Mapping[str, Any]] = {"talk_ratio": metrics.talk_ratio, "questions": metrics.questions,
                                              "longest_monologue": metrics.longest_monologue}
    present = {key: value for key, value in sections.items() if value}
    if not present:
        return []  # nothing measured (nothing was said): no section
    who = ("rep", "prospect")
    rows = []
    extra: list[str | tuple[str, str]] = []
    for key, value in present.items():
        name = METRIC_NAMES[key]
        if set(value) <= set(who):
            rows.append((name, *(_format_metric(key, value.get(s), speakers) for s in who)))
        else:
            extra.append((f"{name}:", _format_metric(key, value, speakers)))
    blocks: list[Block] = [Heading(2, "Conversation metrics")]
    if rows:
        header = ("Metric", *(label_for(s, speakers) for s in who))
        blocks.append(Table(header, tuple(rows), (70, 60, 60)))
    if extra:
        blocks.append(Bullets(tuple(extra)))
    return blocks


def _notes_blocks(verdict: Verdict) -> list[Block]:
    notes = [one_line(n) for n in verdict.notes if one_line(n)]
    return [Heading(2, "Notes"), Bullets(tuple(notes))] if notes else []


def _plan_blocks(plan: ActionPlan | None) -> list[Block]:
    """The mutual action plan: its rows (date, action, owner, status) and the risks heard."""
    if plan is None:
        return []
    title = "Mutual action plan" + (f": {one_line(plan.account)}" if plan.account else "")
    rows = tuple((s.date.replace("T", " ") or "-", one_line(s.action), one_line(s.owner) or "-", s.status)
                 for s in sorted_steps(plan))
    blocks: list[Block] = [Heading(2, title)]
    blocks.append(Table(("Date", "Action", "Owner", "Status"), rows, (32, 92, 30, 22)) if rows
                  else Para("No steps yet."))
    risks = tuple(f"{one_line(r.text)} ({r.status})" for r in plan.risks)
    if risks:
        blocks += [Para("Risks heard:", bold=True), Bullets(risks)]
    return blocks


def report_blocks(verdict: Verdict, labels: Mapping[str, str] | None = None,
                  plan: ActionPlan | None = None) -> list[Block]:
    """The report's content, independent of the output format; ``labels`` overrides the speakers' names;
    ``plan`` adds the account's mutual action plan after the next step."""
    words = labels_for(verdict.vertical)
    speakers = resolve_labels(labels, verdict.vertical)
    secured = verdict.next_steps_secured
    blocks: list[Block] = [
        Heading(1, "Call verdict"),
        Para(f"Next step secured: {'YES' if secured else 'NO'}", bold=True, tone="good" if secured else "bad"),
    ]
    reason = one_line(verdict.reason)
    if reason:
        blocks.append(Para(reason))
    blocks += [Heading(2, "Next-step criteria"), _criteria_block(verdict, words, speakers)]
    blocks += _next_step_blocks(verdict, speakers)
    blocks += _plan_blocks(plan)
    blocks += _commitment_blocks(verdict, words)
    blocks += [Heading(2, "The 5-minute close"), _stages_block(verdict, words, speakers)]
    blocks += _weak_blocks(verdict)
    blocks += _objection_blocks(verdict, words)
    blocks += _coaching_blocks(verdict)
    blocks += _metrics_blocks(verdict.metrics, speakers)
    blocks += _notes_blocks(verdict)
    return blocks


# --- Markdown -------------------------------------------------------------------------------------


def _md_entry(entry: str | tuple[str, str]) -> str:
    if isinstance(entry, tuple):
        return f"**{md_escape(entry[0])}** {md_escape(entry[1])}"
    return md_escape(entry)


def _md_cell(text: str) -> str:
    return "<br>".join(md_escape(line) for line in text.split("\n"))


def verdict_markdown(verdict: Verdict, labels: Mapping[str, str] | None = None,
                     plan: ActionPlan | None = None) -> str:
    """The verdict report as Markdown (with the action plan when ``plan`` is given)."""
    out: list[str] = []
    for block in report_blocks(verdict, labels, plan):
        if isinstance(block, Heading):
            out += [f"{'#' * block.level} {md_escape(block.text)}", ""]
        elif isinstance(block, Para):
            text = md_escape(block.text)
            out += [f"**{text}**" if block.bold else text, ""]
        elif isinstance(block, Bullets):
            out += [f"- {_md_entry(entry)}" for entry in block.entries] + [""]
        elif isinstance(block, Table):
            out.append("| " + " | ".join(md_escape(h) for h in block.header) + " |")
            out.append("|" + "|".join("---" for _ in block.header) + "|")
            out += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in block.rows]
            out.append("")
    return "\n".join(out)


# --- PDF ------------------------------------------------------------------------------------------

_PACKAGE_FONTS = Path(__file__).resolve().parent / "fonts"

# (regular, bold) candidates: a font shipped beside this module first, then common system fonts.
_FONT_CANDIDATES: tuple[tuple[str, str], ...] = (
    (str(_PACKAGE_FONTS / "DejaVuSans.ttf"), str(_PACKAGE_FONTS / "DejaVuSans-Bold.ttf")),
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/TTF/DejaVuSans.ttf", "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf", "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf", "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf"),
    (
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    ),
    ("/Library/Fonts/Arial Unicode.ttf", "/System/Library/Fonts/Supplemental/Arial Bold.ttf"),
    ("/System/Library/Fonts/Supplemental/Arial Unicode.ttf", "/System/Library/Fonts/Supplemental/Arial Bold.ttf"),
    ("/System/Library/Fonts/Supplemental/Arial.ttf", "/System/Library/Fonts/Supplemental/Arial Bold.ttf"),
    ("C:/Windows/Fonts/segoeui.ttf", "C:/Windows/Fonts/segoeuib.ttf"),
    ("C:/Windows/Fonts/arial.ttf", "C:/Windows/Fonts/arialbd.ttf"),
)

# What core-font (Latin-1) output uses for common typography that Latin-1 lacks.
_ASCII_FALLBACK = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2212": "-",
    "\u2026": "...",
    "\u2022": "-",
    "\u00b7": "-",
    "\u2192": "->",
    "\u2190": "<-",
    "\u2713": "v",
    "\u2714": "v",
    "\u2717": "x",
    "\u2264": "<=",
    "\u2265": ">=",
    "\u20ac": "EUR",
    "\u2122": "(TM)",
    "\u00a0": " ",
    "\u2009": " ",
    "\u202f": " ",
}


_TONES = {"good": (0, 120, 40), "bad": (180, 20, 20)}


def find_unicode_font() -> tuple[Path, Path] | None:
    """(regular, bold) TrueType fonts to embed, or None to fall back to Latin-1 core fonts."""
    for regular, bold in _FONT_CANDIDATES:
        reg = Path(regular)
        if reg.is_file():
            bold_path = Path(bold)
            return reg, bold_path if bold_path.is_file() else reg
    return None


class _Fitter:
    """Replaces characters the chosen font cannot draw, so no text silently vanishes from the PDF."""

    def __init__(self, covered: Any) -> None:
        self._covered = covered  # a predicate on code points

    def __call__(self, text: str) -> str:
        out = []
        for ch in text:
            if ch in "\n\t" or self._covered(ord(ch)):
                out.append(ch)
                continue
            out.append(self._substitute(ch))
        return "".join(out)

    def _substitute(self, ch: str) -> str:
        if ch in _ASCII_FALLBACK and all(self._covered(ord(c)) for c in _ASCII_FALLBACK[ch]):
            return _ASCII_FALLBACK[ch]
        decomposed = unicodedata.normalize("NFKD", ch)
        kept = "".join(c for c in decomposed if not unicodedata.combining(c) and self._covered(ord(c)))
        return kept or "?"


def _new_pdf(font: tuple[Path, Path] | None) -> tuple[Any, str, _Fitter]:
    from fpdf import FPDF  # imported here: only PDF export pays for fpdf2's import

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_margins(10, 12, 10)
    pdf.set_title("Call verdict")
    pdf.set_creator("Call Copilot")
    if font is not None:
        try:
            pdf.add_font("report", "", str(font[0]))
            pdf.add_font("report", "B", str(font[1]))
            pdf.set_font("report", "B", size=10)
            bold_cmap = getattr(pdf.current_font, "cmap", None) or {}
            pdf.set_font("report", size=10)
            cmap = getattr(pdf.current_font, "cmap", None) or {}
            # a character must be drawable in both weights (a bold face may cover less than the regular one)
            return pdf, "report", _Fitter(lambda cp: cp in cmap and cp in bold_cmap)
        except Exception as exc:  # noqa: BLE001 - a broken or unsupported font must not cost the report
            log.warning("cannot use font %s (%s); using a Latin-1 core font", font[0], exc)
            pdf = FPDF(format="A4")
            pdf.set_auto_page_break(auto=True, margin=15)
            pdf.set_margins(10, 12, 10)
            pdf.set_title("Call verdict")
            pdf.set_creator("Call Copilot")
    pdf.set_font("helvetica", size=10)
    return pdf, "helvetica", _Fitter(lambda cp: 32 <= cp <= 126 or 160 <= cp <= 255)


def verdict_pdf(
    verdict: Verdict,
    labels: Mapping[str, str] | None = None,
    *,
    font: tuple[Path, Path] | Path | None = None,
    use_core_font: bool = False,
    plan: ActionPlan | None = None,
) -> bytes:
    """The verdict report as a PDF document.

    Text is drawn with an embedded Unicode TrueType font (one beside this module, else a system font
    such as DejaVu Sans; ``font`` overrides), or with a Latin-1 core font where none is found, in which
    case other characters are transliterated ("é" stays, "“" becomes '"', "日" becomes "?");
    ``use_core_font`` forces that fallback. Characters the embedded font lacks become "?" too.
    """
    if isinstance(font, (str, Path)):
        font = (Path(font), Path(font))
    chosen = None if use_core_font else (font if font is not None else find_unicode_font())
    pdf, family, fit = _new_pdf(chosen)
    pdf.add_page()
    width = pdf.epw
    line_height = 5.0
    for block in report_blocks(verdict, labels, plan):
        if isinstance(block, Heading):
            size = 16 if block.level == 1 else 12
            pdf.ln(2 if block.level > 1 else 0)
            pdf.set_font(family, "B", size)
            pdf.multi_cell(width, size * 0.5, fit(block.text), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif isinstance(block, Para):
            pdf.set_font(family, "B" if block.bold else "", 11 if block.bold else 10)
            pdf.set_text_color(*_TONES.get(block.tone, (0, 0, 0)))
            pdf.multi_cell(width, line_height, fit(block.text), new_x="LMARGIN", new_y="NEXT")
            pdf.set_text_color(0, 0, 0)
            pdf.ln(1)
        elif isinstance(block, Bullets):
            _pdf_bullets(pdf, family, fit, block, line_height)
        elif isinstance(block, Table):
            _pdf_table(pdf, family, fit, block)
    return bytes(pdf.output())


def _pdf_bullets(pdf: Any, family: str, fit: _Fitter, block: Bullets, line_height: float) -> None:
    indent = 5.0
    margin = pdf.l_margin
    for entry in block.entries:
        pdf.set_font(family, "", 10)
        pdf.set_x(margin)
        pdf.cell(indent, line_height, fit("\u2022"))
        pdf.set_left_margin(margin + indent)
        try:
            if isinstance(entry, tuple):
                pdf.set_font(family, "B", 10)
                pdf.write(line_height, fit(entry[0] + " "))
                pdf.set_font(family, "", 10)
                pdf.write(line_height, fit(entry[1]))
            else:
                pdf.write(line_height, fit(entry))
            pdf.ln(line_height)
        finally:
            pdf.set_left_margin(margin)
    pdf.set_x(margin)
    pdf.ln(1)


def _pdf_table(pdf: Any, family: str, fit: _Fitter, block: Table) -> None:
    pdf.set_font(family, "", 9)
    widths = block.widths if len(block.widths) == len(block.header) else None
    with pdf.table(
        col_widths=widths,
        text_align="LEFT",
        line_height=4.5,
        padding=1,
        headings_style=_headings_style(family),
    ) as table:
        header = table.row()
        for title in block.header:
            header.cell(fit(title))
        for cells in block.rows:
            row = table.row()
            for cell in cells:
                row.cell(fit(cell))
    pdf.ln(2)


def _headings_style(family: str) -> Any:
    from fpdf.fonts import FontFace

    return FontFace(family=family, emphasis="BOLD", fill_color=(230, 230, 230))


__all__ = ["find_unicode_font", "report_blocks", "verdict_markdown", "verdict_pdf"]
