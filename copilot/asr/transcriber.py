"""The one transcription engine, shared by ``analyze``, ``live``, the demo and the app.

faster-whisper's ``transcribe()`` always pads the encoder input to 30 s, so a 2 s utterance costs as
much as a 30 s one. Here a segment is encoded in a window just long enough for it (the ``audio_ctx``
idea from whisper.cpp: W = clamp(duration + 2 s, 10 s, 30 s)), decoded greedily with a token cap, and
checked for loops; a loop, a capped decode or a doubtful score falls back to the standard 30 s
window. RESEARCH.md measured this at no measurable WER loss for ~40 % of the CPU cost.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from copilot.asr.guards import compression_ratio, has_loop, is_hallucination
from copilot.asr.model import resolve_model
from copilot.asr.vocabulary import merge_terms, parse_terms, prompt_text
from copilot.errors import ModelError

log = logging.getLogger(__name__)

SAMPLE_RATE = 16_000
FRAMES_PER_SECOND = 100  # Whisper's mel hop is 10 ms
MIN_WINDOW_S = 10.0
MAX_WINDOW_S = 30.0
WINDOW_MARGIN_S = 2.0


@dataclass(frozen=True)
class Transcription:
    """What one segment said; ``text`` is "" when nothing trustworthy was heard."""

    text: str
    avg_logprob: float = 0.0
    no_speech_prob: float = 1.0
    window_s: float = 0.0
    fell_back: bool = False
    dropped: str | None = None  # why text was suppressed (hallucination, empty), for logs and benchmarks


def window_seconds(duration: float) -> float:
    """The encoder window for a segment: long enough to hold it plus a margin that keeps Whisper stable."""
    return float(min(MAX_WINDOW_S, max(MIN_WINDOW_S, np.ceil(duration + WINDOW_MARGIN_S))))


def token_cap(duration: float) -> int:
    """Speech runs ~3 tokens a second; 6 per second + 10 leaves room without letting a loop run on."""
    return int(6 * duration + 10)


_blas_limited = False


def limit_blas_threads() -> None:
    """One BLAS thread for the process: numpy's OpenBLAS keeps its idle threads spinning after every call,
    which on two cores doubled the CPU of each transcription (a 4 s line: 0.20 → 0.085 CPU-s) and slowed it.
    Whisper's feature extraction is the only BLAS user on this path and needs no second thread."""
    global _blas_limited
    if _blas_limited:
        return
    _blas_limited = True
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        log.info("threadpoolctl is not installed: BLAS keeps its default threads (more CPU per transcription)")
        return
    threadpool_limits(limits=1, user_api="blas")


class Transcriber:
    """Owns one Whisper model; ``transcribe`` is thread-safe (calls are serialised)."""

    def __init__(self, model: object, model_path: Path, *, vocabulary: str | None = None,
                 prompt_form: str = "list") -> None:
        from faster_whisper.tokenizer import Tokenizer
        from faster_whisper.transcribe import get_suppressed_tokens

        self.model = model
        self.model_path = model_path
        self._lock = threading.Lock()
        ct2 = model.model  # type: ignore[attr-defined]
        self._tokenizer = Tokenizer(model.hf_tokenizer, ct2.is_multilingual, task="transcribe",  # type: ignore[attr-defined]
                                    language="en")
        self._suppress = get_suppressed_tokens(self._tokenizer, (-1,))
        self._prompt_form = prompt_form
        self.set_vocabulary(vocabulary)

    def set_vocabulary(self, vocabulary: str | None) -> None:
        """Names to expect (comma-separated, most specific first) as Whisper's previous-text prompt.

        The windowed decode gets ``<|startofprev|> terms`` before the start of the transcript (what faster-whisper
        does with ``hotwords``); a segment longer than one window is then cut at pauses into windowed decodes too
        (``_transcribe_pieces``). Cut by whole terms to Whisper's prompt budget (copilot.asr.vocabulary). The
        call service may change it between calls without reloading the model. The decoder reads the prompt on
        every segment: measured, a few names cost ~12 % more CPU per transcription, a full 223-token prompt ~30 %.
        """
        terms = merge_terms(parse_terms(vocabulary))
        text = prompt_text(terms, lambda s: len(self._tokenizer.encode(s)), form=self._prompt_form) if terms else ""
        prompt = list(self._tokenizer.sot_sequence) + [self._tokenizer.no_timestamps]
        if text:
            prompt = [self._tokenizer.sot_prev] + self._tokenizer.encode(" " + text) + prompt
        with self._lock:
            self.vocabulary_prompt = text or None
            self._prompt = prompt

    @classmethod
    def load(cls, model: str | os.PathLike[str] | None = None, cpu_threads: int | None = None,
             vocabulary: str | None = None, allow_download: bool = False,
             prompt_form: str = "list") -> "Transcriber":
        """Resolve and load a model (int8 on the CPU); ModelError with a one-line reason on failure."""
        path = resolve_model(model, allow_download=allow_download)
        limit_blas_threads()
        threads = cpu_threads if cpu_threads else min(2, os.cpu_count() or 1)
        try:
            from faster_whisper import WhisperModel

            whisper = WhisperModel(str(path), device="cpu", compute_type="int8", cpu_threads=threads)
        except (RuntimeError, ValueError, OSError) as exc:
            raise ModelError(f"cannot load the speech model from {path}: {str(exc).splitlines()[0]}") from None
        log.info("loaded %s with %d threads", path, threads)
        return cls(whisper, path, vocabulary=vocabulary, prompt_form=prompt_form)

    def transcribe(self, audio: np.ndarray, *, partial: bool = False) -> Transcription:
        """Transcribe one segment of 16 kHz mono float32 audio.

        ``partial`` marks interim text while someone is still speaking: no fallback, so it stays cheap.
        """
        audio = np.asarray(audio, dtype=np.float32).reshape(-1)
        duration = audio.shape[0] / SAMPLE_RATE
        if duration < 0.1 or not np.any(audio):
            return Transcription("", dropped="empty")
        if duration > MAX_WINDOW_S - 0.5:
            if self.vocabulary_prompt:
                return self._transcribe_pieces(audio, partial)
            return self._transcribe_long(audio)
        with self._lock:
            result = self._decode(audio, window_seconds(duration), token_cap(duration))
            suspicious = (result.dropped == "capped" or has_loop(result.text) or repeats_long_phrase(result.text)
                          or (result.text and result.avg_logprob < -1.0))
            if suspicious and not partial and result.window_s < MAX_WINDOW_S:
                fallback = self._decode(audio, MAX_WINDOW_S, token_cap(duration))
                log.debug("fallback to the 30 s window: %r -> %r", result.text, fallback.text)
                result = Transcription(fallback.text, fallback.avg_logprob, fallback.no_speech_prob,
                                       fallback.window_s, True, fallback.dropped)
        return self._guard(result, duration)

    def _decode(self, audio: np.ndarray, window_s: float, cap: int) -> Transcription:
        n = int(window_s * SAMPLE_RATE)
        padded = np.zeros(n, dtype=np.float32)
        padded[: min(n, audio.shape[0])] = audio[:n]
        features = self.model.feature_extractor(padded)[:, : int(window_s * FRAMES_PER_SECOND)]  # type: ignore[attr-defined]
        encoded = self.model.encode(features)  # type: ignore[attr-defined]
        # CTranslate2 4.8 generates only max_length // 2 new tokens (issue #1856): ask for twice the cap.
        out = self.model.model.generate(  # type: ignore[attr-defined]
            encoded, [self._prompt], beam_size=1, max_length=2 * cap + len(self._prompt),
            return_scores=True, return_no_speech_prob=True, suppress_blank=True,
            suppress_tokens=self._suppress,
        )[0]
        tokens = [t for t in out.sequences_ids[0] if t < self._tokenizer.eot]
        text = self._tokenizer.decode(tokens).strip()
        seq_len = max(1, len(tokens))
        avg_logprob = float(out.scores[0]) * seq_len / (seq_len + 1) if out.scores else 0.0
        dropped = "capped" if len(tokens) >= cap else None
        return Transcription(text, avg_logprob, float(out.no_speech_prob), window_s, False, dropped)

    def _transcribe_pieces(self, audio: np.ndarray, partial: bool) -> Transcription:
        """A segment longer than one window, with a vocabulary: cut at its quietest moments into pieces that fit
        the windowed decode, where the prompt is measured not to hurt.

        faster-whisper's own path takes a prompt as ``hotwords``, but in its timestamp mode a prompt makes the
        model emit one 30 s segment and skip words at the seek (on the suite's calls, channel by channel: WER
        6.3 % -> 9.2 % with the one name "Ruth"); cut into pieces it stayed at 6.3 %.
        """
        parts = [self.transcribe(piece, partial=partial) for piece in split_at_pauses(audio)]
        heard = [p for p in parts if p.text]
        if not heard:
            return Transcription("", window_s=MAX_WINDOW_S, dropped="hallucination")
        return Transcription(" ".join(p.text for p in heard), float(np.mean([p.avg_logprob for p in heard])),
                             float(np.mean([p.no_speech_prob for p in heard])), max(p.window_s for p in heard),
                             any(p.fell_back for p in heard), None)

    def _transcribe_long(self, audio: np.ndarray) -> Transcription:
        """Segments longer than one window go through faster-whisper's standard sliding path."""
        with self._lock:
            segments, _ = self.model.transcribe(  # type: ignore[attr-defined]
                audio, language="en", beam_size=1, condition_on_previous_text=False,
                without_timestamps=False, vad_filter=False,
            )
            kept = [s for s in segments if not is_hallucination(s.text, no_speech_prob=s.no_speech_prob,
                                                                 avg_logprob=s.avg_logprob, duration=s.end - s.start)]
        text = " ".join(s.text.strip() for s in kept).strip()
        if not kept:
            return Transcription("", window_s=MAX_WINDOW_S, fell_back=True, dropped="hallucination")
        return Transcription(text, float(np.mean([s.avg_logprob for s in kept])),
                             float(np.mean([s.no_speech_prob for s in kept])), MAX_WINDOW_S, True, None)

    @staticmethod
    def _guard(result: Transcription, duration: float) -> Transcription:
        text = result.text
        if text and (has_loop(text) or repeats_long_phrase(text) or compression_ratio(text) > 2.4):
            text = collapse_repeats(text)
        if is_hallucination(text, no_speech_prob=result.no_speech_prob, avg_logprob=result.avg_logprob,
                            duration=duration):
            return Transcription("", result.avg_logprob, result.no_speech_prob, result.window_s,
                                 result.fell_back, "hallucination")
        return Transcription(text, result.avg_logprob, result.no_speech_prob, result.window_s,
                             result.fell_back, None)


def split_at_pauses(audio: np.ndarray, longest_s: float = 28.0, search_s: float = 8.0) -> list[np.ndarray]:
    """Pieces of at most ``longest_s`` seconds, each cut at the quietest 100 ms of its last ``search_s`` seconds
    (a pause between words, so no word is cut in two)."""
    frame = SAMPLE_RATE // 10
    pieces: list[np.ndarray] = []
    start = 0
    while audio.shape[0] - start > longest_s * SAMPLE_RATE:
        low = start + int((longest_s - search_s) * SAMPLE_RATE)
        n = int(search_s * SAMPLE_RATE) // frame
        energy = (audio[low: low + n * frame].reshape(n, frame).astype(np.float64) ** 2).mean(axis=1)
        cut_at = low + int(np.argmin(energy)) * frame + frame // 2
        pieces.append(audio[start:cut_at])
        start = cut_at
    pieces.append(audio[start:])
    return pieces


LONGEST_REPEAT = 40  # words; bounds the cost of the repeat checks on a long segment


def repeats_long_phrase(text: str, shortest: int = 6) -> bool:
    """True when a phrase of ``shortest`` or more words is said twice back to back.

    ``has_loop`` looks at phrases up to 8 words; with a prompt in its context Whisper has been seen to repeat
    a whole 13-word sentence once ("She built the piece so she can go as Deepa's. She built the piece…"),
    which no speaker does verbatim.
    """
    words = [w.lower().strip(".,!?") for w in text.split()]
    for n in range(shortest, min(LONGEST_REPEAT, len(words) // 2) + 1):
        for i in range(0, len(words) - 2 * n + 1):
            if words[i:i + n] == words[i + n:i + 2 * n]:
                return True
    return False


def collapse_repeats(text: str) -> str:
    """Keep the first copy of a phrase that Whisper repeated back to back."""
    words = text.split()
    out: list[str] = []
    for word in words:
        out.append(word)
        for n in range(1, min(LONGEST_REPEAT, len(out) // 2) + 1):
            a = [w.lower().strip(".,!?") for w in out[-2 * n:-n]]
            b = [w.lower().strip(".,!?") for w in out[-n:]]
            if a == b and (n >= 2 or len(out) >= 4 and out[-3].lower().strip(".,!?") == b[0]):
                del out[-n:]
                break
    return " ".join(out)
