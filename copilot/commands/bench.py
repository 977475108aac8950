"""``copilot bench NAME``: run one of the benchmarks under ``benchmarks/`` from a source checkout.

Speed and accuracy targets live in benchmarks, not timed tests; this command only finds and runs them.
"""

from __future__ import annotations

import argparse
import runpy
import sys
from pathlib import Path

from copilot.errors import UsageError

BENCHMARKS = {"analyze": "analyze_speed.py", "coach": "eval_coach.py", "live": "live_latency.py",
              "long": "long_text.py", "captions": "captions_shared.py", "auto-start": "auto_start_latency.py",
              "names": "names.py", "mono": "diarize_mono.py", "memory": "analyze_memory.py",
              "suggest": "eval_suggest.py"}


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("bench", help="run a benchmark (" + ", ".join(sorted(BENCHMARKS)) + ")")
    p.add_argument("name", choices=sorted(BENCHMARKS))
    p.add_argument("rest", nargs=argparse.REMAINDER, help="options passed to the benchmark")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    script = Path(__file__).resolve().parents[2] / "benchmarks" / BENCHMARKS[args.name]
    if not script.is_file():
        raise UsageError(f"benchmarks are run from a source checkout: {script} is missing")
    sys.argv = [str(script), *args.rest]
    try:
        runpy.run_path(str(script), run_name="__main__")
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 1
    return 0
