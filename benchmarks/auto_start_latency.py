"""The auto-start watcher: the delay from another app's recording starting/stopping to MicInUse/MicReleased, and
its CPU while idle, against a private PulseAudio daemon (the capture tests' recipe) with `pacat` as the other app.

    python benchmarks/auto_start_latency.py
"""
import os, resource, statistics, subprocess, sys, tempfile, threading, time
from pathlib import Path
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "audio"))
from test_mic_watch import start_pulse, stop_pulse, record, end
from copilot.audio.mic_watch import MicWatcher, PulseBackend, MicInUse, MicReleased
env = start_pulse(Path(tempfile.mkdtemp()))
got = {}; cv = threading.Condition()
def on(e):
    with cv: got[type(e)] = time.monotonic(); cv.notify_all()
def wait(kind):
    with cv: cv.wait_for(lambda: kind in got, 20)
    return got[kind]
w = MicWatcher(on, PulseBackend({os.getpid()}, env=env)).start()   # the app's defaults: 1.5 s / 2.0 s
ons, offs = [], []
for i in range(8):
    got.clear(); t = time.monotonic(); p = record(env, app="ZOOM VoiceEngine"); ons.append(wait(MicInUse) - t)
    time.sleep(0.5); t = time.monotonic(); end(p); offs.append(wait(MicReleased) - t)
th = [t for t in threading.enumerate() if t.name == "mic-watch"][0]
r0 = resource.getrusage(resource.RUSAGE_SELF); c0 = time.process_time(); time.sleep(30); c1 = time.process_time()
print(f"start→MicInUse  median {statistics.median(ons):.2f} s, max {max(ons):.2f} s (debounce 1.5 s)")
print(f"stop→MicReleased median {statistics.median(offs):.2f} s, max {max(offs):.2f} s (grace 2.0 s)")
print(f"idle CPU over 30 s (whole process): {c1 - c0:.3f} s")
w.stop(); stop_pulse(env)
