"""Score the close coach on labelled endings: held-out first pass vs now, per criterion, with confusion tables.

Usage::

    python benchmarks/eval_coach.py                 # every set: held-out A and B, the regression sets, ../shared
    python benchmarks/eval_coach.py --set heldout_a --details
    python benchmarks/eval_coach.py --baseline 076bb88   # ablation: the old rules on the same endings
    python benchmarks/eval_coach.py --no-learned         # ablation: the rules without the learned reader
    python benchmarks/eval_coach.py --json

The sets (``tests/coach/heldout/README.md`` says who wrote what):

- ``heldout_a`` — 165 endings by three authors who never saw the coach; its first pass (the coach as it was when the
  set was committed) is stored in ``benchmarks/results/first_pass_heldout_a.jsonl``; it is the development set since.
- ``heldout_b`` — 100 endings by two other authors; sealed: only aggregate scores are printed (``--details`` refuses).
- ``heldout_c`` — 120 endings by two more authors, written after the new coach was built; its first pass is that
  coach (git a2f5012) on endings it never saw; a second development set since.
- ``heldout_d`` — 100 endings by two more authors, written later; first pass: the coach at git 8e04904.
- ``heldout_e`` — 100 endings by two more authors (raw recogniser text; reps who do not close by the book), written
  later; first pass: the coach at git 7eebd22.
- ``heldout_f`` — 100 endings by two more authors (phone-line recogniser text; who agreed to what, several steps at
  once), written later; first pass: the coach at git ea36b9e.
- ``heldout_g`` — 100 endings by two more authors (long meandering real-call texture; speakers of many Englishes),
  written last; first pass: the coach at git 758cbde.
- ``regression`` — ``tests/coach/data/asr_endings.jsonl``, endings written while the rules were being built.
- ``visible`` — ``../shared/eval/endings.jsonl``, the 60 endings the first rules were tuned on (when present).

The per-utterance cost is the 95th percentile of CPU time (``thread_time``), best of three uncached runs, so a busy
shared machine does not inflate it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from coach_predict import call_date, prediction  # noqa: E402

SETS = {
    "heldout_a": ROOT / "tests" / "coach" / "heldout" / "heldout_a.jsonl",
    "heldout_b": ROOT / "tests" / "coach" / "heldout" / "heldout_b.jsonl",
    "heldout_c": ROOT / "tests" / "coach" / "heldout" / "heldout_c.jsonl",
    "heldout_d": ROOT / "tests" / "coach" / "heldout" / "heldout_d.jsonl",
    "heldout_e": ROOT / "tests" / "coach" / "heldout" / "heldout_e.jsonl",
    "heldout_f": ROOT / "tests" / "coach" / "heldout" / "heldout_f.jsonl",
    "heldout_g": ROOT / "tests" / "coach" / "heldout" / "heldout_g.jsonl",
    "regression": ROOT / "tests" / "coach" / "data" / "asr_endings.jsonl",
    "visible": ROOT.parent / "shared" / "eval" / "endings.jsonl",
}
SEALED = {"heldout_b"}
FIRST_PASS = {name: ROOT / "benchmarks" / "results" / f"first_pass_{name}.jsonl"
              for name in ("heldout_a", "heldout_b", "heldout_c", "heldout_d", "heldout_e", "heldout_f", "heldout_g")}
CRITERIA = ("specific_action", "specific_time_or_trigger", "acknowledged")
STAGES = ("summarize", "confirm", "propose", "lock")


def load(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _f1(tp: int, fp: int, fn: int) -> float:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return 2 * p * r / (p + r) if p + r else 0.0


def _confusion(pairs: Iterable[tuple[bool, bool]]) -> dict[str, int]:
    c = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
    for got, want in pairs:
        c[("t" if got == want else "f") + ("p" if got else "n")] += 1
    return c


def score(endings: list[dict[str, Any]], preds: list[dict[str, Any]]) -> dict[str, Any]:
    """Accuracy of ``preds`` (from ``coach_predict.prediction``) against the endings' labels."""
    by_id = {p["id"]: p for p in preds}
    rows = [(e, by_id[e["id"]]) for e in endings if e.get("labels") and e["id"] in by_id]
    n = len(rows)
    out: dict[str, Any] = {"endings": n}
    if not n:
        return out
    out["next_steps_secured"] = sum(p["next_steps_secured"] == e["labels"]["next_steps_secured"] for e, p in rows) / n
    out["confusion"] = {"next_steps_secured": _confusion((p["next_steps_secured"], e["labels"]["next_steps_secured"])
                                                         for e, p in rows)}
    out["criteria"] = {}
    for c in CRITERIA:
        out["criteria"][c] = sum(p["criteria"][c] == e["labels"]["criteria"][c] for e, p in rows) / n
        out["confusion"][c] = _confusion((p["criteria"][c], e["labels"]["criteria"][c]) for e, p in rows)
    f1s = {}
    for s in STAGES:
        pairs = [(p["stages"][s], e["labels"]["stages"][s]) for e, p in rows if s in e["labels"].get("stages", {})]
        c = _confusion(pairs)
        f1s[s] = _f1(c["tp"], c["fp"], c["fn"])
    out["stages_f1"] = f1s
    out["stages_macro_f1"] = sum(f1s.values()) / len(f1s)
    out["commitment_exact"] = sum(p["commitment_level"] == e["labels"]["commitment_level"] for e, p in rows) / n
    out["time_kind"] = sum(p["time_kind"] == e["labels"].get("time_kind") for e, p in rows) / n
    obj = [0, 0, 0]
    weak = [0, 0, 0]
    for e, p in rows:
        got = {(o["utt"], o["type"]) for o in p["objections"]}
        want = {(o["utt"], o["type"]) for o in e["labels"].get("objections", [])}
        obj = [obj[0] + len(got & want), obj[1] + len(got - want), obj[2] + len(want - got)]
        gw, ww = set(p["weak_next_steps"]), set(e["labels"].get("weak_next_steps", []))
        weak = [weak[0] + len(gw & ww), weak[1] + len(gw - ww), weak[2] + len(ww - gw)]
    out["objection_f1"] = _f1(*obj)
    out["weak_next_steps_f1"] = _f1(*weak)
    timed = [(e, p) for e, p in rows if e["labels"].get("when") and e["labels"]["next_steps_secured"]]
    if timed:
        out["when_date_right"] = sum(bool(p.get("when")) and p["when"][:10] == e["labels"]["when"][:10]
                                     for e, p in timed) / len(timed)
    out["wrong"] = [e["id"] for e, p in rows if p["next_steps_secured"] != e["labels"]["next_steps_secured"]
                    or any(p["criteria"][c] != e["labels"]["criteria"][c] for c in CRITERIA)]
    return out


def predict_now(endings: list[dict[str, Any]], learned: bool = True) -> tuple[list[dict[str, Any]], list[float]]:
    """Predictions of the coach in this checkout, and the CPU milliseconds of each utterance (best of three)."""
    from copilot.coach import Coach
    from copilot.coach.learned import use_learned
    from copilot.session.utterance import Utterance

    use_learned(learned)
    preds = [prediction(e) for e in endings]
    best: list[float] | None = None
    for _ in range(3):
        _clear_caches()
        cpu: list[float] = []
        for e in endings:
            coach = Coach(call_date(e), vertical=e.get("vertical") or "sales")
            for u in e["utterances"]:
                c0 = time.thread_time()
                coach.feed(Utterance(u["speaker"], float(u["start"]), float(u["end"]), u["text"]))
                cpu.append((time.thread_time() - c0) * 1000.0)
        best = cpu if best is None else [min(a, b) for a, b in zip(best, cpu)]
    return preds, best or []


def _clear_caches() -> None:
    from copilot.coach.reader import read
    from copilot.coach.text import normalize

    read.cache_clear()
    normalize.cache_clear()
    try:
        from copilot.coach.learned import clear_cache

        clear_cache()
    except ImportError:
        pass


def predict_at(rev: str, paths: list[Path]) -> dict[str, list[dict[str, Any]]]:
    """Predictions of the coach at git revision ``rev`` (a temporary worktree), per endings file."""
    out: dict[str, list[dict[str, Any]]] = {}
    with tempfile.TemporaryDirectory(prefix="coach-baseline-") as tmp:
        tree = Path(tmp) / "tree"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "-q", "--detach", str(tree), rev], check=True)
        try:
            for path in paths:
                proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "coach_predict.py"), str(path)],
                                      env={**os.environ, "PYTHONPATH": str(tree)}, cwd=str(tree),
                                      capture_output=True, text=True, check=True)
                out[str(path)] = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False)
    return out


def p95(values: list[float]) -> float:
    v = sorted(values)
    return v[int(0.95 * (len(v) - 1))] if v else 0.0


ROW_NAMES = [("next_steps_secured", "next_steps_secured right")] + [(c, c) for c in CRITERIA]


def table(results: dict[str, dict[str, dict[str, Any]]]) -> str:
    """One column per (set, run); rows are the scores."""
    cols = [(s, run) for s, runs in results.items() for run in runs]
    head = ["", *[f"{s} {run}" for s, run in cols]]
    lines: list[list[str]] = [head]

    def cell(r: dict[str, Any], key: str) -> str:
        if not r.get("endings"):
            return "—"
        if key == "next_steps_secured":
            return f"{round(r[key] * r['endings'])}/{r['endings']} {r[key]:.3f}"
        if key in CRITERIA:
            return f"{r['criteria'][key]:.3f}"
        value = r.get(key)
        return "—" if value is None else f"{value:.3f}"

    for key, label in ROW_NAMES + [("stages_macro_f1", "stages macro-F1"), ("commitment_exact", "commitment exact"),
                                   ("time_kind", "time kind"), ("objection_f1", "objection F1"),
                                   ("when_date_right", "agreed date right")]:
        lines.append([label, *[cell(results[s][run], key) for s, run in cols]])
    widths = [max(len(row[k]) for row in lines) for k in range(len(head))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(row, widths)) for row in lines)


def confusion_lines(name: str, r: dict[str, Any]) -> list[str]:
    out = [f"{name}: confusion (tp fp fn tn)"]
    for key, c in r.get("confusion", {}).items():
        out.append(f"  {key:<26} {c['tp']:>4} {c['fp']:>4} {c['fn']:>4} {c['tn']:>4}")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", action="append", choices=sorted(SETS), help="score only these sets (repeatable)")
    ap.add_argument("--endings", type=Path, help="score another endings file")
    ap.add_argument("--baseline", metavar="REV", help="also score the coach of this git revision (ablation)")
    ap.add_argument("--no-learned", action="store_true", help="the rules without the learned reader")
    ap.add_argument("--details", action="store_true", help="list the wrong endings (not for the sealed set)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    names = args.set or [n for n, p in SETS.items() if p.is_file()]
    files = {n: SETS[n] for n in names if SETS[n].is_file()}
    if args.endings:
        files = {args.endings.stem: args.endings}
    if not files:
        print("no endings to score", file=sys.stderr)
        return 1
    endings = {n: load(p) for n, p in files.items()}
    results: dict[str, dict[str, dict[str, Any]]] = {}
    cost: list[float] = []
    for n, rows in endings.items():
        preds, cpu = predict_now(rows, learned=not args.no_learned)
        cost += cpu
        results[n] = {}
        if n in FIRST_PASS and FIRST_PASS[n].is_file():
            results[n]["first pass"] = score(rows, load(FIRST_PASS[n]))
        results[n]["now"] = score(rows, preds)
    if args.baseline:
        base = predict_at(args.baseline, list(files.values()))
        for n, p in files.items():
            results[n][f"@{args.baseline}"] = score(endings[n], base[str(p)])
    summary = {"sets": results, "p95_cpu_ms_per_utterance": p95(cost), "utterances": len(cost),
               "learned": not args.no_learned}
    if args.json:
        for runs in results.values():
            for r in runs.values():
                r.pop("wrong", None) if not args.details else None
        print(json.dumps(summary, indent=2))
        return 0
    print(table(results))
    print()
    for n, runs in results.items():
        print("\n".join(confusion_lines(f"{n} now", runs["now"])))
    print(f"\ncoach cost: p95 {summary['p95_cpu_ms_per_utterance']:.2f} CPU-ms per utterance over {len(cost)} "
          f"utterances (best of 3; learned reader {'on' if summary['learned'] else 'off'})")
    if args.details:
        for n, runs in results.items():
            if n in SEALED:
                print(f"\n{n}: sealed — only aggregate scores are shown")
                continue
            print(f"\n{n}: wrong now: {' '.join(runs['now'].get('wrong', []))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
