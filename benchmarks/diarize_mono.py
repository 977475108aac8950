"""Two voices told apart in mono: the shared two-channel calls mixed to one channel, and a real meeting excerpt.

    python benchmarks/diarize_mono.py [--calls N] [--skip-turns] [--profile]

For each of the 20 shared calls (../shared/calls, without long_call and silence_and_noise) the two channels are
averaged into one and transcribed twice: by voice (copilot.asr.recording, no stored profile, so the rep is the
voice that leads the talk) and by today's turn-taking (VAD turns alternating, starting with the rep); with
--profile, a third time by voice with a stored profile of the rep enrolled from the microphone channel of the
previous call in the list (as a rep who analysed one stereo call before would have it; never the same call).
Attribution: hypothesis and reference words (lower-cased, punctuation stripped, in time order) are aligned with
difflib.SequenceMatcher; a true word gets the right speaker when it is matched to a hypothesis word of the same
speaker. Reported as a share of all true words (an ASR miss counts as wrong) and of the matched words.
Verdict: next_steps_secured from the coach on each transcript against the call's label.
Cost: process CPU seconds of the speaker step alone (embedding, grouping, change points) per minute of audio.

The real excerpt (../shared/real_audio/pyannote_ami_excerpt, 60 s of an AMI meeting, one mixed channel) has no
separate sources, so "two of its speakers mixed" is the mixture kept only where one of its two main speakers
(FEE013, FEE016) talks alone by the RTTM, silence elsewhere; the figure is the share of those speakers' speech
(10 ms frames inside the voiced pieces) given the right voice, under the better of the two namings.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from datetime import datetime
from difflib import SequenceMatcher
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import tempfile  # noqa: E402

from copilot.asr.recording import _transcribed, rep_channel, segment_audio, speaker_of, transcribe_recording  # noqa: E402
from copilot.asr.segmenter import speech_spans  # noqa: E402
from copilot.asr.transcriber import Transcriber  # noqa: E402
from copilot.audio.decode import DecodedAudio, load_audio  # noqa: E402
from copilot.coach import analyze  # noqa: E402
from copilot.diarize.attribute import enrol_from_channel  # noqa: E402
from copilot.diarize.encoder import VoiceEncoder  # noqa: E402
from copilot.diarize.profile import VoiceProfileStore  # noqa: E402
from copilot.diarize.voices import split_voices  # noqa: E402
from copilot.session import Utterance  # noqa: E402

SHARED = (REPO / ".." / "shared").resolve()
CALL_DATE = datetime(2026, 11, 19, 10, 0)
SKIP = ("long_call", "silence_and_noise")
AMI_SPEAKERS = ("FEE013", "FEE016")


def words(utterances: list[Utterance] | list[dict]) -> list[tuple[str, str]]:
    """(word, speaker) in time order."""
    found = []
    for u in sorted(utterances, key=lambda u: u.start if isinstance(u, Utterance) else u["start"]):
        speaker, text = (u.speaker, u.text) if isinstance(u, Utterance) else (u["speaker"], u["text"])
        for w in re.findall(r"[a-z0-9']+", text.lower()):
            found.append((w, speaker))
    return found


def attribution(reference: list[tuple[str, str]], hypothesis: list[tuple[str, str]]) -> tuple[int, int, int]:
    """(true words, matched, matched with the right speaker)."""
    matcher = SequenceMatcher(None, [w for w, _ in reference], [w for w, _ in hypothesis], autojunk=False)
    matched = right = 0
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            matched += 1
            right += reference[block.a + k][1] == hypothesis[block.b + k][1]
    return len(reference), matched, right


def mono(audio: DecodedAudio) -> DecodedAudio:
    mixed = np.mean(np.stack(audio.channels[:2]), axis=0).astype(np.float32)
    return DecodedAudio((mixed,), audio.duration, audio.mtime, audio.source_rate, 1)


def by_turns(audio: DecodedAudio, transcriber: Transcriber) -> list[Utterance]:
    """Today's mono path: VAD turns, alternating speakers."""
    segments = segment_audio(audio)
    return [Utterance(speaker_of(s, i, False), s.start, s.end, text)
            for i, (s, text) in enumerate(_transcribed(segments, [audio.channels[0]], transcriber, None))]


def speaker_cost(audio: DecodedAudio, encoder: VoiceEncoder) -> float:
    """CPU seconds of the speaker step alone on this recording."""
    spans = speech_spans(audio.channels[0])
    started = time.process_time()
    split_voices(audio.channels[0], spans, encoder)
    return time.process_time() - started


def enrolled_from(stereo_call: Path, folder: Path) -> VoiceProfileStore:
    """A fresh profile store holding the rep's voice from that call's microphone channel."""
    audio = load_audio(stereo_call)
    mic = rep_channel(audio)
    store = VoiceProfileStore(folder)
    store.forget()
    enrol_from_channel(store, mic, [(s.start, s.end) for s in segment_audio(audio, mic=mic) if s.channel == 0])
    return store


def shared_calls(limit: int | None, skip_turns: bool, profile: bool) -> None:
    transcriber = Transcriber.load(cpu_threads=1)
    encoder = VoiceEncoder()
    totals = {"voice": [0, 0, 0, 0], "voice+profile": [0, 0, 0, 0], "turns": [0, 0, 0, 0]}  # true, matched,
    # right, verdicts right
    scratch = Path(tempfile.mkdtemp(prefix="diarize-bench-"))
    cpu = minutes = 0.0
    metas = [m for m in sorted((SHARED / "calls").glob("*.json")) if m.stem not in SKIP][:limit]
    print(f"{'call':16} {'label':>5} | {'voice: words':>12} {'verdict':>7} {'rep by':>7} {'conf':>5} "
          f"{'doubt':>5} | {'turns: words':>12} {'verdict':>7} | {'profile: words':>14} {'verdict':>7} {'rep by':>7}")
    for meta in metas:
        truth = json.loads(meta.read_text())
        label = truth["labels"]["next_steps_secured"]
        vertical = truth.get("vertical", "sales")
        reference = words(truth["utterances"])
        audio = mono(load_audio(meta.with_suffix(".flac")))
        cpu += speaker_cost(audio, encoder)
        minutes += audio.duration / 60
        heard = transcribe_recording(audio, transcriber)
        verdict = analyze(list(heard.utterances), CALL_DATE, vertical, heard.speakers_separated).next_steps_secured
        n, matched, right = attribution(reference, words(list(heard.utterances)))
        row = totals["voice"]
        row[0] += n; row[1] += matched; row[2] += right; row[3] += verdict == label  # noqa: E702
        info = heard.meta.get("speaker_attribution", {})
        line = (f"{meta.stem:16} {label!s:>5} | {right / n:12.1%} {verdict == label!s:>7} {info.get('rep')!s:>7} "
                f"{info.get('confidence', 0):5.2f} {info.get('doubtful_share', 0):5.2f} |")
        if not skip_turns:
            alternating = by_turns(audio, transcriber)
            t_verdict = analyze(alternating, CALL_DATE, vertical, False).next_steps_secured
            tn, t_matched, t_right = attribution(reference, words(alternating))
            row = totals["turns"]
            row[0] += tn; row[1] += t_matched; row[2] += t_right; row[3] += t_verdict == label  # noqa: E702
            line += f" {t_right / tn:12.1%} {t_verdict == label!s:>7}"
        else:
            line += f" {'-':>12} {'-':>7}"
        if profile:
            store = enrolled_from(metas[metas.index(meta) - 1].with_suffix(".flac"), scratch)
            known = transcribe_recording(audio, transcriber, voices=store)
            p_verdict = analyze(list(known.utterances), CALL_DATE, vertical, known.speakers_separated).next_steps_secured
            pn, p_matched, p_right = attribution(reference, words(list(known.utterances)))
            row = totals["voice+profile"]
            row[0] += pn; row[1] += p_matched; row[2] += p_right; row[3] += p_verdict == label  # noqa: E702
            line += (f" | {p_right / pn:14.1%} {p_verdict == label!s:>7} "
                     f"{known.meta.get('speaker_attribution', {}).get('rep')!s:>7}")
        print(line, flush=True)
    for method, (n, matched, right, verdicts) in totals.items():
        if n:
            print(f"{method}: right speaker for {right / n:.1%} of true words ({right / max(matched, 1):.1%} of the "
                  f"{matched} words the recogniser matched); right verdict on {verdicts}/{len(metas)}")
    print(f"speaker step: {cpu / max(minutes, 1e-9):.2f} CPU s per audio minute ({cpu:.1f} s over {minutes:.1f} min)")


def ami_excerpt() -> None:
    folder = SHARED / "real_audio" / "pyannote_ami_excerpt"
    audio = load_audio(folder / "mixture.wav")
    rate = 16_000
    frames = int(audio.duration * 100)
    who = np.zeros((frames, 8), bool)
    names: list[str] = []
    for line in (folder / "mixture.rttm").read_text().splitlines():
        parts = line.split()
        name, start, length = parts[7], float(parts[3]), float(parts[4])
        if name not in names:
            names.append(name)
        who[int(start * 100):int((start + length) * 100), names.index(name)] = True
    alone = who.sum(axis=1) == 1
    truth = np.full(frames, -1)
    for k, name in enumerate(AMI_SPEAKERS):
        truth[alone & who[:, names.index(name)]] = k
    keep = np.repeat(truth >= 0, rate // 100)
    signal = audio.channels[0][:len(keep)] * keep[:len(audio.channels[0])]
    started = time.process_time()
    split = split_voices(signal, speech_spans(signal), VoiceEncoder())
    cpu = time.process_time() - started
    if split is None:
        print("AMI excerpt: no two voices found")
        return
    guess = np.full(frames, -1)
    sure = np.zeros(frames)
    for piece in split.pieces:
        guess[int(piece.start * 100):int(piece.end * 100)] = piece.voice
        sure[int(piece.start * 100):int(piece.end * 100)] = piece.confidence
    scored = (truth >= 0) & (guess >= 0)
    right = truth == guess
    if np.mean(right[scored]) < 0.5:  # voices are unnamed here: take the better naming
        right = (truth >= 0) & (guess >= 0) & (truth != guess)
    covered = scored.sum() / max((truth >= 0).sum(), 1)
    doubtful = scored & (sure < 0.7)
    print(f"AMI excerpt ({' + '.join(AMI_SPEAKERS)}, {(truth >= 0).sum() / 100:.1f} s alone): right voice for "
          f"{np.mean(right[scored]):.1%} of their speech in voiced pieces ({covered:.0%} of it voiced); "
          f"time-weighted confidence {np.mean(sure[scored]):.2f}, doubtful (< 0.7) {np.mean(doubtful[scored]):.1%} "
          f"of it, right in {np.mean(right[scored & ~doubtful]):.1%} of the rest; "
          f"{cpu / (audio.duration / 60):.2f} CPU s per audio minute")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, help="only the first N calls")
    parser.add_argument("--skip-turns", action="store_true", help="leave out today's turn-taking baseline")
    parser.add_argument("--ami-only", action="store_true", help="only the real meeting excerpt")
    parser.add_argument("--profile", action="store_true", help="also by voice with the rep's profile enrolled "
                                                                "from the previous call's microphone channel")
    args = parser.parse_args()
    if not SHARED.is_dir():
        print("../shared is missing", file=sys.stderr)
        return 1
    ami_excerpt()
    if not args.ami_only:
        shared_calls(args.calls, args.skip_turns, args.profile)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
