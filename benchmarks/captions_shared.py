"""The shared calls written as caption files (Teams and Zoom WebVTT, SRT, plain `Name: text`): does each give the
same verdict as its transcript JSON? (issue 12: a shared call written as WebVTT with speaker names gives the same
verdict as its transcript JSON.) The writers are the test suite's own (tests/session/test_captions_verdict.py).

    python benchmarks/captions_shared.py
"""
import json, os, sys, tempfile, time
from pathlib import Path
ROOT = Path(__file__).resolve().parents[1]
os.chdir(ROOT)
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "session"))
import test_captions_verdict as tv
from copilot.coach import analyze
from copilot.session.transcript import load_transcript, parse_transcript
calls = sorted(Path("../shared/calls").glob("*.json")) + sorted(Path("../shared/calls_speakers").glob("*.json"))
tally = {f: [0, 0] for f in tv.WRITERS}
t0 = time.time()
with tempfile.TemporaryDirectory() as tmp:
    for call in calls:
        data = json.loads(call.read_text())
        if not data["utterances"]:
            continue
        truth = parse_transcript(data, str(call))
        exp = analyze(truth.utterances, tv.CALL_DATE, vertical=data["vertical"]).to_json()
        for fmt, write in tv.WRITERS.items():
            p = Path(tmp) / fmt
            p.write_text(write(truth.utterances), encoding="utf-8")
            read = load_transcript(p, rep="Dana Lee")
            got = analyze(read.utterances, tv.CALL_DATE, vertical=data["vertical"]).to_json()
            same_verdict = got["next_steps_secured"] == exp["next_steps_secured"]
            same_all = tv._without_times(got) == tv._without_times(exp) if fmt == "call.txt" else got == exp
            same_utts = [(u.speaker, u.text) for u in read.utterances] == [(u.speaker, u.text) for u in truth.utterances]
            tally[fmt][0] += same_verdict and same_all
            tally[fmt][1] += 1
            if not (same_all and same_utts):
                print(f"{call.name} {fmt}: verdict {'same' if same_verdict else 'DIFFERENT'}, whole verdict "
                      f"{'same' if same_all else 'differs'}, turns {len(read.utterances)} vs {len(truth.utterances)}")
for fmt, (ok, n) in tally.items():
    print(f"{fmt}: {ok}/{n} calls give the whole verdict of their JSON")
print(f"{time.time() - t0:.1f} s")
sys.exit(0 if all(ok == n for ok, n in tally.values()) else 1)
