"""The front end matches what the model was trained on: librosa's Slaney mel bands over 25 ms / 10 ms frames."""

from __future__ import annotations

import numpy as np

from copilot.diarize.mel import HOP, SAMPLE_RATE, mel_filters, mel_spectrogram, normalize_volume


def test_frames_are_centred_every_ten_milliseconds() -> None:
    wav = np.zeros(SAMPLE_RATE, np.float32)
    assert mel_spectrogram(wav).shape == (1 + SAMPLE_RATE // HOP, 40)


def test_a_tone_lights_the_band_around_its_frequency() -> None:
    t = np.arange(SAMPLE_RATE) / SAMPLE_RATE
    freqs = np.fft.rfftfreq(400, 1 / SAMPLE_RATE)
    filters = mel_filters()
    centres = freqs[np.argmax(filters, axis=1)]
    assert np.all(np.diff(centres) > 0)  # bands rise in frequency
    for hz in (300.0, 1000.0, 3000.0):
        mel = mel_spectrogram(np.sin(2 * np.pi * hz * t).astype(np.float32))
        band = int(np.argmax(mel[50]))
        assert abs(centres[band] - hz) <= 0.15 * hz + 80


def test_slaney_bands_have_equal_area() -> None:
    filters = mel_filters().astype(np.float64)
    widths = filters.sum(axis=1) * (SAMPLE_RATE / 400)  # area in Hz units times height
    assert np.allclose(widths[5:35], widths[5:35].mean(), rtol=0.2)


def test_quiet_audio_is_raised_loud_audio_left_alone() -> None:
    quiet = np.full(1600, 0.001, np.float32)
    loud = np.full(1600, 0.5, np.float32)
    rms = float(np.sqrt(np.mean(normalize_volume(quiet) ** 2)))
    assert abs(20 * np.log10(rms) + 30) < 0.1
    assert np.array_equal(normalize_volume(loud), loud)
