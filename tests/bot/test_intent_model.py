"""The intent model's fast path gives scikit-learn's probabilities (bot/intent_model.py)."""

from __future__ import annotations

import os
import tarfile
from pathlib import Path

import joblib
import numpy as np
import pytest
import yaml

from bot.intent_model import IntentModel

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> IntentModel:
    folder = tmp_path_factory.mktemp("model")
    with tarfile.open(ROOT / os.environ.get("MODEL", "models/missing.tar.gz"), "r:gz") as archive:
        member = next(m for m in archive.getmembers() if m.name.endswith("intent_model.joblib"))
        archive.extract(member, folder)
    return joblib.load(next(folder.rglob("intent_model.joblib")))


def _heldout_texts() -> list[str]:
    texts = []
    for path in sorted((ROOT / "tests" / "nlu").glob("heldout_*.yml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            texts += [line[2:].strip() for line in item["examples"].splitlines() if line.startswith("- ")]
    return texts


def test_the_fast_path_ranks_every_held_out_message_as_scikit_learn_does(model):
    texts = [*_heldout_texts(), "", "!!!", "😀", "/affirm"]
    assert len(texts) > 1000
    expected = model.sklearn_probabilities(texts)
    classes = [str(name) for name in model.classifier.classes_]
    got = np.array([[dict(ranking)[name] for name in classes] for ranking in model.rank(texts)])
    assert model._fast is not None, "the fast path applies to the trained configuration"
    assert np.abs(got - expected).max() < 1e-9


def test_the_fast_path_is_not_pickled(model, tmp_path):
    model.rank(["hello"])
    joblib.dump(model, tmp_path / "again.joblib")
    assert "_fast" not in joblib.load(tmp_path / "again.joblib").__dict__
