"""The verdict as a report a rep or their manager reads after the call (Markdown and PDF).

Both formats are rendered from one list of plain blocks built from the verdict object of DESIGN.md,
so they always say the same thing. The report follows the method: was a next step secured and why,
the three criteria with the words that prove them, the four close stages, the commitment ladder, the
weak next steps and objections each with what to try instead, and the timestamped coaching moments.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from copilot.export._fmt import (
    coaching_line,
    evidence_line,
    human_when,
    items,
    label_for,
    mapping,
    md_escape,
    one_line,
    parse_when,
    resolve_labels,
)
from copilot.session.clock import call_clock

log = logging.getLogger(__name__)

CRITERION_NAMES = {
    "specific_action": "Specific action",
    "specific_time_or_trigger": "Specific date/time or trigger",
    "acknowledged": "Both parties acknowledged",
}
STAGE_NAMES = {
    "summarize": "Summarize",
    "confirm": "Confirm",
    "propose": "Propose",
    "lock": "Lock",
}
# DESIGN.md's commitment hierarchy, strongest first.
COMMITMENT_LEVELS = {
    5: "calendar invite sent and accepted",
    4: "verbal agreement to a specific date/time",
    3: "agreement to a specific action with a timeline or trigger",
    2: 'vague "follow up next week"',
    1: '"send me some info" / nothing',
}
OBJECTION_NAMES = {
    "think_about_it": "I need to think about it",
    "send_info": "Send me some info",
    "discuss_with_team": "I'll discuss with my team",
    "call_next_week": "Call me next week",
    "not_ready": "We're not ready yet",
}
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


def _yes(met: Any) -> str:
    return "yes" if met is True else "no"


def _evidence_cell(verdict: Mapping[str, Any], evidence: Any, labels: Mapping[str, str]) -> str:
    lines = [evidence_line(verdict, ev, labels) for ev in items(evidence)]
    return "\n".join(lines) if lines else "\u2014"


def _utterance_field(verdict: Mapping[str, Any], entry: Mapping[str, Any], key: str) -> Any:
    """An entry's own ``t``/``text``, else the referenced utterance's ``start``/``text``."""
    own = entry.get("t" if key == "start" else key)
    if own is not None:
        return own
    index = entry.get("utterance")
    utterances = items(verdict.get("utterances"))
    if isinstance(index, int) and not isinstance(index, bool) and 0 <= index < len(utterances):
        return mapping(utterances[index]).get(key)
    return None


def _try(entry: Mapping[str, Any]) -> str:
    suggestion = one_line(entry.get("try")).strip('"')
    return f' - Try: "{suggestion}"' if suggestion else ""


def _criteria_block(verdict: Mapping[str, Any], labels: Mapping[str, str]) -> Table:
    criteria = mapping(verdict.get("criteria"))
    keys = list(CRITERION_NAMES) + [k for k in criteria if k not in CRITERION_NAMES]
    rows = []
    for key in keys:
        crit = mapping(criteria.get(key))
        met = _yes(crit.get("met"))
        if crit.get("kind"):
            met += f" ({one_line(crit.get('kind'))})"
        rows.append((CRITERION_NAMES.get(key, key), met, _evidence_cell(verdict, crit.get("evidence"), labels)))
    return Table(("Criterion", "Met", "Evidence"), tuple(rows), (50, 25, 115))


def _stages_block(verdict: Mapping[str, Any], labels: Mapping[str, str]) -> Table:
    stages = mapping(verdict.get("stages"))
    keys = list(STAGE_NAMES) + [k for k in stages if k not in STAGE_NAMES]
    rows = []
    for key in keys:
        stage = mapping(stages.get(key))
        rows.append(
            (STAGE_NAMES.get(key, key), _yes(stage.get("met")), _evidence_cell(verdict, stage.get("evidence"), labels))
        )
    return Table(("Stage", "Heard", "Evidence"), tuple(rows), (35, 20, 135))


def _next_step_blocks(verdict: Mapping[str, Any], labels: Mapping[str, str]) -> list[Block]:
    blocks: list[Block] = [Heading(2, "Next step")]
    step = verdict.get("next_step")
    if not isinstance(step, Mapping):
        return blocks + [Para("No next step was put forward.")]
    entries: list[str | tuple[str, str]] = [("Action:", one_line(step.get("action")) or "not specific")]
    when = parse_when(step.get("when"))
    if when is not None:
        entries.append(("When:", f"{human_when(when)} ({when.isoformat()})"))
    else:
        entries.append(("When:", "no specific date/time"))
    if step.get("trigger"):
        entries.append(("Trigger:", one_line(step.get("trigger"))))
    agreed = [label_for(s, labels) for s in items(step.get("agreed_by")) if isinstance(s, str)]
    entries.append(("Agreed by:", ", ".join(agreed) if agreed else "nobody yet"))
    blocks.append(Bullets(tuple(entries)))
    evidence = [evidence_line(verdict, ev, labels) for ev in items(step.get("evidence"))]
    if evidence:
        blocks += [Para("Evidence:"), Bullets(tuple(evidence))]
    return blocks


def _commitment_blocks(verdict: Mapping[str, Any]) -> list[Block]:
    raw = verdict.get("commitment_level")
    level = raw if isinstance(raw, int) and not isinstance(raw, bool) and raw in COMMITMENT_LEVELS else None
    title = f"Commitment level: {level} of 5" if level is not None else "Commitment level: unknown"
    blocks: list[Block] = [Heading(2, title)]
    if level is not None:
        blocks.append(Para(f"{level} - {COMMITMENT_LEVELS[level]}", bold=True))
    ladder = tuple(
        f"{n} {meaning}" + ("   (this call)" if n == level else "") for n, meaning in COMMITMENT_LEVELS.items()
    )
    return blocks + [Bullets(ladder)]


def _weak_blocks(verdict: Mapping[str, Any], labels: Mapping[str, str]) -> list[Block]:
    entries = []
    for raw in items(verdict.get("weak_next_steps")):
        entry = mapping(raw)
        t = _utterance_field(verdict, entry, "start")
        text = one_line(_utterance_field(verdict, entry, "text"))
        entries.append(f'[{call_clock(t)}] "{text}"{_try(entry)}')
    body: Block = Bullets(tuple(entries)) if entries else Para("None heard.")
    return [Heading(2, "Weak next steps"), body]


def _objection_blocks(verdict: Mapping[str, Any]) -> list[Block]:
    entries = []
    for raw in items(verdict.get("objections")):
        entry = mapping(raw)
        kind = one_line(entry.get("type"))
        name = OBJECTION_NAMES.get(kind, kind.replace("_", " ") or "Objection")
        t = _utterance_field(verdict, entry, "start")
        text = one_line(_utterance_field(verdict, entry, "text"))
        quoted = f' "{text}"' if text else ""
        entries.append(f"[{call_clock(t)}] {name}:{quoted}{_try(entry)}")
    body: Block = Bullets(tuple(entries)) if entries else Para("None heard.")
    return [Heading(2, "Objections"), body]


def _moment_time(moment: Mapping[str, Any]) -> float:
    t = moment.get("t")
    return float(t) if isinstance(t, (int, float)) and not isinstance(t, bool) else float("inf")


def _coaching_blocks(verdict: Mapping[str, Any]) -> list[Block]:
    moments = sorted((mapping(m) for m in items(verdict.get("coaching"))), key=_moment_time)
    entries = tuple(coaching_line(m) for m in moments)
    body: Block = Bullets(entries) if entries else Para("No coaching moments.")
    return [Heading(2, "Coaching moments"), body]


def _format_metric(name: str, value: Any, labels: Mapping[str, str]) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return _yes(value)
    if isinstance(value, Mapping):
        parts = []
        for key, inner in value.items():
            if key == "speaker" and isinstance(inner, str):
                parts.append(label_for(inner, labels))
            elif key in ("seconds", "duration") and isinstance(inner, (int, float)):
                parts.append(f"{inner:.0f} s")
            elif key in ("t", "start") and isinstance(inner, (int, float)):
                parts.append(f"at {call_clock(inner)}")
            else:
                parts.append(f"{key.replace('_', ' ')} {_format_metric(key, inner, labels)}")
        return ", ".join(parts)
    if isinstance(value, (int, float)):
        if name == "talk_ratio" and 0.0 <= value <= 1.0:
            return f"{value * 100:.0f} %"
        if name in ("longest_monologue", "seconds", "duration", "t", "start", "end"):
            return f"{value:.0f} s"
        return f"{value:.1f}" if isinstance(value, float) else str(value)
    return one_line(value)


def _metrics_blocks(verdict: Mapping[str, Any], labels: Mapping[str, str]) -> list[Block]:
    if "metrics" not in verdict:
        return []
    metrics = mapping(verdict.get("metrics"))
    if not metrics:
        return [Heading(2, "Conversation metrics"), Para("No metrics.")]
    speakers = ("rep", "prospect")
    rows = []
    extra: list[str | tuple[str, str]] = []
    for key, value in metrics.items():
        name = METRIC_NAMES.get(key, key.replace("_", " ").capitalize())
        if isinstance(value, Mapping) and value and set(value) <= set(speakers):
            rows.append((name, *(_format_metric(key, value.get(s), labels) for s in speakers)))
        else:
            extra.append((f"{name}:", _format_metric(key, value, labels)))
    blocks: list[Block] = [Heading(2, "Conversation metrics")]
    if rows:
        header = ("Metric", *(label_for(s, labels) for s in speakers))
        blocks.append(Table(header, tuple(rows), (70, 60, 60)))
    if extra:
        blocks.append(Bullets(tuple(extra)))
    return blocks


def _notes_blocks(verdict: Mapping[str, Any]) -> list[Block]:
    notes: list[str] = []
    if verdict.get("speakers_separated") is False:
        notes.append(
            "Speakers could not be told apart (one mixed channel), so acknowledgement rests on turn-taking alone."
        )
    raw = verdict.get("notes")
    if isinstance(raw, str) and raw.strip():
        notes.append(one_line(raw))
    notes += [one_line(n) for n in items(raw) if one_line(n)]
    return [Heading(2, "Notes"), Bullets(tuple(notes))] if notes else []


def report_blocks(verdict: Mapping[str, Any], labels: Mapping[str, str] | None = None) -> list[Block]:
    """The report's content, independent of the output format."""
    names = resolve_labels(labels)
    secured = verdict.get("next_steps_secured") is True
    blocks: list[Block] = [
        Heading(1, "Call verdict"),
        Para(f"Next step secured: {'YES' if secured else 'NO'}", bold=True, tone="good" if secured else "bad"),
    ]
    reason = one_line(verdict.get("reason"))
    if reason:
        blocks.append(Para(reason))
    blocks += [Heading(2, "Next-step criteria"), _criteria_block(verdict, names)]
    blocks += _next_step_blocks(verdict, names)
    blocks += _commitment_blocks(verdict)
    blocks += [Heading(2, "The 5-minute close"), _stages_block(verdict, names)]
    blocks += _weak_blocks(verdict, names)
    blocks += _objection_blocks(verdict)
    blocks += _coaching_blocks(verdict)
    blocks += _metrics_blocks(verdict, names)
    blocks += _notes_blocks(verdict)
    return blocks


# --- Markdown -------------------------------------------------------------------------------------


def _md_entry(entry: str | tuple[str, str]) -> str:
    if isinstance(entry, tuple):
        return f"**{md_escape(entry[0])}** {md_escape(entry[1])}"
    return md_escape(entry)


def _md_cell(text: str) -> str:
    return "<br>".join(md_escape(line) for line in text.split("\n"))


def verdict_markdown(verdict: Mapping[str, Any], labels: Mapping[str, str] | None = None) -> str:
    """The verdict report as Markdown."""
    out: list[str] = []
    for block in report_blocks(verdict, labels):
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
    verdict: Mapping[str, Any],
    labels: Mapping[str, str] | None = None,
    *,
    font: tuple[Path, Path] | Path | None = None,
    use_core_font: bool = False,
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
    for block in report_blocks(verdict, labels):
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
