"""The intent classifier's model: TF-IDF word and character n-grams, logistic regression.

Rasa's count-based featurizers plus its LogisticRegressionClassifier scored 0.86 macro-F1
on French held-out data; TF-IDF weighting with word bigrams and accent folding brought it
above 0.90 at the same speed (bench/README.md). No TensorFlow: it trains in seconds and
predicts in well under a millisecond.

`rank` computes the same TF-IDF rows and softmax as scikit-learn from the fitted vocabulary,
idf and coefficients, without building sparse matrices: scikit-learn's predict_proba copied
the whole coefficient matrix for each message, and its transforms re-derived idf, three
milliseconds of Rasa's CPU per message under load (bench/profile.py). A test checks both
give the same probabilities.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from common.text import fold

# Inverse regularisation strength, chosen on held-out data (bench/nlu_compare.py).
C = 10.0
WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (2, 5)


class IntentModel:
    """Fit on (text, intent) pairs; rank intents for new texts."""

    def __init__(self) -> None:
        self.words = TfidfVectorizer(ngram_range=WORD_NGRAMS, token_pattern=r"(?u)\b\w+\b", sublinear_tf=True)
        self.chars = TfidfVectorizer(analyzer="char_wb", ngram_range=CHAR_NGRAMS, sublinear_tf=True)
        self.classifier = LogisticRegression(C=C, max_iter=2000, class_weight="balanced", random_state=42)

    def fit(self, texts: list[str], intents: list[str]) -> IntentModel:
        """Train on the examples."""
        folded = [fold(t) for t in texts]
        features = hstack([self.words.fit_transform(folded), self.chars.fit_transform(folded)])
        self.classifier.fit(features.tocsr(), intents)
        return self

    def rank(self, texts: list[str]) -> list[list[tuple[str, float]]]:
        """For each text, every intent with its probability, most likely first."""
        if "_fast" not in self.__dict__:  # built on first use, never pickled
            self._fast = _FastPath.of(self)
        fast = self._fast
        if fast is not None:
            table = np.vstack([fast.probabilities(fold(text)) for text in texts]) if texts else []
        else:
            table = self.sklearn_probabilities(texts)
        rankings = []
        for probabilities in table:
            pairs = zip(self.classifier.classes_, probabilities, strict=True)
            rankings.append(sorted(((str(i), float(p)) for i, p in pairs), key=lambda x: -x[1]))
        return rankings

    def sklearn_probabilities(self, texts: list[str]) -> np.ndarray:
        """Probabilities through scikit-learn's own transforms and predict_proba."""
        folded = [fold(t) for t in texts]
        features = hstack([self.words.transform(folded), self.chars.transform(folded)]).tocsr()
        return self.classifier.predict_proba(features)

    def __getstate__(self) -> dict:
        return {key: value for key, value in self.__dict__.items() if key != "_fast"}


@dataclass(frozen=True)
class _Features:
    """One fitted TF-IDF vectorizer as plain lookups (sublinear tf, idf, l2 norm)."""

    analyse: Callable[[str], list[str]]
    vocabulary: dict[str, int]
    idf: np.ndarray
    weights: np.ndarray  # its rows of the classifier's coefficients, transposed

    def scores(self, text: str) -> np.ndarray:
        """The TF-IDF row of `text` dotted with the weights, one score per intent."""
        vocabulary = self.vocabulary
        counts = Counter(vocabulary[token] for token in self.analyse(text) if token in vocabulary)
        if not counts:
            return np.zeros(self.weights.shape[1])
        columns = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=float, count=len(counts))
        values = (np.log(tf) + 1.0) * self.idf[columns]
        return (values / np.sqrt(values @ values)) @ self.weights[columns]


@dataclass(frozen=True)
class _FastPath:
    words: _Features
    chars: _Features
    intercept: np.ndarray

    @classmethod
    def of(cls, model: IntentModel) -> _FastPath | None:
        """The fast path for a fitted model, or None where it would not give the same result
        (a one-vs-rest classifier, another TF-IDF configuration)."""
        classifier = model.classifier
        multinomial = len(classifier.classes_) > 2 and classifier.multi_class in ("auto", "multinomial")
        vectorizers = (model.words, model.chars)
        plain = all(v.sublinear_tf and v.use_idf and v.norm == "l2" and not v.binary for v in vectorizers)
        if not multinomial or classifier.solver == "liblinear" or not plain:
            return None
        coefficients = np.ascontiguousarray(classifier.coef_.T)
        split = len(model.words.vocabulary_)
        parts = [
            _Features(v.build_analyzer(), v.vocabulary_, np.asarray(v.idf_), weights)
            for v, weights in zip(vectorizers, (coefficients[:split], coefficients[split:]), strict=True)
        ]
        return cls(parts[0], parts[1], np.asarray(classifier.intercept_))

    def probabilities(self, folded: str) -> np.ndarray:
        """Softmax of the classifier's decision function for one folded text."""
        decision = self.words.scores(folded) + self.chars.scores(folded) + self.intercept
        exponentials = np.exp(decision - decision.max())
        return exponentials / exponentials.sum()
