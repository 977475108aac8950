"""Score the close coach on the labelled endings and time it.

Usage::

    python benchmarks/eval_coach.py [--endings PATH] [--asr] [--details] [--json]

Prints a table: next_steps_secured accuracy, each criterion's accuracy, stages macro-F1, commitment
level exact match, objection-type F1 (matched on utterance index and type), time-kind accuracy, and the
95th-percentile milliseconds per utterance. ``--asr`` first degrades every ending to raw speech-recognition
style (lowercase, no punctuation, small numbers as words, fillers) to check the rules generalise.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from copilot.coach import Coach
from copilot.session.utterance import Utterance

DEFAULT_ENDINGS = ROOT.parent / "shared" / "eval" / "endings.jsonl"
CPU_TIMES: list[float] = []  # CPU time per utterance of the last scored run (thread_time), unaffected by other processes
CALL_DATE = datetime(2026, 11, 18, 10, 0, 0)  # the endings carry no started_at; a fixed Wednesday
CRITERIA = ("specific_action", "specific_time_or_trigger", "acknowledged")
STAGES = ("summarize", "confirm", "propose", "lock")

_SMALL = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
          "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"]
_TENS = {30: "thirty", 40: "forty", 50: "fifty"}


def _num_words(m: re.Match[str]) -> str:
    n = int(m.group(0))
    if n <= 20:
        return _SMALL[n]
    if n in _TENS:
        return _TENS[n]
    return m.group(0)


def degrade(text: str, rng: random.Random) -> str:
    """Raw-ASR style: lowercase, no punctuation, small numbers as words, 'p.m.' as 'p m', fillers."""
    t = text.lower()
    t = re.sub(r"(\d{1,2}):(\d{2})", lambda m: f"{_num_words(re.match(r'.*', m.group(1)))} "  # type: ignore[arg-type]
               f"{'' if m.group(2) == '00' else _num_words(re.match(r'.*', m.group(2)))}", t)  # type: ignore[arg-type]
    t = re.sub(r"\b\d{1,2}\b", _num_words, t)
    t = t.replace("p.m.", "p m").replace("a.m.", "a m")
    t = re.sub(r"[^\w\s']", " ", t)
    words = t.split()
    out: list[str] = []
    for w in words:
        if rng.random() < 0.08:
            out.append(rng.choice(["um", "uh", "like", "you know"]))
        out.append(w)
    return " ".join(out)


_HOMOPHONE_SWAPS = {"two": ("to", "too", "two"), "four": ("for", "four"), "to": ("to", "two"), "for": ("for", "four")}


def degrade_heavy(ending: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """Harsher ASR: more fillers, number homophones both ways, and each long utterance split in two.

    Splitting shifts utterance indices, so callers compare per-ending results only (not objection indices).
    """
    utts: list[dict[str, Any]] = []
    for u in ending["utterances"]:
        text = degrade(u["text"], rng)
        words = []
        for w in text.split():
            if w in _HOMOPHONE_SWAPS and rng.random() < 0.5:
                w = rng.choice(_HOMOPHONE_SWAPS[w])
            if rng.random() < 0.07:
                words.append(rng.choice(["um", "uh", "like", "you know", "i mean"]))
            words.append(w)
        if len(words) >= 8 and rng.random() < 0.6:
            cut = rng.randint(3, len(words) - 3)
            mid = u["start"] + (u["end"] - u["start"]) * cut / len(words)
            utts.append({**u, "end": mid, "text": " ".join(words[:cut])})
            utts.append({**u, "start": mid, "text": " ".join(words[cut:])})
        else:
            utts.append({**u, "text": " ".join(words)})
    return {**ending, "utterances": utts}


def load(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def run_one(ending: dict[str, Any], asr: bool = False, seed: int = 0) -> tuple[dict[str, Any], list[float]]:
    rng = random.Random(f"{ending.get('id')}-{seed}")
    coach = Coach(CALL_DATE, vertical=ending.get("vertical") or "sales")
    times: list[float] = []
    for u in ending["utterances"]:
        text = degrade(u["text"], rng) if asr else u["text"]
        utt = Utterance(u["speaker"], float(u["start"]), float(u["end"]), text)
        t0 = time.perf_counter()
        c0 = time.thread_time()
        coach.feed(utt)
        times.append((time.perf_counter() - t0) * 1000.0)
        CPU_TIMES.append((time.thread_time() - c0) * 1000.0)
    return coach.verdict(), times


def _f1(tp: int, fp: int, fn: int) -> float:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return 2 * p * r / (p + r) if p + r else 0.0


def _clear_caches() -> None:
    from copilot.coach.features import _features_cached
    from copilot.coach.text import normalize

    _features_cached.cache_clear()
    normalize.cache_clear()


def score(endings: list[dict[str, Any]], asr: bool = False, details: bool = False, repeat: int = 1) -> dict[str, Any]:
    _clear_caches()
    CPU_TIMES.clear()
    n = 0
    secured = 0
    crit = {c: 0 for c in CRITERIA}
    stage_counts = {s: [0, 0, 0] for s in STAGES}  # tp, fp, fn
    commit = 0
    kind_ok = 0
    obj = [0, 0, 0]
    obj_types = [0, 0, 0]
    weak = [0, 0, 0]
    all_times: list[float] = []
    wrong: list[str] = []
    for e in endings:
        labels = e.get("labels")
        if not labels:
            continue
        v, times = run_one(e, asr=asr)
        all_times.extend(times)
        n += 1
        problems = []
        if v["next_steps_secured"] == labels["next_steps_secured"]:
            secured += 1
        else:
            problems.append(f"secured {v['next_steps_secured']}")
        for c in CRITERIA:
            if v["criteria"][c]["met"] == labels["criteria"][c]:
                crit[c] += 1
            else:
                problems.append(f"{c} {v['criteria'][c]['met']}")
        for s in STAGES:
            if s not in labels.get("stages", {}):
                continue
            got, want = v["stages"][s]["met"], labels["stages"][s]
            if got and want:
                stage_counts[s][0] += 1
            elif got and not want:
                stage_counts[s][1] += 1
                problems.append(f"stage {s} FP")
            elif want and not got:
                stage_counts[s][2] += 1
                problems.append(f"stage {s} FN")
        if v["commitment_level"] == labels["commitment_level"]:
            commit += 1
        else:
            problems.append(f"commit {v['commitment_level']} want {labels['commitment_level']}")
        got_kind = v["criteria"]["specific_time_or_trigger"].get("kind")
        if got_kind == labels.get("time_kind"):
            kind_ok += 1
        got_o = {(o["utterance"], o["type"]) for o in v["objections"]}
        want_o = {(o["utt"], o["type"]) for o in labels["objections"]}
        obj[0] += len(got_o & want_o)
        obj[1] += len(got_o - want_o)
        obj[2] += len(want_o - got_o)
        got_t = {o["type"] for o in v["objections"]}
        want_t = {o["type"] for o in labels["objections"]}
        obj_types[0] += len(got_t & want_t)
        obj_types[1] += len(got_t - want_t)
        obj_types[2] += len(want_t - got_t)
        got_w = {w["utterance"] for w in v["weak_next_steps"]}
        want_w = set(labels.get("weak_next_steps", []))
        if "weak_next_steps" in labels:
            weak[0] += len(got_w & want_w)
            weak[1] += len(got_w - want_w)
            weak[2] += len(want_w - got_w)
        if got_o != want_o:
            problems.append(f"objections got {sorted(got_o)} want {sorted(want_o)}")
        if problems:
            wrong.append(f"{e.get('id')}: " + "; ".join(problems))
    stage_f1 = {s: _f1(*c) for s, c in stage_counts.items()}
    raw = sorted(all_times)
    raw_p95 = raw[int(0.95 * (len(raw) - 1))] if raw else 0.0
    cpu = sorted(CPU_TIMES)
    cpu_p95 = cpu[int(0.95 * (len(cpu) - 1))] if cpu else 0.0
    # per-utterance cost as the best of `repeat` uncached replays, so a busy shared CPU does not inflate it
    for _ in range(max(0, repeat - 1)):
        _clear_caches()
        again: list[float] = []
        for e in endings:
            if e.get("labels"):
                again.extend(run_one(e, asr=asr)[1])
        all_times = [min(a, b) for a, b in zip(all_times, again)]
    all_times.sort()
    p95 = all_times[int(0.95 * (len(all_times) - 1))] if all_times else 0.0
    result = {
        "endings": n,
        "next_steps_secured": secured / n if n else 0.0,
        "criteria": {c: crit[c] / n if n else 0.0 for c in CRITERIA},
        "stages_f1": stage_f1,
        "stages_macro_f1": sum(stage_f1.values()) / len(stage_f1),
        "commitment_exact": commit / n if n else 0.0,
        "time_kind": kind_ok / n if n else 0.0,
        "objection_f1": _f1(*obj),
        "objection_type_f1_per_ending": _f1(*obj_types),
        "weak_next_steps_f1": _f1(*weak),
        "p95_ms_per_utterance": p95,
        "p95_ms_single_run": raw_p95,
        "p95_cpu_ms": cpu_p95,
        "utterances": len(all_times),
    }
    if details:
        result["wrong"] = wrong
    return result


TARGETS = {"next_steps_secured": 0.95, "criteria": 0.92, "stages_macro_f1": 0.85, "commitment_exact": 0.80,
           "objection_f1": 0.80, "p95_ms_per_utterance": 2.0}


def table(r: dict[str, Any], title: str, heavy: bool = False) -> str:
    """The scores with their targets; with ``heavy`` the objection target moves to the per-ending row, since
    splitting utterances shifts the indices the utterance+type F1 matches on."""
    rows = [("next_steps_secured accuracy", r["next_steps_secured"], "≥ 0.95")]
    for c in CRITERIA:
        rows.append((f"criterion {c}", r["criteria"][c], "≥ 0.92"))
    for s in STAGES:
        rows.append((f"stage {s} F1", r["stages_f1"][s], ""))
    rows += [
        ("stages macro-F1", r["stages_macro_f1"], "≥ 0.85"),
        ("commitment level exact", r["commitment_exact"], "≥ 0.80"),
        ("objection F1 (utterance+type)", r["objection_f1"], "(indices shift: not scored)" if heavy else "≥ 0.80"),
        ("objection F1 (types per ending)", r["objection_type_f1_per_ending"], "≥ 0.80" if heavy else ""),
        ("time kind accuracy", r["time_kind"], ""),
        ("weak next steps F1 (utterance)", r["weak_next_steps_f1"], ""),
        ("p95 ms per utterance (wall, best of 3 runs)", r["p95_ms_per_utterance"], "< 2"),
        ("p95 ms per utterance (wall, first run)", r["p95_ms_single_run"], ""),
        ("p95 ms per utterance (CPU time, all runs)", r["p95_cpu_ms"], ""),
    ]
    width = max(len(a) for a, _, _ in rows)
    lines = [f"{title} ({r['endings']} endings, {r['utterances']} utterances)", "-" * (width + 22)]
    for name, value, target in rows:
        lines.append(f"{name:<{width}}  {value:8.3f}  {target}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--endings", type=Path, default=DEFAULT_ENDINGS)
    ap.add_argument("--asr", action="store_true", help="degrade the text to raw ASR style first")
    ap.add_argument("--heavy", action="store_true",
                    help="harsher ASR degradation: homophones, more fillers, utterances split in two (objection "
                         "indices then shift, so objection F1 is not meaningful)")
    ap.add_argument("--details", action="store_true", help="list what each wrong ending got wrong")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    if not args.endings.is_file():
        print(f"no endings file at {args.endings}", file=sys.stderr)
        return 1
    endings = load(args.endings)
    if args.heavy:
        endings = [degrade_heavy(e, random.Random(f"{e.get('id')}-heavy")) for e in endings]
    # warm the playbook caches so the first utterance's load time is not counted as per-utterance cost
    for v in {e.get("vertical") or "sales" for e in endings}:
        Coach(CALL_DATE, vertical=v)
    r = score(endings, asr=args.asr, details=args.details, repeat=3)
    if args.json:
        print(json.dumps(r, indent=2))
    else:
        print(table(r, "coach on " + args.endings.name + (" (ASR-degraded)" if args.asr else "")
                    + (" (heavy ASR: homophones, split utterances)" if args.heavy else ""), heavy=args.heavy))
        if args.details:
            print()
            print("\n".join(r["wrong"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
