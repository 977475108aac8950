"""The numpy speaker encoder: resemblyzer's windows, and embeddings that tell two voices apart."""

from __future__ import annotations

import numpy as np

from copilot.diarize.encoder import PARTIAL_FRAMES, partial_starts


def test_windows_cover_the_utterance_like_resemblyzer() -> None:
    assert partial_starts(8000) == [0]  # shorter than one window: one, zero-padded
    starts = partial_starts(16000 * 5)  # 5 s at 1.3 windows a second: a window every 77 frames
    assert starts[:3] == [0, 77, 154] and (starts[-1] + PARTIAL_FRAMES) * 160 >= 16000 * 5 * 0.75


def test_the_same_voice_is_closer_than_the_other_voice(calls, encoder) -> None:
    call = calls("sales-04")
    embeddings = {}
    for role, channel in (("rep", 0), ("prospect", 1)):
        wavs = [call.stereo.channels[channel][int(u["start"] * 16000):int(u["end"] * 16000)]
                for u in call.utterances if u["speaker"] == role]
        embeddings[role] = np.stack([p.mean for p in encoder.embed_many(wavs)])
    rep, prospect = embeddings["rep"], embeddings["prospect"]
    assert np.allclose(np.linalg.norm(rep, axis=1), 1.0, atol=1e-4)
    same = (rep @ rep.T)[np.triu_indices(len(rep), 1)]
    different = (rep @ prospect.T).ravel()
    assert same.min() > different.max()
    assert same.mean() - different.mean() > 0.15
