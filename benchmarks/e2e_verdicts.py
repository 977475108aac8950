"""End to end: the verdict from each shared call's audio against the verdict from its true text.

    python benchmarks/e2e_verdicts.py

Prints, per call, next_steps_secured from the label, from the true text and from the audio, and
whether the criteria, stages and commitment level agree too.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from copilot.asr.recording import transcribe_recording  # noqa: E402
from copilot.asr.transcriber import Transcriber  # noqa: E402
from copilot.coach import Verdict, analyze  # noqa: E402
from copilot.session import Utterance  # noqa: E402

SHARED = (REPO / ".." / "shared").resolve()
CALL_DATE = datetime(2026, 11, 19, 10, 0)


def summary(verdict: Verdict) -> tuple[bool, tuple[bool, ...], int, tuple[bool, ...]]:
    return (verdict.next_steps_secured, tuple(c.met for c in verdict.criteria.values()),
            verdict.commitment_level, tuple(s.met for s in verdict.stages.values()))


def compare_calls(transcriber: Transcriber) -> list[dict]:
    rows = []
    for meta in sorted((SHARED / "calls").glob("*.json")):
        truth = json.loads(meta.read_text())
        if truth["id"] in ("long_call", "silence_and_noise"):
            continue
        vertical = truth.get("vertical", "sales")
        true_utts = [Utterance(u["speaker"], u["start"], u["end"], u["text"]) for u in truth["utterances"]]
        from_text = analyze(true_utts, CALL_DATE, vertical=vertical)
        heard = transcribe_recording(meta.with_suffix(".flac"), transcriber)
        from_audio = analyze(heard.utterances, CALL_DATE, vertical=vertical)
        rows.append({"id": truth["id"], "label": truth["labels"]["next_steps_secured"],
                     "text": from_text.next_steps_secured, "audio": from_audio.next_steps_secured,
                     "all_same": summary(from_text) == summary(from_audio)})
    return rows


def main() -> int:
    if not SHARED.is_dir():
        print("../shared is missing", file=sys.stderr)
        return 1
    rows = compare_calls(Transcriber.load())
    print(f"{'call':16} {'label':>6} {'text':>6} {'audio':>6}  criteria/stages/level same")
    for r in rows:
        print(f"{r['id']:16} {r['label']!s:>6} {r['text']!s:>6} {r['audio']!s:>6}  {r['all_same']}")
    same = sum(r["text"] == r["audio"] for r in rows)
    full = sum(r["all_same"] for r in rows)
    print(f"next_steps_secured from audio == from text: {same}/{len(rows)}; everything equal: {full}/{len(rows)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
