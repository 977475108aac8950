"""Everything a call leaves behind: transcripts, the verdict report, a recap email, a calendar invite.

Pure functions that turn utterances and the typed verdict (``copilot.coach.state.Verdict``) into text or bytes, plus one
atomic writer, so the CLI, the live path and the desktop app export through the same code and a full
disk or an unwritable folder never leaves a half-written file behind. Nothing here imports Qt or audio.
"""

from copilot.export._fmt import coaching_line
from copilot.export.atomic import ensure_output_dir, write_atomic
from copilot.export.bundle import write_exports
from copilot.export.invite import next_step_ics
from copilot.export.recap_email import recap_eml, recap_text
from copilot.export.transcript_formats import to_json, to_markdown, to_srt, to_txt, to_vtt
from copilot.export.verdict_report import verdict_markdown, verdict_pdf

__all__ = [
    "coaching_line",
    "ensure_output_dir",
    "next_step_ics",
    "recap_eml",
    "recap_text",
    "to_json",
    "to_markdown",
    "to_srt",
    "to_txt",
    "to_vtt",
    "verdict_markdown",
    "verdict_pdf",
    "write_atomic",
    "write_exports",
]
