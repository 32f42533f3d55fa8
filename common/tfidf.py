"""Sublinear TF-IDF over counted features, L2-normalised: the space the small linear text
models work in (the safety model, the topic model). Fitting and the training matrix need
scipy (training only); a message's vector needs numpy alone (every process)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix


@dataclass(frozen=True)
class TfidfSpace:
    """Feature name -> column, and each column's inverse document frequency."""

    vocabulary: dict[str, int]
    idf: np.ndarray

    @classmethod
    def fit(cls, counted: Sequence[Counter[str]], min_documents: int) -> TfidfSpace:
        """The features seen in at least ``min_documents`` of ``counted``, sorted, with
        smoothed IDF."""
        documents = Counter(name for counts in counted for name in counts)
        names = sorted(name for name, n in documents.items() if n >= min_documents)
        idf = np.array(
            [math.log((1 + len(counted)) / (1 + documents[name])) + 1.0 for name in names], dtype=np.float32
        )
        return cls({name: i for i, name in enumerate(names)}, idf)

    @property
    def names(self) -> list[str]:
        """The feature names in column order."""
        return sorted(self.vocabulary, key=self.vocabulary.__getitem__)

    def vector(self, counts: Counter[str]) -> tuple[np.ndarray, np.ndarray]:
        """Column indices and values of one message's known features."""
        indices, values = [], []
        for name, count in counts.items():
            index = self.vocabulary.get(name)
            if index is not None:
                indices.append(index)
                values.append((1.0 + math.log(count)) * float(self.idf[index]))
        # in column order: the norm and the dot products then sum in the same order whatever
        # the order of `counts` (set iteration varies with Python's hash seed), so a model
        # trained twice on the same messages is the same model
        idx = np.asarray(indices, dtype=np.int64)
        order = np.argsort(idx)
        idx, val = idx[order], np.asarray(values, dtype=np.float32)[order]
        norm = float(np.linalg.norm(val))
        return idx, (val / norm if norm else val)

    def matrix(self, counted: Sequence[Counter[str]]) -> csr_matrix:
        """The vectors of ``counted`` as rows of a sparse matrix."""
        from scipy.sparse import csr_matrix

        rows, cols, values = [], [], []
        for row, counts in enumerate(counted):
            idx, val = self.vector(counts)
            rows.extend([row] * len(idx))
            cols.extend(idx.tolist())
            values.extend(val.tolist())
        shape = (len(counted), len(self.vocabulary))
        return csr_matrix((values, (rows, cols)), shape=shape, dtype=np.float32)


def softmax_scores(
    weights: np.ndarray, bias: np.ndarray, vector: tuple[np.ndarray, np.ndarray]
) -> np.ndarray:
    """Class probabilities of a multinomial linear head (``weights``: classes × features) on
    one sparse vector from ``TfidfSpace.vector``."""
    idx, val = vector
    scores = weights[:, idx] @ val + bias
    scores = np.exp(scores - scores.max())
    return scores / scores.sum()
