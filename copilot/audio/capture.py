"""Live capture: the microphone (the rep) and system audio (the other party) as ``AudioSource``s.

The callback copies the block, stamps it with the device's ADC time and enqueues it — no logging, no
numpy concatenation, no locks of ours. ``open_live_sources`` picks what each OS offers and reports what
is missing as plain messages, so a call can go on with whatever still works.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from typing import Any

from copilot.audio import devices
from copilot.audio.frames import CallClock, RawBlock
from copilot.audio.source import AudioSource, QueuedSource
from copilot.errors import DeviceError
from copilot.session.utterance import PROSPECT, REP

log = logging.getLogger(__name__)

BLOCK_SECONDS = 0.04  # one callback per 40 ms: a small share of the latency budget, few wake-ups
_ENV_LOCK = threading.Lock()  # PULSE_SOURCE is process-wide: set it only while one stream is created


class SoundDeviceSource(QueuedSource):
    """A PortAudio input stream; with ``pulse_source`` it is the ALSA ``pulse`` device bound to that source."""

    def __init__(self, speaker: str, label: str, device: int | str | None = None, *,
                 pulse_source: str | None = None, samplerate: float | None = None) -> None:
        super().__init__(speaker, label)
        self.device = device
        self.pulse_source = pulse_source
        self.samplerate = samplerate
        self._stream: Any = None
        self._offset = 0.0
        self._stopping = False

    def start(self, clock: CallClock) -> None:
        sd = devices.load_sounddevice()
        rate = self.samplerate
        if rate is None:
            try:
                rate = float(sd.query_devices(self.device, "input")["default_samplerate"])
            except Exception as exc:  # noqa: BLE001 - PortAudio's own error text
                raise DeviceError(f"{self.label}: cannot be opened ({exc})") from None
        with _ENV_LOCK:
            saved = os.environ.get("PULSE_SOURCE")
            try:
                if self.pulse_source:
                    os.environ["PULSE_SOURCE"] = self.pulse_source
                else:
                    os.environ.pop("PULSE_SOURCE", None)
                self._stream = sd.InputStream(device=self.device, channels=1, samplerate=rate, dtype="float32",
                                              blocksize=int(rate * BLOCK_SECONDS), callback=self._callback,
                                              finished_callback=self._finished)
            except Exception as exc:  # noqa: BLE001 - sd.PortAudioError, ValueError for a bad device
                raise DeviceError(f"{self.label}: cannot be opened ({exc})") from None
            finally:
                if saved is None:
                    os.environ.pop("PULSE_SOURCE", None)
                else:
                    os.environ["PULSE_SOURCE"] = saved
        self._set_rate(self._stream.samplerate)
        self._offset = clock.now() - self._stream.time
        try:
            self._stream.start()
        except Exception as exc:  # noqa: BLE001
            raise DeviceError(f"{self.label}: cannot be started ({exc})") from None
        log.info("%s open at %.0f Hz", self.label, self._stream.samplerate)

    def _callback(self, indata: Any, frames: int, time_info: Any, status: Any) -> None:  # sounddevice's (untyped)
        adc = time_info.inputBufferAdcTime
        self._deliver(RawBlock(adc + self._offset if adc > 0 else None, indata.copy(), bool(status.input_overflow)))

    def _finished(self) -> None:
        if not self._stopping:
            self._end(f"{self.label} stopped delivering audio (device disconnected?)")
        else:
            self._end()

    def check(self) -> None:
        """Called now and then by the pipeline: a stream PortAudio closed on its own means the device is gone."""
        stream = self._stream
        if stream is not None and not self._stopping and not self.finished and not stream.active:
            self._end(f"{self.label} stopped delivering audio (device disconnected?)")

    def stop(self) -> None:
        self._stopping = True
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.abort()
                stream.close()
            except Exception:  # already gone
                log.debug("closing %s failed", self.label, exc_info=True)
        self._end()


class SoundcardLoopbackSource(QueuedSource):
    """Windows WASAPI loopback via the optional ``soundcard`` package (a reader thread stands in for a callback).

    Loopback delivers nothing while nothing plays; blocks are stamped with the call clock when read, so
    the assembler fills those stretches with silence and the channels stay aligned.
    """

    RATE = 48_000
    BLOCK = 480

    def __init__(self, speaker: str, label: str, device_id: str | None = None) -> None:
        super().__init__(speaker, label)
        self.device_id = device_id
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, clock: CallClock) -> None:
        try:
            import soundcard
        except Exception:  # noqa: BLE001
            raise DeviceError("system audio on Windows needs the 'soundcard' package (pip install soundcard)") from None
        try:
            if self.device_id is None:
                mic = soundcard.get_microphone(soundcard.default_speaker().name, include_loopback=True)
            else:
                mic = soundcard.get_microphone(self.device_id, include_loopback=True)
        except Exception as exc:  # noqa: BLE001
            raise DeviceError(f"{self.label}: cannot be opened ({exc})") from None
        self._set_rate(self.RATE)
        self._thread = threading.Thread(target=self._run, args=(mic, clock), name="loopback", daemon=True)
        self._thread.start()

    def _run(self, mic: Any, clock: CallClock) -> None:
        try:
            with mic.recorder(samplerate=self.RATE, channels=1, blocksize=self.BLOCK) as recorder:
                while not self._stop.is_set():
                    data = recorder.record(numframes=self.BLOCK)
                    now = clock.now()
                    self._deliver(RawBlock(now - data.shape[0] / self.RATE, data.astype("float32", copy=True)))
        except Exception as exc:  # noqa: BLE001 - the endpoint went away
            self._end(f"{self.label} stopped delivering audio ({exc})")
            return
        self._end()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2.0)


def open_live_sources(mic: str | None = None, system: str | None = None) -> tuple[list[AudioSource], list[str]]:
    """The microphone and system-audio sources for this OS, plus a message for each one that is missing.

    ``mic``/``system`` pick a device by index or by (part of) its name; ``system="none"`` leaves it out.
    Nothing is opened here; ``start`` does that.
    """
    problems: list[str] = []
    sources: list[AudioSource] = []
    try:
        sd = devices.load_sounddevice()
    except DeviceError as exc:
        sd = None
        problems.append(str(exc))
    pulse = devices.find_pulse_device(sd) if sd is not None and sys.platform.startswith("linux") else None

    if sd is not None and mic != "none":
        default_source = devices.pulse_default_source() if pulse is not None and mic is None else None
        if default_source is not None and default_source.endswith(".monitor"):
            problems.append("no microphone: the sound server's default input is the speakers' monitor "
                            "(plug in or choose a microphone) — only the other party is captured")
        elif pulse is not None and mic is None:
            sources.append(SoundDeviceSource(REP, "microphone (default input)", pulse,
                                             pulse_source=default_source, samplerate=16_000))
        else:
            device = _pick_input(sd, mic)
            name = sd.query_devices(device)["name"] if device is not None else "default input"
            sources.append(SoundDeviceSource(REP, f"microphone ({name})", device))

    if system == "none":
        return sources, problems
    if sys.platform.startswith("linux"):
        monitor = system or devices.pulse_default_monitor()
        if sd is None:
            pass
        elif pulse is None:
            problems.append("no system-audio source: PortAudio has no ALSA 'pulse' device (install "
                            "libasound2-plugins and run PulseAudio or PipeWire) — only the microphone is captured")
        elif monitor is None:
            problems.append("no system-audio source: the sound server has no monitor of the default output "
                            "— only the microphone is captured")
        else:
            sources.append(SoundDeviceSource(PROSPECT, f"system audio ({monitor})", pulse,
                                             pulse_source=monitor, samplerate=16_000))
    elif sys.platform == "win32":
        try:
            import soundcard  # noqa: F401
            sources.append(SoundcardLoopbackSource(PROSPECT, "system audio (WASAPI loopback)", system))
        except Exception:  # noqa: BLE001
            problems.append("no system-audio source: install the 'soundcard' package for WASAPI loopback "
                            "— only the microphone is captured")
    elif sys.platform == "darwin" and sd is not None:
        report = devices.list_devices()
        chosen = [s for s in report.system if system is None or system.lower() in s.name.lower()]
        if chosen:
            sources.append(SoundDeviceSource(PROSPECT, f"system audio ({chosen[0].name})", chosen[0].device))
        else:
            problems.append("no system-audio source: macOS needs a loopback device such as BlackHole chosen as "
                            "the call's output — only the microphone is captured")
    return sources, problems


def _pick_input(sd: Any, wanted: str | None) -> int | None:
    if wanted is None:
        return None
    if wanted.isdigit():
        return int(wanted)
    for i, dev in enumerate(sd.query_devices()):
        if dev["max_input_channels"] > 0 and wanted.lower() in dev["name"].lower():
            return i
    raise DeviceError(f"no audio input matches {wanted!r} (see `copilot devices`)")
