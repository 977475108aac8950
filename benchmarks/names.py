"""Names heard right: the share of the names in the shared calls' true transcripts that the speech model
writes correctly, with and without a vocabulary, beside the word error rate.

    python benchmarks/names.py                       # every call in ../shared/calls and ../shared/calls_speakers
    python benchmarks/names.py --calls sales-01 cs-01  # a few calls while iterating
    python benchmarks/names.py --modes none own --form sentence

What counts as a name (found in the TRUE transcript, by rule, not by hand): a word that starts with a capital
letter but does not start a sentence (not the first word of an utterance, not after . ! ?), with a possessive
's removed, leaving out the pronoun I and its contractions, all-capital acronyms (CFO, VPN, CRM) and calendar
words (weekdays, months, time zones). That finds people (Priya, Kevin), companies and products (RevOps,
Outlook, Adobe, Teams) and places (Maple, Austin). Every occurrence of such a word in that call counts,
sentence-initial ones too ("Priya, ..."). A name is right when the transcript spells it the same, capital
included; per call and name, right = min(times in the truth, times in the transcript), and a name written more
often than it was said is counted as inserted.

The vocabulary given to a call stands in for what the calendar event and the playbook would give: it is the
names found in THAT call's true transcript (people, companies, products) — what an invite's attendees and
title plus a team's playbook would hold, and a little more: an invite would not list a third person merely
mentioned on the call, so "own" is an upper bound on what the calendar gives. "other" gives each call the
names of a DIFFERENT call (the one two places later in the list, minus any name the call itself contains):
a wrong vocabulary, which must neither hurt the word error rate nor be written into the transcript.
The silent/noisy call (calls/silence_and_noise.flac) is run with every vocabulary given; it must stay empty.

Modes: none (no vocabulary), own, other. Prints one row per call and mode (names right/said, names written more
often than said, a wrong vocabulary's names written, WER over both speakers, CPU seconds of the transcription),
then totals per mode.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from copilot.asr.recording import transcribe_recording  # noqa: E402
from copilot.asr.transcriber import Transcriber  # noqa: E402
from copilot.asr.wer import word_errors  # noqa: E402

SHARED = (REPO / ".." / "shared").resolve()
CALENDAR_WORDS = {
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February", "March",
    "April", "May", "June", "July", "August", "September", "October", "November", "December", "Eastern", "Pacific",
    "Central", "Mountain", "Easter", "Christmas",
}
_CAPITALISED = re.compile(r"\b([A-Z][A-Za-z]*(?:['’][A-Za-z]+)?)")
_SENTENCE_END = re.compile(r"[.!?][\"'”)]*\s*$")


def _bare(word: str) -> str:
    return re.sub(r"['’]s$", "", word)


def names_in(texts: list[str]) -> list[str]:
    """The names in a true transcript, by the rule in this module's docstring (sorted, each once)."""
    found: set[str] = set()
    for text in texts:
        for m in _CAPITALISED.finditer(text):
            before = text[: m.start()].rstrip()
            if not before or _SENTENCE_END.search(before):
                continue  # the first word of a sentence is capitalised anyway
            word = _bare(m.group(1))
            if word == "I" or word.startswith(("I'", "I’")) or word.isupper() or word in CALENDAR_WORDS:
                continue
            found.add(word)
    return sorted(found)


def count_names(text: str, names: list[str]) -> Counter[str]:
    """How often each name is written in ``text`` (whole word, same capitalisation, possessives included)."""
    counts: Counter[str] = Counter()
    for name in names:
        counts[name] = len(re.findall(rf"(?<![\w-]){re.escape(name)}(?![\w-]|['’][a-rt-z])", text))
    return counts


@dataclass(frozen=True)
class Call:
    id: str
    audio: Path
    utterances: list[dict]
    names: list[str]


def shared_calls(only: list[str] | None) -> list[Call]:
    calls = []
    for folder in ("calls", "calls_speakers"):
        for meta in sorted((SHARED / folder).glob("*.json")):
            truth = json.loads(meta.read_text())
            cid = truth["id"] if folder == "calls" else f"{truth['id']}@speakers"
            if only and cid not in only and truth["id"] not in only:
                continue
            utts = truth["utterances"]
            calls.append(Call(cid, meta.with_suffix(".flac"), utts, names_in([u["text"] for u in utts])))
    return calls


def vocabularies(calls: list[Call]) -> dict[str, dict[str, list[str]]]:
    """Per mode, per call: the terms given to the model."""
    with_names = [c for c in calls if c.names]
    out: dict[str, dict[str, list[str]]] = {"none": {}, "own": {}, "other": {}}
    for c in calls:
        out["none"][c.id] = []
        out["own"][c.id] = list(c.names)
    for i, c in enumerate(calls):
        others = [o for o in with_names if o.id.split("@")[0] != c.id.split("@")[0]]
        pick = others[(i + 2) % len(others)] if others else None
        out["other"][c.id] = [n for n in pick.names if n not in c.names] if pick else []
    return out


def score(call: Call, transcript_utts: list[tuple[str, str]], vocab: list[str]) -> dict:
    truth_text = " ".join(u["text"] for u in call.utterances)
    heard_text = " ".join(t for _, t in transcript_utts)
    truth = count_names(truth_text, call.names)
    heard = count_names(heard_text, call.names)
    foreign = [n for n in vocab if n not in call.names]
    inserted_foreign = sum(count_names(heard_text, foreign).values())
    errors = words = 0
    for speaker in ("rep", "prospect"):
        ref = " ".join(u["text"] for u in call.utterances if u["speaker"] == speaker)
        hyp = " ".join(t for s, t in transcript_utts if s == speaker)
        e, n = word_errors(ref, hyp)
        errors += e
        words += n
    return {"said": sum(truth.values()), "right": sum(min(truth[n], heard[n]) for n in call.names),
            "extra": sum(max(0, heard[n] - truth[n]) for n in call.names), "foreign": inserted_foreign,
            "errors": errors, "words": words,
            "missed": sorted(n for n in call.names if heard[n] < truth[n])}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", nargs="*", help="call ids to run (default: all)")
    parser.add_argument("--modes", nargs="*", default=["none", "own", "other"], choices=["none", "own", "other"])
    parser.add_argument("--form", default="list", choices=["list", "sentence"], help="how the terms are written")
    parser.add_argument("--json", type=Path, help="also write the rows here")
    args = parser.parse_args()
    if not SHARED.is_dir():
        print(f"{SHARED} is missing", file=sys.stderr)
        return 1
    calls = [c for c in shared_calls(args.calls) if c.utterances]
    if not calls:
        print("no such calls", file=sys.stderr)
        return 1
    vocab = vocabularies(calls)
    transcriber = Transcriber.load(prompt_form=args.form)
    silence = SHARED / "calls" / "silence_and_noise.flac"
    rows = []
    print(f"{'call':24} {'mode':6} {'names':>9} {'extra':>5} {'foreign':>7} {'WER':>6} {'cpu_s':>5}  missed")
    for call in calls:
        for mode in args.modes:
            terms = vocab[mode][call.id]
            transcriber.set_vocabulary(", ".join(terms) or None)
            started = time.process_time()  # CPU seconds of every thread: fair on a machine others share
            transcript = transcribe_recording(call.audio, transcriber)
            took = time.process_time() - started
            row = score(call, [(u.speaker, u.text) for u in transcript.utterances], terms) | {
                "call": call.id, "mode": mode, "cpu_s": round(took, 2), "prompt": transcriber.vocabulary_prompt}
            rows.append(row)
            print(f"{call.id:24} {mode:6} {row['right']:>4}/{row['said']:<4} {row['extra']:>5} {row['foreign']:>7} "
                  f"{row['errors'] / max(1, row['words']):>6.1%} {took:>5.1f}  {' '.join(row['missed'])}",
                  flush=True)
    if silence.is_file() and args.modes != ["none"]:
        every = sorted({n for c in calls for n in c.names})
        transcriber.set_vocabulary(", ".join(every))
        heard = transcribe_recording(silence, transcriber)
        print(f"silence_and_noise with all {len(every)} names as vocabulary: {len(heard.utterances)} utterances "
              f"{[u.text for u in heard.utterances]}")
    print()
    print(f"{'mode':6} {'names right':>14} {'inserted':>8} {'foreign':>7} {'WER':>6} {'cpu_s':>6}")
    for mode in args.modes:
        sel = [r for r in rows if r["mode"] == mode]
        said, right = sum(r["said"] for r in sel), sum(r["right"] for r in sel)
        errs, words = sum(r["errors"] for r in sel), sum(r["words"] for r in sel)
        print(f"{mode:6} {right:>4}/{said:<4} {right / max(1, said):>5.1%} {sum(r['extra'] for r in sel):>8} "
              f"{sum(r['foreign'] for r in sel):>7} {errs / max(1, words):>6.2%} {sum(r['cpu_s'] for r in sel):>6.1f}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
