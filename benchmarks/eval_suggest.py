"""Score the suggested next step (``suggested_next_step``) on labelled pre-close transcripts.

Usage::

    python benchmarks/eval_suggest.py                  # every tests/coach/heldout/suggest/*.jsonl
    python benchmarks/eval_suggest.py --details        # and each miss: id, label, prediction, the evidence
    python benchmarks/eval_suggest.py --json           # the figures as one JSON object
    python benchmarks/eval_suggest.py --out rows.jsonl # each row's prediction, for a later comparison

Each line of a set is ``{"id", "vertical", "started_at", "utterances": [{speaker, start, end, text}],
"label": {"stage", "with"}}``. The stage is scored exactly (a null suggestion is a miss). ``with`` is scored
loosely: a null label is right only when nothing was named and the step is with the other party alone (a null
prediction); otherwise the label and the prediction must share a content word ("the CFO" ~ "Dana (CFO)",
"hiring manager" ~ "the hiring manager"), after dropping articles, possessives and plural s. The coach runs through
its public ``analyze``, as ``copilot analyze`` does, with speakers separated.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SETS_DIR = ROOT / "tests" / "coach" / "heldout" / "suggest"
_DROP = {"the", "a", "an", "your", "our", "my", "their", "his", "her", "and", "with", "of", "to", "or", "you", "team"}


def _words(text: str | None) -> set[str]:
    if not text:
        return set()
    out = set()
    for w in re.findall(r"[a-z0-9]+", text.lower().replace("'s", "").replace("’s", "")):
        if w in _DROP:
            continue
        out.add(w[:-1] if len(w) > 3 and w.endswith("s") else w)
    return out


def with_right(label: str | None, predicted: str | None) -> bool:
    """Loose agreement on who the step is with (see the module's docstring)."""
    if label is None or not str(label).strip():
        return predicted is None
    want, got = _words(label), _words(predicted)
    if not want:
        return not got
    return bool(want & got)


def predict(row: dict[str, Any]) -> dict[str, Any] | None:
    from copilot.coach import analyze
    from copilot.session.utterance import Utterance

    utts = [Utterance(u["speaker"], float(u["start"]), float(u["end"]), u["text"]) for u in row["utterances"]]
    raw = row.get("started_at")
    when = datetime.fromisoformat(raw) if isinstance(raw, str) else datetime(2026, 11, 18, 10, 0)
    out: dict[str, Any] | None = analyze(utts, when, vertical=row.get("vertical") or "sales").to_json()[
        "suggested_next_step"]
    return out


def load(paths: list[Path]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for path in paths:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise SystemExit(f"{path}:{n}: not JSON ({exc.msg})") from None
            row["_set"] = path.stem
            rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="*", type=Path, help="sets to score (default: every held-out suggest set)")
    ap.add_argument("--details", action="store_true", help="print each miss")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--out", type=Path, help="write each row's prediction here (JSON lines)")
    args = ap.parse_args(argv)
    paths = args.files or sorted(SETS_DIR.glob("*.jsonl"))
    if not paths:
        print(f"no sets found under {SETS_DIR}", file=sys.stderr)
        return 2
    rows = load(paths)
    stage_ok = Counter[str]()
    total = Counter[str]()
    with_ok = Counter[str]()
    with_n = Counter[str]()
    per_stage: dict[str, Counter[str]] = defaultdict(Counter)
    confusion: dict[str, Counter[str]] = defaultdict(Counter)
    misses: list[str] = []
    out_rows: list[dict[str, Any]] = []
    for row in rows:
        vertical = row.get("vertical") or "sales"
        label = row.get("label") or {}
        pred = predict(row)
        got = pred["stage"] if pred else None
        ok = got == label.get("stage")
        total["all"] += 1
        total[vertical] += 1
        stage_ok["all"] += ok
        stage_ok[vertical] += ok
        per_stage[f"{vertical}/{label.get('stage')}"]["n"] += 1
        per_stage[f"{vertical}/{label.get('stage')}"]["ok"] += ok
        confusion[f"{vertical}/{label.get('stage')}"][str(got)] += 1
        w_ok = with_right(label.get("with"), pred["with"] if pred else None)
        with_n["all"] += 1
        with_ok["all"] += w_ok
        if ok:
            with_n["stage right"] += 1
            with_ok["stage right"] += w_ok
        out_rows.append({"id": row.get("id"), "set": row["_set"], "vertical": vertical, "label": label,
                         "predicted": {"stage": got, "with": pred["with"] if pred else None}})
        if not ok or not w_ok:
            ev = "; ".join(f"[{e['utterance']}] {e['text']}" for e in (pred or {}).get("evidence", [])[:2])
            misses.append(f"{row.get('id')} ({vertical}): label {label.get('stage')}/{label.get('with')!r} — "
                          f"got {got}/{(pred or {}).get('with')!r}{' — ' + ev if ev else ''}")
    figures = {
        "rows": total["all"],
        "stage_accuracy": {k: round(stage_ok[k] / total[k], 3) for k in total},
        "stage_right": {k: f"{stage_ok[k]}/{total[k]}" for k in total},
        "with_loose": {k: f"{with_ok[k]}/{with_n[k]}" for k in with_n},
        "per_stage": {k: f"{v['ok']}/{v['n']}" for k, v in sorted(per_stage.items())},
        "confusion": {k: dict(v) for k, v in sorted(confusion.items())},
    }
    if args.out:
        args.out.write_text("".join(json.dumps(r) + "\n" for r in out_rows), encoding="utf-8")
    if args.json:
        print(json.dumps(figures, indent=1))
        return 0
    print(f"suggested_next_step on {total['all']} transcripts ({', '.join(p.stem for p in paths)})")
    for k in total:
        print(f"  stage right  {k:<18} {stage_ok[k]:>3}/{total[k]:<3} {stage_ok[k] / total[k]:.3f}")
    for k in with_n:
        print(f"  with (loose) {k:<18} {with_ok[k]:>3}/{with_n[k]}")
    print("  per labelled stage (right/n; what was predicted):")
    for k, v in sorted(per_stage.items()):
        got_s = ", ".join(f"{g} {c}" for g, c in confusion[k].most_common())
        print(f"    {k:<32} {v['ok']}/{v['n']}   {got_s}")
    if args.details:
        print("misses:")
        for m in misses:
            print("  " + m)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
