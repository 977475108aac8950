"""The speaker model loaded once, and the suite's stereo test calls mixed to one channel at test time."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from copilot.audio.decode import DecodedAudio, load_audio


@dataclass(frozen=True)
class MixedCall:
    """A stereo test call, its mono mix and its true utterances."""

    stereo: DecodedAudio
    mono: DecodedAudio
    utterances: list[dict]


def mixed_call(folder: Path, name: str) -> MixedCall:
    stereo = load_audio(folder / f"{name}.flac")
    mixed = np.mean(np.stack(stereo.channels[:2]), axis=0).astype(np.float32)
    mono = DecodedAudio((mixed,), stereo.duration, stereo.mtime, stereo.source_rate, 1)
    truth = json.loads((folder / f"{name}.json").read_text())
    return MixedCall(stereo, mono, truth["utterances"])


@pytest.fixture(scope="session")
def encoder():
    from copilot.diarize.encoder import VoiceEncoder

    return VoiceEncoder()


@pytest.fixture(scope="session")
def calls(testdata: Path):
    return lambda name: mixed_call(testdata / "calls", name)
