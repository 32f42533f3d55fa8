"""The trained safety model, read by every process with numpy alone (no scikit-learn, so the
Rasa venv and the app venv load the same file whatever their library versions).

Two linear heads over the TF-IDF features of safety/features.py (words, character n-grams and
the rules' signals): ``emergency`` (probability that an emergency is happening now) and
``kinds`` (a probability per kind of safety/kinds.py, used to name what it may be and to tell
distress from suicidal intent). A message's emergency probability is the mean of the first
and of the second's mass on the emergency kinds. safety/train.py writes the files;
``SafetyModel.load`` reads them.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from common.tfidf import TfidfSpace, softmax_scores
from safety.features import features, words
from safety.kinds import EMERGENCY_KINDS, ORDINARY
from safety.rules import read

WEIGHTS_FILE = "model.npz"
VOCABULARY_FILE = "vocabulary.txt"
THRESHOLDS_FILE = "thresholds.json"
# A message of fewer words is left to the rules: one word ("en", "bloed") is no evidence
# for a linear model trained on sentences (in train and dev every emergency that short is a
# rule hit: "suicide", "collapsed", "overdose").
MIN_WORDS = 2


@dataclass(frozen=True)
class Prediction:
    """What the model says of one message."""

    emergency: float  # probability that an emergency is happening now (both heads)
    kinds: dict[str, float]  # kind -> probability

    def top_kind(self, among: tuple[str, ...] | None = None) -> str:
        """The most probable kind (among ``among`` when given)."""
        candidates = among or tuple(self.kinds)
        return max(candidates, key=lambda kind: self.kinds.get(kind, 0.0))

    def top_emergency_kind(self) -> str:
        """The most probable emergency kind."""
        return self.top_kind(EMERGENCY_KINDS)


@dataclass(frozen=True)
class Thresholds:
    """Decision thresholds on the emergency probability, calibrated on the dev set."""

    emergency: float  # at or above: the emergency message at once
    ask: float  # at or above: the safety question ("Is this happening now?")
    watch: float  # at or above: remembered, so a second mention escalates
    suicidal: float  # kind-head probability of suicidal intent that asks at least the question
    high_risk_factor: float  # thresholds are multiplied by this for vEDS / Marfan / Loeys-Dietz

    def to_dict(self) -> dict[str, float]:
        """Plain values, for thresholds.json."""
        return dict(self.__dict__)


class SafetyModel:
    """Linear emergency and kind heads over sparse TF-IDF features."""

    def __init__(
        self,
        vocabulary: dict[str, int],
        idf: np.ndarray,
        emergency_weights: np.ndarray,
        emergency_bias: float,
        kind_weights: np.ndarray,
        kind_bias: np.ndarray,
        kinds: tuple[str, ...],
        thresholds: Thresholds,
    ) -> None:
        self.space = TfidfSpace(vocabulary, idf)
        self.emergency_weights = emergency_weights
        self.emergency_bias = emergency_bias
        self.kind_weights = kind_weights  # (kinds, features)
        self.kind_bias = kind_bias
        self.kinds = kinds
        self.thresholds = thresholds

    @classmethod
    def load(cls, directory: Path) -> SafetyModel:
        """Read the files safety/train.py wrote into ``directory``."""
        if not (directory / WEIGHTS_FILE).exists():
            raise FileNotFoundError(
                f"no safety model in {directory}: build it with `make safety-model` (python -m safety.train)"
            )
        words = (directory / VOCABULARY_FILE).read_text(encoding="utf-8").split("\n")
        with np.load(directory / WEIGHTS_FILE) as data:
            arrays = {name: data[name] for name in data.files}
        thresholds = Thresholds(**json.loads((directory / THRESHOLDS_FILE).read_text(encoding="utf-8")))
        return cls(
            vocabulary={word: index for index, word in enumerate(words)},
            idf=arrays["idf"].astype(np.float32),
            emergency_weights=arrays["emergency_weights"].astype(np.float32),
            emergency_bias=float(arrays["emergency_bias"]),
            kind_weights=arrays["kind_weights"].astype(np.float32),
            kind_bias=arrays["kind_bias"].astype(np.float32),
            kinds=tuple(str(kind) for kind in arrays["kinds"]),
            thresholds=thresholds,
        )

    def vector(self, text: str, signals: frozenset[str]) -> tuple[np.ndarray, np.ndarray]:
        """Indices and L2-normalised sublinear TF-IDF values of a message's known features."""
        return self.space.vector(features(text, signals))

    def predict(self, text: str, signals: frozenset[str] | None = None) -> Prediction:
        """The emergency probability and the kind probabilities of one message (``signals``:
        the rules' reading of it, read here when not given)."""
        if len(words(text)) < MIN_WORDS:
            ordinary = {kind: float(kind == ORDINARY) for kind in self.kinds}
            return Prediction(emergency=0.0, kinds=ordinary)
        idx, val = self.vector(text, read(text).signals if signals is None else signals)
        logit = float(self.emergency_weights[idx] @ val) + self.emergency_bias
        probabilities = softmax_scores(self.kind_weights, self.kind_bias, (idx, val))
        kinds = {kind: float(p) for kind, p in zip(self.kinds, probabilities, strict=True)}
        head = 1.0 / (1.0 + math.exp(-logit))
        return Prediction(emergency=(head + emergency_mass(kinds)) / 2, kinds=kinds)


def emergency_mass(kinds: dict[str, float]) -> float:
    """The kind head's probability that the message is one of the emergency kinds. Averaged
    with the emergency head it separates better: the kind head has learned each near-miss
    kind on its own (docs/safety.md, leaving each training batch out)."""
    return sum(kinds.get(kind, 0.0) for kind in EMERGENCY_KINDS)
