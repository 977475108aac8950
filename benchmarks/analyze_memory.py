"""Peak memory of ``copilot analyze`` on an hour-long stereo call (issue 12: under 1.2 GB with tiny.en).

Builds a 60-minute two-channel recording by repeating the test calls in ``tests/data/calls`` (written to a
temporary folder, never kept), runs ``copilot analyze FILE --json --no-save`` on it as a child process, and
reads the child's peak resident memory from ``getrusage(RUSAGE_CHILDREN)``. Prints the figure, the wall time
and how many utterances came out; exits 1 when the peak is over the limit or the analysis failed.
It takes several minutes of CPU.

    python benchmarks/analyze_memory.py [--minutes 60] [--rate 16000] [--limit-gb 1.2] [--file REC]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

REPO = Path(__file__).resolve().parents[1]
CALLS = REPO / "tests" / "data" / "calls"
SAMPLE_RATE = 16_000


def build_recording(path: Path, minutes: float, rate: int) -> float:
    """A stereo FLAC of ``minutes`` made of the test calls one after another, written call by call."""
    calls = [sf.read(p, dtype="float32", always_2d=True)[0] for p in sorted(CALLS.glob("*-0*.flac"))]
    target = int(minutes * 60 * SAMPLE_RATE)
    written = 0
    with sf.SoundFile(path, "w", samplerate=rate, channels=2, subtype="PCM_16") as out:
        i = 0
        while written < target:
            part = calls[i % len(calls)][: target - written]
            i += 1
            out.write(part if rate == SAMPLE_RATE else soxr.resample(part, SAMPLE_RATE, rate))
            written += part.shape[0]
    return written / SAMPLE_RATE


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=60.0, help="length of the generated call (default 60)")
    parser.add_argument("--rate", type=int, default=SAMPLE_RATE, help="its sample rate (default 16000)")
    parser.add_argument("--limit-gb", type=float, default=1.2, help="fail above this peak (default 1.2 GB)")
    parser.add_argument("--file", type=Path, help="measure this recording (wav/flac/ogg) instead of generating one")
    parser.add_argument("--threads", type=int, default=2, help="speech model threads (default 2)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="analyze-memory-") as tmp:
        folder = Path(tmp)
        if args.file is not None:
            recording = args.file
            info = sf.info(str(recording))  # a file soundfile reads: its length, channels and rate for the report
            seconds, shape = info.duration, f"{info.channels}-channel at {info.samplerate} Hz"
        else:
            recording = folder / "hour.flac"
            seconds = build_recording(recording, args.minutes, args.rate)
            shape = f"stereo at {args.rate} Hz"
        env = dict(os.environ, COPILOT_HOME=str(folder / "home"), PYTHONPATH=str(REPO))
        started = time.monotonic()
        proc = subprocess.run([sys.executable, "-m", "copilot", "analyze", str(recording), "--json", "--no-save",
                               "--threads", str(args.threads)],
                              cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
        wall = time.monotonic() - started
    peak_bytes = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024  # Linux reports KiB
    peak_gb = peak_bytes / 1e9
    if proc.returncode != 0:
        print(f"analyze failed (exit {proc.returncode}): {proc.stderr.strip()[-500:]}")
        return 1
    utterances = len(json.loads(proc.stdout)["utterances"])
    print(f"{seconds / 60:.1f} min {shape}: peak {peak_gb:.3f} GB "
          f"({peak_bytes / 2**20:.0f} MiB), {wall:.0f} s wall ({seconds / wall:.1f}x real time), "
          f"{utterances} utterances; limit {args.limit_gb} GB")
    if peak_gb > args.limit_gb:
        print(f"over the limit: {peak_gb:.3f} GB > {args.limit_gb} GB")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
