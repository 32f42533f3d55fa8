"""What kind of answer a question wants, learned from patient questions: a linear model over
word and character n-grams that gives a probability per topic of the content grid.

The cue words of knowledge/topic_cues.yml say it precisely when they are there ("is it
hereditary?"); people often ask without them ("will my kids get it?", "can he still play
football?"). The router (knowledge/route.py) follows the cues first and this model when no
cue speaks. Trained by `python -m knowledge build` on tests/answers/train/ (questions written
from tests/answers/train/BRIEF.md, never the dev or blind sets) into $VASCERN_TOPIC_MODEL_DIR;
read with numpy alone.
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path

import numpy as np

from common.ngrams import ngram_counts
from common.text import fold
from common.tfidf import TfidfSpace, softmax_scores

TRAIN_DIR = Path(__file__).resolve().parents[1] / "tests" / "answers" / "train"
WEIGHTS_FILE = "topics.npz"
HASH_FILE = "inputs.sha256"
MIN_DOCUMENTS = 2  # a feature seen in fewer training questions is dropped
C = 8.0  # inverse regularisation of the logistic regression
# The brief's topic codes -> the content grid's entry topics (docs/knowledge-entries.md).
ENTRY_TOPIC = {"inheritance": "genetics", "tests": "diagnosis", "daily_life": "living"}


class TopicModel:
    """Probability of each entry topic for a question."""

    def __init__(
        self, space: TfidfSpace, weights: np.ndarray, bias: np.ndarray, topics: tuple[str, ...]
    ) -> None:
        self.space = space
        self.weights = weights  # (topics, features)
        self.bias = bias
        self.topics = topics

    @classmethod
    def load(cls, directory: Path) -> TopicModel:
        """The model `build` wrote into `directory`."""
        path = directory / WEIGHTS_FILE
        if not path.exists():
            raise FileNotFoundError(f"no topic model in {directory}: build it with `make index`")
        with np.load(path) as data:
            names = [str(name) for name in data["features"]]
            space = TfidfSpace({name: i for i, name in enumerate(names)}, data["idf"].astype(np.float32))
            return cls(space, data["weights"].astype(np.float32), data["bias"].astype(np.float32),
                       tuple(str(topic) for topic in data["topics"]))  # fmt: skip

    def probabilities(self, question: str) -> dict[str, float]:
        """Entry topic -> probability for `question`."""
        vector = self.space.vector(ngram_counts(fold(question).split()))
        probabilities = softmax_scores(self.weights, self.bias, vector)
        return dict(zip(self.topics, probabilities.tolist(), strict=True))

    def best(self, question: str) -> tuple[str, float]:
        """The most probable entry topic and its probability."""
        probabilities = self.probabilities(question)
        topic = max(probabilities, key=probabilities.__getitem__)
        return topic, probabilities[topic]


def training_questions(directory: Path = TRAIN_DIR) -> list[tuple[str, str]]:
    """(question, entry topic) for every content question of tests/answers/train/*.jsonl."""
    pairs = []
    for path in sorted(directory.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line) if line.strip() else {}
            if row.get("kind") == "content" and row.get("topic"):
                pairs.append((str(row["text"]), ENTRY_TOPIC.get(row["topic"], row["topic"])))
    return pairs


def _inputs_hash(directory: Path) -> str:
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for path in sorted(directory.glob("*.jsonl")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def build(out_dir: Path, train_dir: Path = TRAIN_DIR, force: bool = False) -> bool:
    """Fit the model on the training questions into `out_dir` unless its inputs are
    unchanged; True when it trained."""
    from sklearn.linear_model import LogisticRegression

    digest = _inputs_hash(train_dir)
    if not force and (out_dir / HASH_FILE).exists() and (out_dir / HASH_FILE).read_text() == digest:
        return False
    pairs = training_questions(train_dir)
    if not pairs:
        raise FileNotFoundError(f"no training questions in {train_dir}/*.jsonl")
    counted = [ngram_counts(fold(text).split()) for text, _ in pairs]
    space = TfidfSpace.fit(counted, MIN_DOCUMENTS)
    model = LogisticRegression(C=C, max_iter=3000).fit(space.matrix(counted), [topic for _, topic in pairs])
    out_dir.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        out_dir / WEIGHTS_FILE,
        features=np.array(space.names),
        idf=space.idf,
        weights=model.coef_.astype(np.float32),
        bias=model.intercept_.astype(np.float32),
        topics=np.array(model.classes_),
    )
    (out_dir / HASH_FILE).write_text(digest)
    load_topic_model.cache_clear()
    return True


@functools.cache
def load_topic_model(directory: Path) -> TopicModel:
    """The model in `directory`, loaded once."""
    return TopicModel.load(directory)
