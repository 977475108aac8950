"""Who else is recording from a microphone: the signal that a call (Zoom, Teams, a browser tab, a softphone) began.

The app's "start when a call starts" needs one fact from the operating system: another application opened a
microphone, and later closed it. Each platform answers it differently, so each is a back-end behind one small
interface (``MicBackend``: a snapshot of the recorders now, and a wait for the next change); what is common — the
debouncing and the events — is written once (``Debouncer``, ``MicWatcher``).

- **Linux (PulseAudio, and PipeWire through pipewire-pulse)**: the recording streams are the server's
  *source-outputs*. ``pactl subscribe`` is one long-lived child process read by the watcher's one worker thread; on
  each change ``pactl list source-outputs`` (JSON where pactl ≥ 16 offers it, else the text form under ``LC_ALL=C``)
  gives the state. We use the ``pactl`` tool rather than the ``pulsectl`` binding: it ships with the same package
  the app already needs for its system-audio monitor (pulseaudio-utils / pipewire-pulse), needs no new Python
  dependency, and a blocking libpulse event loop in our process would need a second connection to query state
  anyway. Excluded: our own streams (by process id), streams on *monitor* sources (an app recording what the
  speakers play is not a call), corked (paused) streams and the level meters of volume-control panels.
- **Windows** (``WindowsConsentBackend``): the CapabilityAccessManager ConsentStore keys — an app whose
  ``LastUsedTimeStop`` is 0 is using the microphone now. Written to the documented layout; **not run here**.
- **macOS** (``MacCoreAudioBackend``): per-process input state (``kAudioProcessPropertyIsRunningInput``, macOS
  14.2+), else ``kAudioDevicePropertyDeviceIsRunningSomewhere`` on the default input device, through ctypes and
  CoreAudio. **Not run here.**

Short blips are not calls: a browser probing the microphone for 300 ms, or a softphone opening it to test, must be
present for ``start_after_s`` before it counts, and a stream that reconnects (a device switch) must stay away for
``stop_after_s`` before the recording counts as ended. Only frozen events leave the worker thread.
"""

from __future__ import annotations

import json
import logging
import os
import re
import select
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol, Union

from copilot.errors import DeviceError

log = logging.getLogger(__name__)

START_AFTER_S = 1.5  # a recording must last this long to be a call (a browser's mic probe is ~0.3 s)
STOP_AFTER_S = 2.0  # and be gone this long to have ended (a device switch reconnects within a second)
POLL_S = 1.0  # how often the polling back-ends (Windows, macOS) look
OWN_NAMES = frozenset({"Call Copilot", "call-copilot"})
METER_APPS = frozenset({"org.PulseAudio.pavucontrol", "org.gnome.VolumeControl", "org.kde.plasma-pa",
                        "org.kde.kmix", "org.gnome.Settings"})  # level meters, not recordings
PRETTY = (("zoom", "Zoom"), ("teams", "Microsoft Teams"), ("skype", "Skype"), ("slack", "Slack"),
          ("discord", "Discord"), ("webex", "Webex"), ("chrom", "Chrome"), ("firefox", "Firefox"),
          ("brave", "Brave"), ("edge", "Microsoft Edge"), ("linphone", "Linphone"), ("zoiper", "Zoiper"))


@dataclass(frozen=True)
class Recorder:
    """One other application recording from a microphone now, as the platform reports it."""

    key: str  # stable for the application while it records: its process id and name
    app: str  # the name a person reads ("Zoom")
    pid: int | None = None


@dataclass(frozen=True)
class MicInUse:
    """Another application has been recording from a microphone for longer than a blip."""

    app: str
    key: str
    since: float  # time.monotonic() when its recording began


@dataclass(frozen=True)
class MicReleased:
    """That application stopped recording (and stayed stopped)."""

    app: str
    key: str
    duration_s: float


@dataclass(frozen=True)
class MicWatchStopped:
    """The watcher cannot go on (the sound server went away); one line for the user."""

    reason: str


MicEvent = Union[MicInUse, MicReleased, MicWatchStopped]
OnMicEvent = Callable[[MicEvent], None]


def pretty_app(name: str) -> str:
    """'ZOOM VoiceEngine' -> 'Zoom', 'Google Chrome' -> 'Chrome'; anything else as the platform names it."""
    low = name.lower()
    for needle, pretty in PRETTY:
        if needle in low:
            return pretty
    return name.strip() or "An application"


class Debouncer:
    """Turns snapshots of who records into start/stop events, ignoring blips and reconnects. Pure: no clock."""

    def __init__(self, start_after_s: float = START_AFTER_S, stop_after_s: float = STOP_AFTER_S) -> None:
        self.start_after_s = start_after_s
        self.stop_after_s = stop_after_s
        self._pending: dict[str, tuple[Recorder, float]] = {}  # seen, not yet long enough
        self._active: dict[str, tuple[Recorder, float]] = {}  # reported as recording
        self._gone: dict[str, float] = {}  # active ones absent since

    @property
    def active(self) -> tuple[Recorder, ...]:
        return tuple(r for r, _ in self._active.values())

    def update(self, now: float, present: Iterable[Recorder]) -> list[MicEvent]:
        here = {r.key: r for r in present}
        events: list[MicEvent] = []
        for key in list(self._pending):
            if key not in here:
                del self._pending[key]  # a blip: it never counted
        for key, rec in here.items():
            if key in self._active:
                self._gone.pop(key, None)
            elif key not in self._pending:
                self._pending[key] = (rec, now)
        for key, (rec, first) in list(self._pending.items()):
            if now - first >= self.start_after_s:
                del self._pending[key]
                self._active[key] = (rec, first)
                events.append(MicInUse(rec.app, key, first))
        for key, (rec, first) in list(self._active.items()):
            if key in here:
                continue
            gone = self._gone.setdefault(key, now)
            if now - gone >= self.stop_after_s:
                del self._active[key], self._gone[key]
                events.append(MicReleased(rec.app, key, max(0.0, gone - first)))
        return events

    def next_deadline(self) -> float | None:
        """When ``update`` may next have something to say without a change (None: only on a change)."""
        times = [first + self.start_after_s for _, first in self._pending.values()]
        times += [gone + self.stop_after_s for gone in self._gone.values()]
        return min(times) if times else None


class MicBackend(Protocol):
    """One platform's way to see recorders. ``open`` raises DeviceError (one line) when it cannot work here."""

    name: str

    def open(self) -> None: ...

    def recorders(self) -> frozenset[Recorder]: ...

    def wait(self, timeout: float) -> bool:
        """Block until something may have changed (True) or ``timeout`` seconds passed (False)."""
        ...

    def close(self) -> None: ...


class MicWatcher:
    """Runs a back-end on one daemon thread and calls ``on_event`` (from that thread) with frozen events."""

    def __init__(self, on_event: OnMicEvent, backend: MicBackend | None = None, *,
                 start_after_s: float = START_AFTER_S, stop_after_s: float = STOP_AFTER_S) -> None:
        self._on_event = on_event
        self.backend = backend or platform_backend()
        self._debouncer = Debouncer(start_after_s, stop_after_s)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def recording(self) -> tuple[Recorder, ...]:
        """The applications reported as recording now."""
        return self._debouncer.active

    def start(self) -> MicWatcher:
        """Opens the back-end here, so that 'cannot watch' is a DeviceError for the caller, then watches."""
        self.backend.open()
        self._thread = threading.Thread(target=self._run, name="mic-watch", daemon=True)
        self._thread.start()
        log.info("watching the microphone through %s", self.backend.name)
        return self

    def stop(self, timeout: float = 3.0) -> None:
        self._stop.set()
        self.backend.close()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def _run(self) -> None:
        try:
            recs = self.backend.recorders()
            while not self._stop.is_set():
                for event in self._debouncer.update(time.monotonic(), recs):
                    self._on_event(event)
                deadline = self._debouncer.next_deadline()
                timeout = POLL_S * 5 if deadline is None else max(0.0, deadline - time.monotonic()) + 0.01
                if self.backend.wait(timeout) and not self._stop.is_set():
                    recs = self.backend.recorders()
        except DeviceError as exc:
            if not self._stop.is_set():
                self._on_event(MicWatchStopped(str(exc)))
        except Exception as exc:  # a bug: logged with its traceback, and the app hears that auto-start stopped
            log.exception("the microphone watch failed")
            if not self._stop.is_set():
                self._on_event(MicWatchStopped(f"the microphone watch failed ({type(exc).__name__}: {exc}) — "
                                               "this is a bug; see the log"))


def platform_backend(own_pids: Iterable[int] | None = None) -> MicBackend:
    """The back-end for this operating system (Linux and other Unixes: PulseAudio/PipeWire)."""
    pids = frozenset(own_pids) if own_pids is not None else frozenset({os.getpid()})
    if sys.platform == "win32":
        return WindowsConsentBackend()
    if sys.platform == "darwin":
        return MacCoreAudioBackend(pids)
    return PulseBackend(pids)


# -- Linux: PulseAudio / PipeWire ----------------------------------------------------------------------

_EVENT = re.compile(r"Event '(\w+)' on (source-output|source|server) #?(\d*)")


class PulseBackend:
    """Source-outputs of the PulseAudio (or pipewire-pulse) server, watched through ``pactl subscribe``."""

    name = "PulseAudio/PipeWire (pactl)"

    def __init__(self, own_pids: Iterable[int] = (), env: dict[str, str] | None = None) -> None:
        self.own_pids = frozenset(own_pids)
        self._env = {**(os.environ if env is None else env), "LC_ALL": "C"}
        self._proc: subprocess.Popen[bytes] | None = None
        self._buffer = b""
        self._json = True

    def _pactl(self, *args: str) -> str:
        try:
            done = subprocess.run(["pactl", *args], env=self._env, capture_output=True, text=True, timeout=5,
                                  check=False)
        except subprocess.TimeoutExpired:
            raise DeviceError("the sound server did not answer pactl within 5 s") from None
        if done.returncode != 0:
            said = (done.stderr or done.stdout).strip().splitlines() or ["no reason given"]
            raise DeviceError(f"pactl {' '.join(args)} failed: {said[0][:160]}")
        return done.stdout

    def open(self) -> None:
        if shutil.which("pactl", path=self._env.get("PATH")) is None:
            raise DeviceError("cannot watch the microphone: pactl not found (install pulseaudio-utils)")
        try:
            self._pactl("info")
        except DeviceError as exc:
            raise DeviceError(f"cannot watch the microphone: no PulseAudio/PipeWire server answered ({exc})") \
                from None
        try:
            json.loads(self._pactl("-f", "json", "list", "source-outputs"))
        except (DeviceError, ValueError):
            self._json = False  # pactl before 16 has no JSON: read the text form
        self._proc = subprocess.Popen(["pactl", "subscribe"], env=self._env, stdout=subprocess.PIPE,
                                      stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)

    def close(self) -> None:
        """Ends ``pactl subscribe``; its pipe is closed by the thread that reads it (``wait`` sees the end), never
        under that thread's feet."""
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(2)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def wait(self, timeout: float) -> bool:
        proc = self._proc
        if proc is None or proc.stdout is None:
            time.sleep(min(timeout, 0.2))
            return False
        end = time.monotonic() + timeout
        changed = False
        fd = proc.stdout.fileno()
        while True:
            left = end - time.monotonic()
            ready, _, _ = select.select([fd], [], [], max(0.0, left) if not changed else 0.05)
            if not ready:
                return changed
            chunk = os.read(fd, 4096)
            if not chunk:
                proc.stdout.close()
                if self._proc is None:
                    return False  # closed by us
                self._proc = None
                raise DeviceError("the sound server went away; the microphone is no longer watched")
            self._buffer += chunk
            *lines, self._buffer = self._buffer.split(b"\n")
            changed = changed or any(_EVENT.search(line.decode("utf-8", "replace")) for line in lines)

    def recorders(self) -> frozenset[Recorder]:
        try:
            return self._recorders()
        except DeviceError as exc:
            raise DeviceError(f"the sound server went away; the microphone is no longer watched ({exc})") from None

    def _recorders(self) -> frozenset[Recorder]:
        if self._json:
            monitors = {int(s["index"]) for s in json.loads(self._pactl("-f", "json", "list", "sources"))
                        if s.get("monitor_source")}
            outputs = [_from_json(o) for o in json.loads(self._pactl("-f", "json", "list", "source-outputs"))]
        else:
            monitors = {i for i, mon in _text_sources(self._pactl("list", "sources")) if mon}
            outputs = _text_outputs(self._pactl("list", "source-outputs"))
        return frozenset(self._recorder(o) for o in outputs if self._counts(o, monitors))

    def _counts(self, out: _Output, monitors: set[int]) -> bool:
        props = out.props
        pid = _int(props.get("application.process.id"))
        return (not out.corked and out.source not in monitors and pid not in self.own_pids
                and props.get("application.name") not in OWN_NAMES and props.get("application.id") not in METER_APPS)

    @staticmethod
    def _recorder(out: _Output) -> Recorder:
        props = out.props
        name = props.get("application.name") or props.get("application.process.binary") or props.get("media.name") \
            or ""
        pid = _int(props.get("application.process.id"))
        return Recorder(f"{pid if pid is not None else 'stream' + str(out.index)}:{name}", pretty_app(name), pid)


@dataclass(frozen=True)
class _Output:
    index: int
    source: int
    corked: bool
    props: dict[str, str]


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _from_json(item: dict[str, Any]) -> _Output:
    props = item.get("properties") or {}
    return _Output(int(item["index"]), _int(item.get("source")) or 0, bool(item.get("corked")),
                   {str(k): str(v) for k, v in props.items()})


def _blocks(text: str, header: str) -> list[list[str]]:
    blocks: list[list[str]] = []
    for line in text.splitlines():
        if line.startswith(header):
            blocks.append([line])
        elif blocks:
            blocks[-1].append(line)
    return blocks


def _text_outputs(text: str) -> list[_Output]:
    """``pactl list source-outputs`` in the C locale, for pactl versions without ``-f json``."""
    found = []
    for block in _blocks(text, "Source Output #"):
        fields: dict[str, str] = {}
        props: dict[str, str] = {}
        for line in block[1:]:
            prop = re.match(r'\s+([\w.-]+) = "(.*)"$', line)
            if prop:
                props[prop.group(1)] = prop.group(2)
            elif ":" in line:
                key, _, value = line.strip().partition(":")
                fields[key] = value.strip()
        found.append(_Output(int(block[0].split("#")[1]), _int(fields.get("Source")) or 0,
                             fields.get("Corked") == "yes", props))
    return found


def _text_sources(text: str) -> list[tuple[int, bool]]:
    """(index, is a monitor) for each source of ``pactl list sources``."""
    found = []
    for block in _blocks(text, "Source #"):
        monitor = next((line.split(":", 1)[1].strip() for line in block if line.strip().startswith("Monitor of Sink:")),
                       "n/a")
        found.append((int(block[0].split("#")[1]), monitor != "n/a"))
    return found


# -- Windows: the privacy settings' record of who uses the microphone (NOT RUN HERE) -------------------

class WindowsConsentBackend:
    """``HKCU\\...\\CapabilityAccessManager\\ConsentStore\\microphone``: one key per Store app, and one per
    desktop program under ``NonPackaged`` (its path with ``#`` for ``\\``). An app whose ``LastUsedTimeStop`` is 0
    (and ``LastUsedTimeStart`` is not) has the microphone open now. Polled once a second.
    Written to the layout Windows 10 1903+ and 11 use; not run on this project's Linux machines."""

    name = "Windows microphone privacy keys (ConsentStore)"
    KEY = r"Software\Microsoft\Windows\CurrentVersion\CapabilityAccessManager\ConsentStore\microphone"

    def __init__(self, own_exe: str | None = None) -> None:
        self.own_exe = (own_exe or sys.executable).replace("\\", "#").lower()
        self._stop = threading.Event()

    def open(self) -> None:
        try:
            import winreg

            winreg.CloseKey(winreg.OpenKey(winreg.HKEY_CURRENT_USER, self.KEY))  # type: ignore[attr-defined,unused-ignore]
        except (ImportError, OSError) as exc:
            raise DeviceError(f"cannot watch the microphone: the microphone privacy keys are unreadable ({exc})") \
                from None

    def recorders(self) -> frozenset[Recorder]:
        import winreg

        found = set()
        for sub, packaged in ((self.KEY, True), (self.KEY + r"\NonPackaged", False)):
            try:
                root = winreg.OpenKey(winreg.HKEY_CURRENT_USER, sub)  # type: ignore[attr-defined,unused-ignore]
            except OSError:
                continue
            with root:
                for i in range(winreg.QueryInfoKey(root)[0]):  # type: ignore[attr-defined,unused-ignore]
                    name = winreg.EnumKey(root, i)  # type: ignore[attr-defined,unused-ignore]
                    if name == "NonPackaged" or name.lower() == self.own_exe:
                        continue
                    try:
                        with winreg.OpenKey(root, name) as app:  # type: ignore[attr-defined,unused-ignore]
                            start = winreg.QueryValueEx(app, "LastUsedTimeStart")[0]  # type: ignore[attr-defined,unused-ignore]
                            stop = winreg.QueryValueEx(app, "LastUsedTimeStop")[0]  # type: ignore[attr-defined,unused-ignore]
                    except OSError:
                        continue
                    if start and stop == 0:
                        label = name.split("_")[0] if packaged else name.split("#")[-1].removesuffix(".exe")
                        found.add(Recorder(name, pretty_app(label)))
        return frozenset(found)

    def wait(self, timeout: float) -> bool:
        return not self._stop.wait(min(timeout, POLL_S))

    def close(self) -> None:
        self._stop.set()


# -- macOS: CoreAudio through ctypes (NOT RUN HERE) ---------------------------------------------------

def _fourcc(code: str) -> int:
    return int.from_bytes(code.encode("ascii"), "big")


class MacCoreAudioBackend:
    """macOS 14.2+: CoreAudio's process objects say which process runs input (``kAudioProcessPropertyIsRunningInput``)
    — ours excluded by pid. Older macOS: only whether the default input device runs for anyone
    (``kAudioDevicePropertyDeviceIsRunningSomewhere``), which our own capture also sets, so there the watcher can
    start a call but a call's end is seen only when nobody, us included, records. Polled once a second.
    Not run on this project's Linux machines."""

    name = "CoreAudio (macOS)"

    def __init__(self, own_pids: Iterable[int] = ()) -> None:
        self.own_pids = frozenset(own_pids)
        self._ca: Any = None
        self._cf: Any = None
        self._stop = threading.Event()

    def open(self) -> None:
        import ctypes
        import ctypes.util

        path = ctypes.util.find_library("CoreAudio")
        if path is None:
            raise DeviceError("cannot watch the microphone: CoreAudio not found")
        self._ca = ctypes.cdll.LoadLibrary(path)
        self._cf = ctypes.cdll.LoadLibrary(ctypes.util.find_library("CoreFoundation") or "CoreFoundation")

    def _get(self, obj: int, selector: str, ctype: Any, count: int = 1) -> Any:
        import ctypes

        class Address(ctypes.Structure):
            _fields_ = [("mSelector", ctypes.c_uint32), ("mScope", ctypes.c_uint32), ("mElement", ctypes.c_uint32)]

        address = Address(_fourcc(selector), _fourcc("glob"), 0)
        if count == 0:  # a list: ask its size first
            size = ctypes.c_uint32(0)
            if self._ca.AudioObjectGetPropertyDataSize(obj, ctypes.byref(address), 0, None, ctypes.byref(size)):
                return []
            count = size.value // ctypes.sizeof(ctype)
        data = (ctype * max(count, 1))()
        size = ctypes.c_uint32(ctypes.sizeof(data))
        status = self._ca.AudioObjectGetPropertyData(obj, ctypes.byref(address), 0, None, ctypes.byref(size),
                                                     ctypes.byref(data))
        if status:
            raise OSError(f"CoreAudio {selector!r}: status {status}")
        return list(data)[: size.value // ctypes.sizeof(ctype)]

    def recorders(self) -> frozenset[Recorder]:
        import ctypes

        system = 1  # kAudioObjectSystemObject
        try:
            processes = self._get(system, "prs#", ctypes.c_uint32, 0)  # kAudioHardwarePropertyProcessObjectList
        except OSError:
            processes = []
        if processes:
            found = set()
            for proc in processes:
                try:
                    if not self._get(proc, "piri", ctypes.c_uint32)[0]:  # kAudioProcessPropertyIsRunningInput
                        continue
                    pid = int(self._get(proc, "ppid", ctypes.c_int32)[0])  # kAudioProcessPropertyPID
                except OSError:
                    continue
                if pid not in self.own_pids:
                    found.add(Recorder(f"{pid}:", pretty_app(self._bundle(proc)), pid))
            return frozenset(found)
        try:
            device = self._get(system, "dIn ", ctypes.c_uint32)[0]  # kAudioHardwarePropertyDefaultInputDevice
            running = self._get(device, "gone", ctypes.c_uint32)[0]  # kAudioDevicePropertyDeviceIsRunningSomewhere
        except OSError as exc:
            raise DeviceError(f"the microphone's state is unreadable ({exc})") from None
        return frozenset({Recorder("default-input", "An application")} if running else set())

    def _bundle(self, proc: int) -> str:
        import ctypes

        try:
            ref = self._get(proc, "pbid", ctypes.c_void_p)[0]  # kAudioProcessPropertyBundleID (a CFStringRef)
        except OSError:
            return ""
        if not ref:
            return ""
        buf = ctypes.create_string_buffer(256)
        self._cf.CFStringGetCString(ctypes.c_void_p(ref), buf, 256, 0x08000100)  # kCFStringEncodingUTF8
        self._cf.CFRelease(ctypes.c_void_p(ref))
        return buf.value.decode("utf-8", "replace").rsplit(".", 1)[-1]

    def wait(self, timeout: float) -> bool:
        return not self._stop.wait(min(timeout, POLL_S))

    def close(self) -> None:
        self._stop.set()
