"""Video recordings (mp4, mov, mkv, webm): their sound decodes like the audio file it came from.

The videos are muxed at test time from a test call and a tiny generated picture track, with the codecs those
containers carry in practice (MPEG-4 video + AAC, VP8 + Opus)."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest
import soundfile as sf

from copilot.audio.decode import load_audio
from copilot.errors import InputError

# (container format, suffix, video codec, audio codec)
VIDEO_KINDS = [("mp4", ".mp4", "mpeg4", "aac"), ("mov", ".mov", "mpeg4", "aac"),
               ("matroska", ".mkv", "mpeg4", "libopus"), ("webm", ".webm", "libvpx", "libopus")]


def mux_video(audio_path: Path, out: Path, fmt: str, video_codec: str, audio_codec: str | None) -> Path:
    """``audio_path``'s sound (stereo) beside a 64×48, 2 frames-per-second picture track; no sound when
    ``audio_codec`` is None."""
    data, rate = sf.read(audio_path, dtype="float32", always_2d=True)
    with av.open(str(out), "w", format=fmt) as container:
        video = container.add_stream(video_codec, rate=2)
        video.width, video.height, video.pix_fmt = 64, 48, "yuv420p"
        audio = None
        if audio_codec is not None:
            audio = container.add_stream(audio_codec, rate=rate)
            audio.layout = "stereo"
        for i in range(int(data.shape[0] / rate * 2) + 1):
            picture = av.VideoFrame.from_ndarray(np.full((48, 64, 3), (i * 7) % 255, np.uint8), format="rgb24")
            picture.pts = i
            for packet in video.encode(picture):
                container.mux(packet)
        for packet in video.encode(None):
            container.mux(packet)
        if audio is not None:
            for start in range(0, data.shape[0], rate):
                frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(data[start:start + rate].T), format="fltp",
                                                   layout="stereo")
                frame.sample_rate, frame.pts = rate, start
                for packet in audio.encode(frame):
                    container.mux(packet)
            for packet in audio.encode(None):
                container.mux(packet)
    return out


@pytest.mark.parametrize("fmt,suffix,video_codec,audio_codec", VIDEO_KINDS)
def test_a_video_decodes_to_its_sound(tmp_path: Path, testdata: Path, fmt: str, suffix: str, video_codec: str,
                                      audio_codec: str) -> None:
    source = testdata / "calls/itsd-04.flac"
    video = mux_video(source, tmp_path / f"call{suffix}", fmt, video_codec, audio_codec)
    want = load_audio(source)
    got = load_audio(video)
    assert got.stereo and got.duration == pytest.approx(want.duration, abs=0.1)
    n = min(got.channels[0].shape[0], want.channels[0].shape[0])
    for mine, theirs in zip(got.channels, want.channels):
        # Lossy codecs, but the same sound in the same place: rep on channel 0, the other party on 1.
        assert np.corrcoef(mine[:n], theirs[:n])[0, 1] > 0.98


def test_a_video_without_sound_is_one_line(tmp_path: Path, testdata: Path) -> None:
    video = mux_video(testdata / "calls/itsd-04.flac", tmp_path / "silent.mp4", "mp4", "mpeg4", None)
    with pytest.raises(InputError, match="no sound") as caught:
        load_audio(video)
    assert "\n" not in str(caught.value) and "silent.mp4" in str(caught.value)
