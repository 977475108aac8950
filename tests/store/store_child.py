"""Child process for the store tests (not a test module).

    journal DATA_DIR N [HOLD]   start a journal, append N utterances printing "ack i" after each is
                                durable; with HOLD, print "ready" and wait on stdin instead of finishing
    save DATA_DIR TAG N GO      wait for the file GO, then save N calls (reading the list between writes)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from copilot.coach.state import Verdict
from copilot.session.utterance import Utterance
from copilot.store import CallJournal, Store


def journal(data_dir: str, n: str, hold: str = "") -> None:
    j = CallJournal.start(data_dir, started_at="2026-11-21T09:00:00", source="live", vertical="recruiting")
    print("started", flush=True)
    said = []
    for i in range(int(n)):
        said.append(Utterance("rep" if i % 2 == 0 else "prospect", 2.0 * i, 2.0 * i + 1.5, f"said {i} " + "x" * 200))
        j.append(said[-1])
        print(f"ack {i}", flush=True)  # shown only after it is durable: the CallSession contract
    if hold:
        print("ready", flush=True)
        sys.stdin.read()
    j.finish(said, {"next_steps_secured": True, "commitment_level": 4}, "complete")
    print("finished", flush=True)


def save(data_dir: str, tag: str, n: str, go: str) -> None:
    deadline = time.monotonic() + 30
    while not Path(go).exists():
        if time.monotonic() > deadline:
            raise SystemExit("no go signal")
        time.sleep(0.001)
    store = Store.open(data_dir)  # both processes may create and migrate the database at once
    for i in range(int(n)):
        utts = [Utterance("rep", float(k), k + 0.5, f"{tag} call {i} line {k}") for k in range(20)]
        verdict = Verdict.from_json({"next_steps_secured": i % 2 == 0, "commitment_level": 1 + i % 5, "reason": tag,
                                     "criteria": {"acknowledged": {"met": i % 2 == 0}},
                                     "stages": {"lock": {"met": False}}})
        store.save_call(utts, verdict, started_at=f"2026-11-{1 + i % 28:02d}T10:00:00", source=tag, vertical=tag)
        store.list_calls(last=5)
    store.close()
    print("done", flush=True)


if __name__ == "__main__":
    {"journal": journal, "save": save}[sys.argv[1]](*sys.argv[2:])
