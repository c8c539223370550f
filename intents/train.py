"""`python -m intents.train`: fit the embedded classifier on the training split, deterministically.

Each training utterance is normalised and segmented exactly as at run time, and every segment is
paired with its label, so the classifier learns on the same pieces it will see. The model is a
multinomial logistic regression over binary n-gram features (`intents._features`), fitted by
L-BFGS (scipy, training time only) with an L2 penalty; inference needs numpy alone.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import logging
import sys
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from contracts.plan import INTENTS
from intents._dataset import TRAIN_PATH, Example, load_examples
from intents._features import extract
from intents._interpreter import MODEL_PATH
from intents._model import LinearModel
from intents._normalize import normalize
from intents._segment import segment

logger = logging.getLogger("avatar.intents")

L2 = 0.03
MAX_ITER = 300
MIN_COUNT = 2
PRUNE_BELOW = 0.3  # features whose weights all stay below this change no decision (measured)


def training_pairs(examples: Iterable[Example]) -> tuple[list[tuple[str, str]], int]:
    """(segment text, label) pairs, de-duplicated in first-seen order, and the number of
    utterances skipped because their segment count did not match their labels."""
    pairs: dict[tuple[str, str], None] = {}
    skipped = 0
    for example in examples:
        parts = segment(normalize(example.text))
        if example.labels == ("chat",):
            for part in parts:
                if part.governs and part.text:
                    pairs.setdefault((part.text, "chat"))
            continue
        if len(parts) != len(example.labels):
            skipped += 1
            continue
        for part, label in zip(parts, example.labels, strict=True):
            # A negated segment is labelled with what it negates; hand-written lines only give
            # the resulting `neutral`, which says nothing about the remainder ("눈 감").
            if part.negated and (part.trivial or label == "neutral"):
                continue
            if part.text:
                pairs.setdefault((part.text, label))
    return list(pairs), skipped


def _design_matrix(texts: list[str], vocab: dict[str, int]):  # -> scipy.sparse.csr_matrix
    from scipy import sparse

    indptr, indices, values = [0], [], []
    for text in texts:
        features = extract(text)
        known = sorted(vocab[name] for name in features if name in vocab)
        indices.extend(known)
        values.extend([1.0 / np.sqrt(len(features))] * len(known))
        indptr.append(len(indices))
    return sparse.csr_matrix((values, indices, indptr), shape=(len(texts), len(vocab)))


def train_model(pairs: list[tuple[str, str]], l2: float = L2, max_iter: int = MAX_ITER,
                min_count: int = MIN_COUNT, prune_below: float = PRUNE_BELOW) -> LinearModel:
    """Fit the classifier on (text, label) pairs; the same pairs always give the same weights.

    Features seen fewer than `min_count` times are not used; after fitting, features whose
    largest absolute weight is below `prune_below` are dropped to keep the model file small.
    """
    from scipy.optimize import minimize

    labels = tuple(INTENTS)
    counts = Counter(name for text, _ in pairs for name in extract(text))
    names = sorted(name for name, count in counts.items() if count >= min_count)
    vocab = {name: index for index, name in enumerate(names)}
    x = _design_matrix([text for text, _ in pairs], vocab).astype(np.float32)
    x_t = x.T.tocsr()  # row-major transpose: the gradient's matrix product is ~1.5x faster
    y = np.array([labels.index(label) for _, label in pairs])
    n, v, c = x.shape[0], x.shape[1], len(labels)
    logger.info("training on %d segments, %d features, %d labels", n, v, c)
    onehot = np.zeros((n, c))
    onehot[np.arange(n), y] = 1.0

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        weights, bias = theta[: v * c].reshape(v, c), theta[v * c :]
        logits = (x @ weights.astype(np.float32)).astype(np.float64) + bias
        logits -= logits.max(axis=1, keepdims=True)
        log_norm = np.log(np.exp(logits).sum(axis=1, keepdims=True))
        log_prob = logits - log_norm
        value = -(onehot * log_prob).sum() + 0.5 * l2 * (weights**2).sum()
        residual = np.exp(log_prob) - onehot
        grad_w = (x_t @ residual.astype(np.float32)).astype(np.float64) + l2 * weights
        return value, np.concatenate([grad_w.ravel(), residual.sum(axis=0)])

    result = minimize(loss, np.zeros(v * c + c), jac=True, method="L-BFGS-B",
                      options={"maxiter": max_iter, "ftol": 1e-10, "gtol": 1e-6})
    logger.info("L-BFGS: %d iterations, %d evaluations, loss %.4f (%s)", result.nit, result.nfev,
                result.fun, result.message)
    weights = result.x[: v * c].reshape(v, c).astype(np.float32)
    bias = result.x[v * c :].astype(np.float32)
    keep = np.flatnonzero(np.abs(weights).max(axis=1) >= prune_below)
    pruned = {names[row]: index for index, row in enumerate(keep)}
    return LinearModel(labels, pruned, weights[keep], bias)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m intents.train", description=__doc__)
    parser.add_argument("--data", type=Path, default=TRAIN_PATH, help="training JSONL")
    parser.add_argument("--out", type=Path, default=MODEL_PATH, help="model file to write")
    parser.add_argument("--l2", type=float, default=L2, help="L2 penalty")
    parser.add_argument("--max-iter", type=int, default=MAX_ITER, help="L-BFGS iterations")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    started = time.perf_counter()
    pairs, skipped = training_pairs(load_examples(args.data))
    model = train_model(pairs, l2=args.l2, max_iter=args.max_iter)
    digest = hashlib.sha256(args.data.read_bytes()).hexdigest()
    dataclasses.replace(model, trained_on=digest).save(args.out)
    print(f"{len(pairs)} segments ({skipped} utterances skipped: segment count ≠ labels), "
          f"{len(model.vocab)} features → {args.out} "
          f"({args.out.stat().st_size / 1e6:.2f} MB) in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
