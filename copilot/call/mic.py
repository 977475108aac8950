"""The microphone watch as the app sees it: "another application started/stopped recording", Qt-free.

The window may not import ``copilot.audio`` (tests/test_architecture.py), so the watcher and its frozen events reach
the UI through here. ``watch_microphone`` starts the platform's watcher (``copilot.audio.mic_watch``) and hands
each event to ``on_event`` on the watcher's thread; a machine with no way to watch (no PulseAudio/PipeWire server,
no pactl) is a ``DeviceError`` with one line, and the app goes on without auto-start.
"""

from __future__ import annotations

from copilot.audio.mic_watch import (
    MicEvent,
    MicInUse,
    MicReleased,
    MicWatcher,
    MicWatchStopped,
    OnMicEvent,
    Recorder,
)

AUTO_START_CHOICES = {"off": "Off", "ask": "Ask", "start": "Start"}  # the setting's values and how they read


def watch_microphone(on_event: OnMicEvent) -> MicWatcher:
    """A running watcher of this machine's microphones (DeviceError when this machine offers none)."""
    return MicWatcher(on_event).start()


__all__ = ["AUTO_START_CHOICES", "MicEvent", "MicInUse", "MicReleased", "MicWatchStopped", "MicWatcher",
           "OnMicEvent", "Recorder", "watch_microphone"]
