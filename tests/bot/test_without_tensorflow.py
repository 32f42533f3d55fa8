"""Serving without TensorFlow (bot/without_tensorflow.py): the trained model loads and answers
with placeholders in front of TensorFlow, and a model that needs TensorFlow is recognised."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

from bot.serve import model_argument
from bot.without_tensorflow import needs_tensorflow

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / os.environ.get("MODEL", "models/missing.tar.gz")

# Run in a fresh interpreter: this test process has imported TensorFlow through Rasa already.
SERVE_WITHOUT_TENSORFLOW = """
import asyncio, sys
from bot import without_tensorflow
without_tensorflow.install()
from rasa.core.agent import Agent
import rasa.engine.recipes.default_components  # every Rasa component class is defined
agent = Agent.load(sys.argv[1])
parse = asyncio.run(agent.parse_message("where is an HHT centre in Lyon?"))
print("intent", parse["intent"]["name"])
import tensorflow as tf
print("placeholder", type(tf).__name__)
try:
    tf.constant(1)
except without_tensorflow.TensorFlowNotLoaded:
    print("refused")
print("jax" in sys.modules, "h5py" in sys.modules)
"""


def _model_with(uses: list[str], folder: Path) -> Path:
    metadata = {
        "train_schema": {"nodes": {}},
        "predict_schema": {"nodes": {f"node{i}": {"uses": name} for i, name in enumerate(uses)}},
    }
    path = folder / "model.tar.gz"
    data = json.dumps(metadata).encode()
    with tarfile.open(path, "w:gz") as archive:
        info = tarfile.TarInfo("metadata.json")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return path


def test_the_trained_model_needs_no_tensorflow_and_one_with_diet_does(tmp_path):
    assert MODEL.is_file(), "MODEL must name a trained model: run the suite through `make test`"
    assert needs_tensorflow(MODEL) is False
    assert needs_tensorflow(_model_with(["rasa.nlu.classifiers.diet_classifier.DIETClassifier"], tmp_path))
    assert not needs_tensorflow(_model_with(["rasa.core.policies.rule_policy.RulePolicy"], tmp_path))
    assert needs_tensorflow(tmp_path / "missing.tar.gz")  # unreadable: load the real library


def test_the_model_argument_is_read_from_rasa_runs_arguments(tmp_path):
    assert model_argument(["-i", "127.0.0.1", "-m", str(MODEL), "-p", "5005"]) == MODEL
    assert model_argument(["--model", str(MODEL)]) == MODEL
    assert model_argument(["--model", str(tmp_path / "missing.tar.gz")]) is None
    assert model_argument(["-p", "5005"]) is None


def test_the_trained_model_loads_and_parses_with_placeholders_and_tensorflow_calls_are_refused():
    done = subprocess.run(
        [sys.executable, "-c", SERVE_WITHOUT_TENSORFLOW, str(MODEL)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    assert "intent find_centre" in lines
    assert "placeholder _PlaceholderModule" in lines
    assert "refused" in lines
    assert lines[-1] == "False False"  # TensorFlow's own dependencies were not loaded either
