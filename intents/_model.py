"""The embedded linear classifier: feature strings → intent probabilities, in plain numpy.

Stored as one compressed `.npz`: the label names, the feature vocabulary (UTF-8, one per line),
a float16 weight matrix (vocabulary × labels) and a float32 bias. Loading builds one dict; scoring
one segment is a gather and a sum over a few hundred rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from intents._features import extract


@dataclass(frozen=True, slots=True)
class LinearModel:
    """Softmax regression over binary n-gram features.

    Attributes:
        labels: intent names, one per column.
        vocab: feature string → row index in `weights`.
        weights: (len(vocab), len(labels)) float32 weights.
        bias: (len(labels),) float32 bias.
        trained_on: SHA-256 of the training file, so a stale model can be detected.
    """

    labels: tuple[str, ...]
    vocab: dict[str, int]
    weights: np.ndarray
    bias: np.ndarray
    trained_on: str = ""

    def rows(self, features: set[str]) -> tuple[np.ndarray, int]:
        """Row indices of the known features (int64), and how many features there were."""
        known = [self.vocab[name] for name in features if name in self.vocab]
        return np.asarray(sorted(known), dtype=np.int64), len(features)

    def probabilities(self, text: str) -> np.ndarray:
        """(len(labels),) float64 probabilities for one normalised segment; sums to 1.

        Features are scaled by 1/sqrt(count of *all* features, known or not), so text made mostly
        of unknown material scores close to the bias, whose largest entry is `chat`.
        """
        rows, total = self.rows(extract(text))
        logits = self.bias.astype(np.float64)
        if total and rows.size:
            logits = logits + self.weights[rows].sum(axis=0, dtype=np.float64) / np.sqrt(total)
        logits -= logits.max()
        exp = np.exp(logits)
        return exp / exp.sum()

    def save(self, path: Path) -> None:
        """Write the model as a compressed .npz (weights rounded to float16)."""
        names = sorted(self.vocab, key=self.vocab.__getitem__)
        np.savez_compressed(
            path,
            labels=np.frombuffer("\n".join(self.labels).encode(), dtype=np.uint8),
            vocab=np.frombuffer("\n".join(names).encode(), dtype=np.uint8),
            weights=self.weights.astype(np.float16),
            bias=self.bias.astype(np.float32),
            trained_on=np.frombuffer(self.trained_on.encode(), dtype=np.uint8),
        )

    @classmethod
    def load(cls, path: Path) -> LinearModel:
        """Read a model written by `save`.

        Raises:
            FileNotFoundError: the model file is missing (run `python -m intents.train`).
            ValueError: the file is not a model of this format.
        """
        if not path.is_file():
            raise FileNotFoundError(
                f"intent model {path} is missing; rebuild it with `python -m intents.train`"
            )
        try:
            with np.load(path) as data:
                labels = tuple(data["labels"].tobytes().decode().split("\n"))
                names = data["vocab"].tobytes().decode().split("\n")
                weights = data["weights"].astype(np.float32)
                bias = data["bias"].astype(np.float32)
                trained_on = data["trained_on"].tobytes().decode()
        except (KeyError, ValueError, OSError) as error:
            raise ValueError(f"{path} is not an intent model file ({error})") from error
        if weights.shape != (len(names), len(labels)) or bias.shape != (len(labels),):
            raise ValueError(f"{path}: weight shapes {weights.shape}/{bias.shape} do not match "
                             f"{len(names)} features × {len(labels)} labels")
        vocab = {name: index for index, name in enumerate(names)}
        return cls(labels, vocab, weights, bias, trained_on)
