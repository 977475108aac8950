"""The speaker model's front end in numpy: the mel spectrogram resemblyzer computes with librosa.

40 mel bands (Slaney scale and area normalisation, librosa's defaults), a 25 ms periodic Hann window, a 10 ms hop,
frames centred with zero padding, power (not log) values — the input the model was trained on. librosa is not a
dependency of this program, so the few lines it runs are written out here.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

SAMPLE_RATE = 16_000
N_FFT = 400  # 25 ms
HOP = 160  # 10 ms
N_MELS = 40
TARGET_DBFS = -30.0
_INT16_MAX = 2 ** 15 - 1


def _hz_to_mel(hz: np.ndarray) -> np.ndarray:
    """Slaney's mel scale: linear below 1 kHz, logarithmic above (librosa, htk=False)."""
    f_sp = 200.0 / 3
    mels = hz / f_sp
    min_log_hz, min_log_mel, logstep = 1000.0, 1000.0 / f_sp, np.log(6.4) / 27.0
    return np.where(hz >= min_log_hz, min_log_mel + np.log(np.maximum(hz, 1e-10) / min_log_hz) / logstep, mels)


def _mel_to_hz(mels: np.ndarray) -> np.ndarray:
    f_sp = 200.0 / 3
    freqs = f_sp * mels
    min_log_hz, min_log_mel, logstep = 1000.0, 1000.0 / f_sp, np.log(6.4) / 27.0
    return np.where(mels >= min_log_mel, min_log_hz * np.exp(logstep * (mels - min_log_mel)), freqs)


@lru_cache(maxsize=1)
def mel_filters() -> np.ndarray:
    """(40, 201) triangular filters, area-normalised (librosa.filters.mel with norm='slaney')."""
    fft_freqs = np.fft.rfftfreq(N_FFT, d=1.0 / SAMPLE_RATE)
    mel_f = _mel_to_hz(np.linspace(_hz_to_mel(np.array(0.0)), _hz_to_mel(np.array(SAMPLE_RATE / 2)), N_MELS + 2))
    fdiff = np.diff(mel_f)
    ramps = mel_f[:, None] - fft_freqs[None, :]
    lower = -ramps[:N_MELS] / fdiff[:N_MELS, None]
    upper = ramps[2:] / fdiff[1:, None]
    weights = np.maximum(0.0, np.minimum(lower, upper))
    weights *= (2.0 / (mel_f[2:] - mel_f[:N_MELS]))[:, None]
    filters: np.ndarray = weights.astype(np.float32)
    return filters


@lru_cache(maxsize=1)
def _window() -> np.ndarray:
    n = np.arange(N_FFT)
    return (0.5 - 0.5 * np.cos(2 * np.pi * n / N_FFT)).astype(np.float32)  # periodic Hann


def normalize_volume(wav: np.ndarray) -> np.ndarray:
    """Raise quiet audio to -30 dBFS (never lower it), as resemblyzer does before embedding."""
    rms = float(np.sqrt(np.mean((wav.astype(np.float64) * _INT16_MAX) ** 2))) if wav.size else 0.0
    if rms <= 0.0:
        return wav
    change_db = TARGET_DBFS - 20 * np.log10(rms / _INT16_MAX)
    if change_db < 0:
        return wav
    return (wav * np.float32(10 ** (change_db / 20))).astype(np.float32)


def mel_spectrogram(wav: np.ndarray) -> np.ndarray:
    """(frames, 40) power mel spectrogram of 16 kHz audio; frames = 1 + len // 160."""
    wav = np.asarray(wav, dtype=np.float32)
    padded = np.pad(wav, (N_FFT // 2, N_FFT // 2))
    n_frames = 1 + (len(padded) - N_FFT) // HOP
    frames = np.lib.stride_tricks.sliding_window_view(padded, N_FFT)[::HOP][:n_frames]
    power = np.abs(np.fft.rfft(frames * _window(), axis=1)) ** 2
    mel: np.ndarray = (power.astype(np.float32) @ mel_filters().T).astype(np.float32)
    return mel
