"""What this machine can capture: microphones, and a source for the other party's voice (system audio).

Per RESEARCH.md: PortAudio does not list PulseAudio/PipeWire monitors, so on Linux the other party is the
ALSA ``pulse`` device opened while ``PULSE_SOURCE`` names the default sink's ``.monitor``; on Windows it is
WASAPI loopback through the optional ``soundcard`` package; on macOS a loopback device such as BlackHole
chosen as an input. Every "cannot" here is said in one plain line, never a traceback.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from copilot.errors import DeviceError

log = logging.getLogger(__name__)

MAC_LOOPBACK_NAMES = ("blackhole", "loopback", "soundflower", "vb-cable", "background music")
NO_PORTAUDIO = ("no PortAudio library found, so no microphone or system audio can be opened "
                "(install PortAudio: `apt install libportaudio2` on Debian/Ubuntu)")


@dataclass(frozen=True)
class InputDevice:
    """A PortAudio input device."""

    index: int
    name: str
    hostapi: str
    channels: int
    default_rate: float
    default: bool = False


@dataclass(frozen=True)
class SystemAudio:
    """A way to hear the other party: ``kind`` is "pulse-monitor", "wasapi-loopback" or "loopback-input"."""

    name: str
    kind: str
    default: bool = False
    device: int | str | None = None  # the PortAudio device (or soundcard id) to open


@dataclass
class DeviceReport:
    inputs: list[InputDevice] = field(default_factory=list)
    system: list[SystemAudio] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "inputs": [vars(d) for d in self.inputs],
            "system_audio": [vars(s) for s in self.system],
            "notes": list(self.notes),
        }


def load_sounddevice() -> ModuleType:
    """Import sounddevice; DeviceError when the PortAudio library itself is missing."""
    try:
        import sounddevice
    except OSError:
        raise DeviceError(NO_PORTAUDIO) from None
    except ImportError:
        raise DeviceError("the sounddevice package is not installed (pip install sounddevice)") from None
    module: ModuleType = sounddevice  # sounddevice ships no type information
    return module


# -- PulseAudio / PipeWire ---------------------------------------------------------------------------

def _pactl(*args: str) -> str | None:
    if shutil.which("pactl") is None:
        return None
    try:
        done = subprocess.run(["pactl", *args], check=False, capture_output=True, text=True, timeout=3)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def pulse_sources() -> list[str] | None:
    """Names of all PulseAudio/PipeWire sources (monitors included); None when no sound server answers."""
    out = _pactl("list", "short", "sources")
    if out is None:
        return _pulsectl_sources()
    return [line.split("\t")[1] for line in out.splitlines() if "\t" in line]


def pulse_default_monitor() -> str | None:
    """The monitor of the default output (what the other party sounds like); None when there is none."""
    sink = _pactl("get-default-sink")
    if not sink:
        info = _pactl("info") or ""
        for line in info.splitlines():
            if line.startswith("Default Sink:"):
                sink = line.split(":", 1)[1].strip()
    if not sink:
        sink = _pulsectl_default("sink")
    if not sink:
        return None
    monitor = f"{sink}.monitor"
    sources = pulse_sources() or []
    return monitor if monitor in sources else None


def pulse_default_source() -> str | None:
    """The sound server's default input (normally the microphone; a ``.monitor`` when there is none)."""
    return _pactl("get-default-source") or _pulsectl_default("source")


def _pulsectl_sources() -> list[str] | None:
    try:
        import pulsectl  # optional
    except ImportError:
        return None
    try:
        with pulsectl.Pulse("copilot-devices") as pulse:
            return [s.name for s in pulse.source_list()]
    except Exception:  # noqa: BLE001 - no server
        return None


def _pulsectl_default(kind: str) -> str | None:
    try:
        import pulsectl  # optional
    except ImportError:
        return None
    try:
        with pulsectl.Pulse("copilot-devices") as pulse:
            info = pulse.server_info()
            return str(info.default_sink_name if kind == "sink" else info.default_source_name)
    except Exception:  # noqa: BLE001
        return None


def find_pulse_device(sd: ModuleType) -> int | None:
    """PortAudio's ALSA ``pulse`` device (PulseAudio or PipeWire's pulse layer), if there is one."""
    for i, dev in enumerate(sd.query_devices()):
        if dev["name"] == "pulse" and dev["max_input_channels"] > 0:
            return i
    return None


# -- listing ------------------------------------------------------------------------------------------

def list_devices() -> DeviceReport:
    """Everything usable for a live call, with plain notes about what is missing."""
    report = DeviceReport()
    try:
        sd = load_sounddevice()
    except DeviceError as exc:
        report.notes.append(str(exc))
        sd = None
    if sd is not None:
        try:
            devices = sd.query_devices()
            hostapis = sd.query_hostapis()
            default_in = sd.default.device[0]
        except Exception as exc:  # noqa: BLE001 - PortAudio refused to enumerate
            report.notes.append(f"PortAudio could not list devices: {exc}")
            devices, hostapis, default_in = [], [], -1
        for i, dev in enumerate(devices):
            if dev["max_input_channels"] > 0:
                report.inputs.append(InputDevice(i, dev["name"], hostapis[dev["hostapi"]]["name"],
                                                 dev["max_input_channels"], float(dev["default_samplerate"]),
                                                 i == default_in))
        if not report.inputs:
            report.notes.append("no audio input (microphone) found")
    if sys.platform.startswith("linux"):
        _linux_system(report, sd)
    elif sys.platform == "win32":
        _windows_system(report)
    elif sys.platform == "darwin":
        _mac_system(report)
    if not report.system:
        report.notes.append("no system-audio source found: the other party cannot be captured "
                            "(the call can still run with the microphone only)")
    return report


def _linux_system(report: DeviceReport, sd: ModuleType | None) -> None:
    sources = pulse_sources()
    if sources is None:
        report.notes.append("no PulseAudio/PipeWire server answered (pactl), so system audio cannot be captured")
        return
    default = pulse_default_monitor()
    pulse = find_pulse_device(sd) if sd is not None else None
    if sd is not None and pulse is None:
        report.notes.append("PortAudio has no ALSA 'pulse' device (install libasound2-plugins), "
                            "so the sound server's monitor cannot be opened")
    for name in sources:
        if name.endswith(".monitor"):
            report.system.append(SystemAudio(name, "pulse-monitor", name == default, pulse))


def _windows_system(report: DeviceReport) -> None:
    try:
        import soundcard  # optional, Windows only
    except Exception:  # noqa: BLE001 - not installed or no backend
        report.notes.append("system audio on Windows needs the 'soundcard' package (pip install soundcard)")
        return
    try:
        default_speaker = soundcard.default_speaker().name
        for mic in soundcard.all_microphones(include_loopback=True):
            if getattr(mic, "isloopback", False):
                report.system.append(SystemAudio(mic.name, "wasapi-loopback", mic.name == default_speaker, mic.id))
    except Exception as exc:  # noqa: BLE001
        report.notes.append(f"WASAPI loopback could not be listed: {exc}")


def _mac_system(report: DeviceReport) -> None:
    for dev in report.inputs:
        if any(key in dev.name.lower() for key in MAC_LOOPBACK_NAMES):
            report.system.append(SystemAudio(dev.name, "loopback-input", not report.system, dev.index))
    if not report.system:
        report.notes.append("macOS offers no system-audio input by itself: install a loopback device such as "
                            "BlackHole and send the call's output to it (a Multi-Output Device keeps it audible)")
