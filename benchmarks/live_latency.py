"""Live latency benchmark: replay a shared call through the live pipeline and time every line.

    python benchmarks/live_latency.py                      # long_call.flac at 1x, all checks, baselines
    python benchmarks/live_latency.py --file ../shared/calls/cs-01.flac --no-baselines

Measures, against the true utterance times in the call's JSON:
  * end of speech -> final text emitted (p50/p95), speech onset -> first partial (p50), drift (p95 of the
    last third vs the first third), CPU seconds per second of call (both channels), peak memory, WER of
    the live finals (and of the offline ``analyze`` transcript for reference);
  * words emitted on ../shared/calls/silence_and_noise.flac (should be 0);
  * on ../shared/calls_speakers/: other-party lines transcribed a second time as the rep (should be 0);
  * and, on the same audio with the same model and threads, the two ways other tools do it, built straight
    on faster-whisper's standard ``transcribe()``: (a) per endpointed utterance after 0.6 s of silence
    (RealtimeSTT's defaults), (b) fixed 5-second windows (Buzz's live mode). Those two are simulated
    with one worker on the audio's clock (a segment is ready when its audio is; the worker takes them in
    order), each transcription timed for real — no capture overhead is charged to them.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
SHARED = (REPO / ".." / "shared").resolve()

from copilot.asr.endpointer import Endpointer, EndpointerConfig
from copilot.asr.live import LiveConfig, LivePipeline
from copilot.asr.wer import normalize, wer
from copilot.audio.replay import FileReplay
from copilot.session.utterance import PROSPECT, REP, Utterance

SR = 16_000


@dataclass
class Emitted:
    speaker: str
    start: float
    end: float
    text: str
    emitted_at: float
    final: bool


@dataclass
class Recorder:
    """Stands in for CallSession: records what the pipeline emits, when."""

    items: list[Emitted] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def partial(self, u: Utterance, emitted_at: float) -> None:
        with self.lock:
            self.items.append(Emitted(u.speaker, u.start, u.end, u.text, emitted_at, False))

    def add(self, u: Utterance, emitted_at: float) -> None:
        with self.lock:
            self.items.append(Emitted(u.speaker, u.start, u.end, u.text, emitted_at, True))

    @property
    def finals(self) -> list[Emitted]:
        return [e for e in self.items if e.final]


def truth(path: Path) -> list[dict[str, Any]]:
    return json.loads(path.with_suffix(".json").read_text())["utterances"]


def run_live(path: Path, transcriber: Any, speed: float | None, config: LiveConfig | None = None) -> dict[str, Any]:
    replay = FileReplay(path, speed)
    rec = Recorder()
    pipeline = LivePipeline(replay.sources, transcriber, rec, replay.clock, config=config)
    cpu0, wall0 = time.process_time(), time.perf_counter()
    pipeline.start()
    pipeline.wait()
    return {"recorder": rec, "cpu": time.process_time() - cpu0, "wall": time.perf_counter() - wall0,
            "duration": replay.duration, "stats": pipeline.stats}


# -- metrics -------------------------------------------------------------------------------------------

def _overlaps(e: Emitted, u: dict[str, Any], slack: float = 0.05) -> bool:
    return e.speaker == u["speaker"] and e.start < u["end"] + slack and e.end > u["start"] - slack


def latencies(items: list[Emitted], utts: list[dict[str, Any]]) -> dict[str, Any]:
    finals = [e for e in items if e.final]
    end_lat: list[tuple[float, float]] = []
    detail: list[dict[str, Any]] = []
    onset: list[float] = []
    onset_text: list[float] = []
    missed = 0
    for u in utts:
        cover = [e for e in finals if _overlaps(e, u)]
        if not cover:
            missed += 1
            continue
        last = max(cover, key=lambda e: e.end)
        end_lat.append((u["end"], last.emitted_at - u["end"]))
        detail.append({"speaker": u["speaker"], "start": u["start"], "end": u["end"], "seg_end": last.end,
                       "emitted_at": round(last.emitted_at, 3), "latency": round(last.emitted_at - u["end"], 3)})
        partials = [e.emitted_at for e in items if not e.final and _overlaps(e, u)]
        if partials:
            onset.append(min(partials) - u["start"])
        onset_text.append(min([e.emitted_at for e in items if _overlaps(e, u)]) - u["start"])
    lat = np.array([x for _, x in end_lat]) if end_lat else np.array([np.nan])
    ends = np.array([t for t, _ in end_lat]) if end_lat else np.array([0.0])
    span = ends.max() if ends.size else 0.0
    first = lat[ends <= span / 3] if ends.size else lat
    last = lat[ends > 2 * span / 3] if ends.size else lat
    return {
        "n": len(utts), "missed": missed,
        "end_p50": float(np.nanpercentile(lat, 50)), "end_p95": float(np.nanpercentile(lat, 95)),
        "end_max": float(np.nanmax(lat)),
        "onset_partial_p50": float(np.median(onset)) if onset else float("nan"),
        "onset_text_p50": float(np.median(onset_text)) if onset_text else float("nan"),
        "partial_share": len(onset) / max(1, len(utts) - missed),
        "p95_first_third": float(np.percentile(first, 95)) if first.size else float("nan"),
        "p95_last_third": float(np.percentile(last, 95)) if last.size else float("nan"),
        "per_line": detail,
    }


def word_error_rate(items: list[Emitted], utts: list[dict[str, Any]]) -> float:
    pairs = []
    for speaker in (REP, PROSPECT):
        ref = " ".join(u["text"] for u in sorted(utts, key=lambda u: u["start"]) if u["speaker"] == speaker)
        hyp = " ".join(e.text for e in sorted(items, key=lambda e: e.start) if e.final and e.speaker == speaker)
        if ref or hyp:
            pairs.append((ref, hyp))
    return wer(pairs)


def rep_duplicates(items: list[Emitted], utts: list[dict[str, Any]]) -> tuple[int, int]:
    """Rep finals that repeat an other-party line said at the same time; and other-party lines heard."""
    import difflib

    dup = 0
    for e in items:
        if not (e.final and e.speaker == REP):
            continue
        mine = normalize(e.text)
        for u in utts:
            if u["speaker"] != PROSPECT or not (e.start < u["end"] and e.end > u["start"]):
                continue
            theirs = normalize(u["text"])
            m = difflib.SequenceMatcher(None, mine, theirs, autojunk=False)
            if mine and sum(b.size for b in m.get_matching_blocks()) / len(mine) >= 0.5:
                dup += 1
                break
    heard = sum(1 for u in utts if u["speaker"] == PROSPECT
                and any(e.final and e.speaker == PROSPECT and e.start < u["end"] and e.end > u["start"] for e in items))
    return dup, heard


# -- baselines straight on faster-whisper -------------------------------------------------------------------

def _standard_transcribe(model: Any, audio: np.ndarray) -> str:
    segments, _ = model.transcribe(audio, language="en", beam_size=1, condition_on_previous_text=False,
                                   vad_filter=False)
    return " ".join(s.text.strip() for s in segments).strip()


def _simulate(jobs: list[tuple[float, str, float, float, np.ndarray]], model: Any) -> tuple[list[Emitted], float]:
    """One worker on the audio clock: job = (ready_at, speaker, start, end, audio)."""
    free = 0.0
    cpu = 0.0
    out: list[Emitted] = []
    for ready, speaker, start, end, audio in sorted(jobs, key=lambda j: j[0]):
        c0, w0 = time.process_time(), time.perf_counter()
        text = _standard_transcribe(model, audio)
        cpu += time.process_time() - c0
        began = max(ready, free)
        free = began + (time.perf_counter() - w0)
        if text:
            out.append(Emitted(speaker, start, end, text, free, True))
    return out, cpu


def baseline_utterances(path: Path, model: Any) -> tuple[list[Emitted], float]:
    """(a) RealtimeSTT's way: webrtcvad+Silero endpointing, 0.6 s of silence, standard transcribe()."""
    import soundfile

    data, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    cfg = EndpointerConfig(end_silence=0.6, pause=1e9, first_partial=1e9)
    jobs = []
    for ch, speaker in enumerate((REP, PROSPECT)):
        ep = Endpointer(speaker, cfg)
        segs = []
        for i in range(0, data.shape[0], 320):
            segs += ep.push(i / rate, data[i:i + 320, ch])
        segs += ep.flush()
        jobs += [(s.made_at, speaker, s.start, s.end, np.asarray(s.audio)) for s in segs if s.final]
    return _simulate(jobs, model)


def baseline_windows(path: Path, model: Any, window: float = 5.0) -> tuple[list[Emitted], float]:
    """(b) Buzz's live mode: fixed 5-second windows per channel, standard transcribe() on each."""
    import soundfile

    data, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    n = int(window * rate)
    jobs = []
    for ch, speaker in enumerate((REP, PROSPECT)):
        for i in range(0, data.shape[0], n):
            chunk = data[i:i + n, ch]
            jobs.append(((i + chunk.shape[0]) / rate, speaker, i / rate, (i + chunk.shape[0]) / rate, chunk.copy()))
    return _simulate(jobs, model)


def offline_wer(path: Path, transcriber: Any) -> float | None:
    try:
        from copilot.asr.recording import transcribe_recording
    except ImportError:
        return None
    transcript = transcribe_recording(path, transcriber)
    items = [Emitted(u.speaker, u.start, u.end, u.text, 0.0, True) for u in transcript.utterances]
    return word_error_rate(items, truth(path))


# -- main ----------------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=SHARED / "calls" / "long_call.flac")
    parser.add_argument("--speed", type=float, default=1.0)
    parser.add_argument("--model", default=None)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--no-baselines", action="store_true")
    parser.add_argument("--no-extra", action="store_true", help="skip the silence and loudspeaker checks")
    parser.add_argument("--json", type=Path, help="write all figures here")
    args = parser.parse_args(argv)
    if not args.file.exists():
        print(f"{args.file} not found (the shared material lives in <repo>/../shared)", file=sys.stderr)
        return 1

    from copilot.asr.transcriber import Transcriber

    transcriber = Transcriber.load(args.model, cpu_threads=args.threads)
    results: dict[str, Any] = {"file": str(args.file), "speed": args.speed, "threads": args.threads}
    utts = truth(args.file)

    print(f"replaying {args.file.name} at {args.speed}x through the live pipeline …", flush=True)
    live = run_live(args.file, transcriber, args.speed)
    rec: Recorder = live["recorder"]
    lat = latencies(rec.items, utts)
    stats = live["stats"]
    results["live"] = {
        **lat, "wer": word_error_rate(rec.items, utts), "cpu_per_s": live["cpu"] / live["duration"],
        "cpu_s": live["cpu"], "duration": live["duration"], "wall": live["wall"],
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "stats": {k: v for k, v in vars(stats).items()},
    }

    if not args.no_extra:
        silence = SHARED / "calls" / "silence_and_noise.flac"
        if silence.exists():
            run = run_live(silence, transcriber, None)
            results["silence_words"] = sum(len(e.text.split()) for e in run["recorder"].finals)
            results["silence_text"] = [e.text for e in run["recorder"].finals]
        speakers = sorted((SHARED / "calls_speakers").glob("*.flac"))
        dup_total = heard_total = lines = 0
        for f in speakers:
            run = run_live(f, transcriber, None)
            dup, heard = rep_duplicates(run["recorder"].items, truth(f))
            dup_total += dup
            heard_total += heard
            lines += sum(1 for u in truth(f) if u["speaker"] == PROSPECT)
        results["speakers"] = {"calls": len(speakers), "other_party_lines": lines,
                               "heard_as_other_party": heard_total, "repeated_as_rep": dup_total}

    if not args.no_baselines:
        model = transcriber.model
        for key, fn in (("utterance_0.6s", baseline_utterances), ("windows_5s", baseline_windows)):
            print(f"baseline {key} …", flush=True)
            items, cpu = fn(args.file, model)
            results[key] = {**latencies(items, utts), "wer": word_error_rate(items, utts),
                            "cpu_per_s": cpu / live["duration"]}
        results["offline_wer"] = offline_wer(args.file, transcriber)

    _print(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str))
    return 0


def _print(r: dict[str, Any]) -> None:
    cols = [("live (ours)", r["live"])]
    for key, name in (("utterance_0.6s", "(a) utt+0.6s"), ("windows_5s", "(b) 5-s windows")):
        if key in r:
            cols.append((name, r[key]))
    rows = [("end→final p50 (s)", "end_p50", "{:.2f}"), ("end→final p95 (s)", "end_p95", "{:.2f}"),
            ("end→final max (s)", "end_max", "{:.2f}"), ("onset→first partial p50 (s)", "onset_partial_p50", "{:.2f}"),
            ("onset→first text p50 (s)", "onset_text_p50", "{:.2f}"),
            ("p95 first third (s)", "p95_first_third", "{:.2f}"), ("p95 last third (s)", "p95_last_third", "{:.2f}"),
            ("drift: p95 last/first third", "drift", "{:.2f}"),
            ("WER", "wer", "{:.1%}"), ("CPU-s per call-s (both ch.)", "cpu_per_s", "{:.3f}"),
            ("CPU-s per channel-s", "cpu_per_channel_s", "{:.3f}"), ("lines missed", "missed", "{}")]
    for _, c in cols:
        c["drift"] = c["p95_last_third"] / c["p95_first_third"] if c.get("p95_first_third") else float("nan")
        c["cpu_per_channel_s"] = c["cpu_per_s"] / 2
    print()
    print(f"{r['file']} at {r['speed']}x, {r['threads']} thread(s)")
    print(f"{'':30}" + "".join(f"{name:>18}" for name, _ in cols))
    for label, key, fmt in rows:
        print(f"{label:30}" + "".join(f"{fmt.format(c.get(key, float('nan'))):>18}" for _, c in cols))
    live = r["live"]
    print(f"{'peak memory (RSS, MB)':30}{live['peak_rss_mb']:>18.0f}")
    if r.get("offline_wer") is not None:
        print(f"{'offline analyze WER':30}{r['offline_wer']:>18.1%}")
    if "silence_words" in r:
        print(f"{'words on silence_and_noise':30}{r['silence_words']:>18}")
    if "speakers" in r:
        s = r["speakers"]
        print(f"{'loudspeakers: repeated as rep':30}{s['repeated_as_rep']:>18}  "
              f"(other-party lines heard {s['heard_as_other_party']}/{s['other_party_lines']})")
    print(f"pipeline: {json.dumps(live['stats'])}")


if __name__ == "__main__":
    raise SystemExit(main())
