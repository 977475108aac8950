"""Labelled endings rendered to audio, through the whole analyze path: does the verdict survive speech recognition?

The endings are rendered by ``../shared/tools/render_call.py`` (a local Piper voice; ``--bleed-db -6`` puts the
other party's voice into the rep's microphone, as when the rep is on speakers). Each recording then goes through
exactly what ``copilot analyze`` does (decode, segment, transcribe with tiny.en, the coach), and its verdict is
compared with the label and with the verdict on the ending's own text.

    python ../shared/tools/render_call.py tests/coach/heldout/heldout_c.jsonl /tmp/audio_c --bleed-db -6
    python benchmarks/audio_endings.py tests/coach/heldout/heldout_c.jsonl /tmp/audio_c
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from coach_predict import prediction  # noqa: E402

from copilot.call import CallService, build_config  # noqa: E402

CRITERIA = ("specific_action", "specific_time_or_trigger", "acknowledged")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("endings", type=Path)
    ap.add_argument("rendered", type=Path, help="the folder render_call.py wrote (<id>.flac and <id>.json)")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    endings = {e["id"]: e for e in (json.loads(x) for x in args.endings.read_text().splitlines() if x.strip())}
    service = CallService(build_config(data_dir=tempfile.mkdtemp(), cpu_threads=2, save=False, settings=None))
    rows = []
    for flac in sorted(args.rendered.glob("*.flac")):
        e = endings.get(flac.stem)
        if e is None:
            continue
        transcript = service.read_call(flac)
        started = datetime.fromisoformat(e["started_at"]) if e.get("started_at") else None
        call = service.analyze(transcript, source=str(flac), started_at=started, vertical=e.get("vertical"))
        v = call.verdict
        text = prediction(e)
        labels = e["labels"]
        rows.append({"id": e["id"], "label": labels["next_steps_secured"], "text": text["next_steps_secured"],
                     "audio": v.next_steps_secured,
                     "criteria_audio": {c: v.criteria[c].met for c in CRITERIA},
                     "criteria_label": labels["criteria"], "words": sum(len(u.text.split())
                                                                       for u in transcript.utterances)})
        if args.limit and len(rows) >= args.limit:
            break
    n = len(rows)
    if not n:
        print("nothing rendered to compare", file=sys.stderr)
        return 1
    summary = {
        "endings": n,
        "audio_right": sum(r["audio"] == r["label"] for r in rows) / n,
        "text_right": sum(r["text"] == r["label"] for r in rows) / n,
        "audio_agrees_with_text": sum(r["audio"] == r["text"] for r in rows) / n,
        "criteria_audio_right": {c: sum(r["criteria_audio"][c] == r["criteria_label"][c] for r in rows) / n
                                 for c in CRITERIA},
    }
    if args.json:
        print(json.dumps({"summary": summary, "rows": rows}, indent=1))
    else:
        print(f"{n} endings rendered with the rep on speakers (other party -6 dB in the microphone)")
        print(f"  next_steps_secured right from audio  {summary['audio_right']:.3f}")
        print(f"  next_steps_secured right from text   {summary['text_right']:.3f}")
        print(f"  audio verdict = text verdict          {summary['audio_agrees_with_text']:.3f}")
        for c, v in summary["criteria_audio_right"].items():
            print(f"  {c:<26} (audio) {v:.3f}")
        flips = [r["id"] for r in rows if r["audio"] != r["text"]]
        print("  audio differs from text on:", " ".join(flips) or "none")
    return 0


if __name__ == "__main__":
    sys.exit(main())
