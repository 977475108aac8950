"""The GE2E speaker encoder (resemblyzer's VoiceEncoder) run in numpy: 3-layer LSTM, linear, ReLU, L2 norm.

An utterance is cut into partial windows of 160 frames (1.6 s); each window gives a 256-dimension embedding on the
unit sphere, and an utterance's embedding is the normalised mean of its windows'. All windows of a recording run
through the network as one batch, so the per-step Python cost is paid once, not once per utterance.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from copilot.diarize.mel import HOP, SAMPLE_RATE, mel_spectrogram, normalize_volume
from copilot.diarize.weights import load_state

PARTIAL_FRAMES = 160
LAYERS = 3
HIDDEN = 256
BATCH = 64
FloatArray = np.ndarray


def partial_starts(n_samples: int, rate: float = 1.3, min_coverage: float = 0.75) -> list[int]:
    """First frame of each 160-frame window over ``n_samples`` (resemblyzer's compute_partial_slices)."""
    n_frames = int(np.ceil((n_samples + 1) / HOP))
    step = max(1, min(PARTIAL_FRAMES, int(np.round((SAMPLE_RATE / rate) / HOP))))
    steps = max(1, n_frames - PARTIAL_FRAMES + step + 1)
    starts = list(range(0, steps, step))
    last = starts[-1] * HOP
    coverage = (n_samples - last) / (PARTIAL_FRAMES * HOP)
    if coverage < min_coverage and len(starts) > 1:
        starts.pop()
    return starts


@dataclass(frozen=True)
class Partials:
    """One utterance's window embeddings (n, 256) and the centre of each window, in seconds from its start."""

    embeddings: FloatArray
    centres: FloatArray

    @property
    def mean(self) -> FloatArray:
        return normalised(self.embeddings.mean(axis=0))


def normalised(v: FloatArray) -> FloatArray:
    norm = np.linalg.norm(v, axis=-1, keepdims=True)
    unit: np.ndarray = (v / np.maximum(norm, 1e-12)).astype(np.float32)
    return unit


class VoiceEncoder:
    """Speaker embeddings from 16 kHz audio; the weights are checked and loaded once, at construction."""

    def __init__(self, weights: Path | None = None) -> None:
        state = load_state(weights)
        self._w_ih = [np.ascontiguousarray(state[f"lstm.weight_ih_l{k}"].T) for k in range(LAYERS)]
        self._w_hh = [np.ascontiguousarray(state[f"lstm.weight_hh_l{k}"].T) for k in range(LAYERS)]
        self._bias = [state[f"lstm.bias_ih_l{k}"] + state[f"lstm.bias_hh_l{k}"] for k in range(LAYERS)]
        self._w_out = np.ascontiguousarray(state["linear.weight"].T)
        self._b_out = state["linear.bias"]

    def forward(self, mels: FloatArray) -> FloatArray:
        """(batch, frames, 40) mel windows → (batch, 256) unit embeddings (the model's forward pass)."""
        x = mels.astype(np.float32, copy=False)
        batch, steps, _ = x.shape
        for k in range(LAYERS):
            pre = (x.reshape(batch * steps, -1) @ self._w_ih[k] + self._bias[k]).reshape(batch, steps, 4 * HIDDEN)
            h = np.zeros((batch, HIDDEN), np.float32)
            c = np.zeros((batch, HIDDEN), np.float32)
            out = np.empty((batch, steps, HIDDEN), np.float32) if k < LAYERS - 1 else None
            for t in range(steps):
                gates = pre[:, t] + h @ self._w_hh[k]
                i = _sigmoid(gates[:, :HIDDEN])
                f = _sigmoid(gates[:, HIDDEN:2 * HIDDEN])
                g = np.tanh(gates[:, 2 * HIDDEN:3 * HIDDEN])
                o = _sigmoid(gates[:, 3 * HIDDEN:])
                c = f * c + i * g
                h = o * np.tanh(c)
                if out is not None:
                    out[:, t] = h
            if out is not None:
                x = out
        raw = np.maximum(h @ self._w_out + self._b_out, 0.0)
        return normalised(raw)

    def embed_many(self, wavs: Sequence[FloatArray], rate: float = 1.3) -> list[Partials]:
        """Window embeddings of several utterances, computed in shared batches."""
        windows: list[FloatArray] = []
        owners: list[tuple[int, float]] = []
        for index, wav in enumerate(wavs):
            starts = partial_starts(len(wav), rate)
            need = (starts[-1] + PARTIAL_FRAMES) * HOP
            padded = np.pad(normalize_volume(np.asarray(wav, np.float32)), (0, max(0, need - len(wav))))
            mel = mel_spectrogram(padded)
            for s in starts:
                windows.append(mel[s:s + PARTIAL_FRAMES])
                end = min((s + PARTIAL_FRAMES) * HOP, len(wav))
                owners.append((index, (s * HOP + end) / 2 / SAMPLE_RATE))  # the centre of the audio it holds
        embeddings = np.empty((len(windows), HIDDEN), np.float32)
        for lo in range(0, len(windows), BATCH):
            embeddings[lo:lo + BATCH] = self.forward(np.stack(windows[lo:lo + BATCH]))
        result: list[Partials] = []
        for index in range(len(wavs)):
            rows = [j for j, (owner, _) in enumerate(owners) if owner == index]
            result.append(Partials(embeddings[rows], np.array([owners[j][1] for j in rows], np.float32)))
        return result

    def embed(self, wav: FloatArray) -> FloatArray:
        """One utterance's embedding (resemblyzer's embed_utterance)."""
        return self.embed_many([wav])[0].mean


def _sigmoid(x: FloatArray) -> FloatArray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))
