"""Train the coach's learned act reader: one logistic-regression head per dialogue act over sentence embeddings.

Why this shape: the embedding (all-MiniLM-L6-v2, ``copilot.coach.learned.embed``) carries what phrase lists
miss — that "forty-five minutes with you and your lead" and "a session with your team" are the same kind of
act; a linear head per act is small (384 weights each), trains in seconds on 1,800 utterances with numpy alone,
and is easy to inspect. Polarity (yes vs no) is left to the rules: embeddings barely tell them apart.

Data: ``acts_train.jsonl`` (1,800 utterances, two authors) trains; ``acts_test.jsonl`` (400, a third author)
tests. All three wrote from ``BRIEF.md`` without seeing the coach's code. Run from the repository root::

    python models/act_head/train.py            # writes copilot/coach/learned/act_head.npz and prints test F1
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from copilot.coach.learned.embed import Embedder  # noqa: E402
from copilot.coach.learned.head import ACTS, HEAD_PATH  # noqa: E402

HERE = Path(__file__).resolve().parent
SEED = 7
EPOCHS = 1500
LR = 0.05
L2 = 1e-4


def load(name: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in (HERE / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def features(emb: Embedder, rows: list[dict[str, object]]) -> np.ndarray:
    return np.stack([emb.embed(str(r["text"])) for r in rows])


def labels(rows: list[dict[str, object]]) -> np.ndarray:
    y = np.zeros((len(rows), len(ACTS)), dtype=np.float32)
    for i, r in enumerate(rows):
        for a in r["acts"]:  # type: ignore[union-attr]
            if a in ACTS:
                y[i, ACTS.index(a)] = 1.0
    return y


def train(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Full-batch gradient descent with Adam on the logistic loss, positive examples weighted to balance each act."""
    rng = np.random.default_rng(SEED)
    n, d = x.shape
    k = y.shape[1]
    w = rng.normal(0, 0.01, (d, k)).astype(np.float32)
    b = np.zeros(k, dtype=np.float32)
    pos = y.sum(axis=0)
    weight = np.where(y > 0, (n - pos) / np.maximum(pos, 1) * 0.5, 1.0).astype(np.float32)
    m_w, v_w, m_b, v_b = np.zeros_like(w), np.zeros_like(w), np.zeros_like(b), np.zeros_like(b)
    for t in range(1, EPOCHS + 1):
        p = 1.0 / (1.0 + np.exp(-(x @ w + b)))
        g = (p - y) * weight / n
        gw = x.T @ g + L2 * w
        gb = g.sum(axis=0)
        for param, grad, m, v in ((w, gw, m_w, v_w), (b, gb, m_b, v_b)):
            m *= 0.9
            m += 0.1 * grad
            v *= 0.999
            v += 0.001 * grad * grad
            param -= LR * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
    return w, b


def report(x: np.ndarray, y: np.ndarray, w: np.ndarray, b: np.ndarray) -> dict[str, float]:
    p = 1.0 / (1.0 + np.exp(-(x @ w + b)))
    out = {}
    for j, act in enumerate(ACTS):
        pred = p[:, j] >= 0.5
        tp = float(np.sum(pred & (y[:, j] > 0)))
        fp = float(np.sum(pred & (y[:, j] == 0)))
        fn = float(np.sum(~pred & (y[:, j] > 0)))
        out[act] = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0
    return out


def main() -> int:
    emb = Embedder.load()
    tr, te = load("acts_train.jsonl"), load("acts_test.jsonl")
    xtr, ytr = features(emb, tr), labels(tr)
    xte, yte = features(emb, te), labels(te)
    w, b = train(xtr, ytr)
    f1 = report(xte, yte, w, b)
    np.savez_compressed(HEAD_PATH, weights=w, bias=b, acts=np.array(ACTS))
    print(f"wrote {HEAD_PATH.relative_to(ROOT)} ({len(tr)} training utterances)")
    print("test F1 per act (acts_test.jsonl, another author):")
    for act, v in f1.items():
        print(f"  {act:<16} {v:.3f}")
    print(f"  macro            {sum(f1.values()) / len(f1):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
