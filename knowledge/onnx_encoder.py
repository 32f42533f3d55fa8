"""A sentence-transformers model run by ONNX Runtime instead of torch: the same vectors
(checked at export to 1e-4, measured 2e-7), 2.5× faster per question, and the action server
does not load torch at all (resident memory 0.74 -> 0.27 GB measured; bench/README.md).

    supports_onnx(model)   a local mean-pooled model (Transformer, Pooling, Normalize)
    onnx_path(model)       where its export lives: var/onnx/<name>-<hash of its weights>.onnx
                           (VASCERN_ONNX_DIR)
    export(model)          torch.onnx.export of the transformer, then checked against torch
    OnnxEncoder(model)     tokenizers + ONNX Runtime + mean pooling + L2 normalisation

`make index` (knowledge build) exports the model once; the action server only reads it.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import numpy as np

from knowledge.settings import get_settings

INPUTS = ("input_ids", "attention_mask", "token_type_ids")
# The export is accepted only if it gives torch's vectors to this precision.
EXPORT_TOLERANCE = 1e-4
CHECK_SENTENCES = (
    "What is hereditary haemorrhagic telangiectasia?",
    "Bonjour, je cherche un centre HHT près de Lyon pour ma fille",
    "ok",
)
DEFAULT_MAX_LENGTH = 256


def supports_onnx(model: str) -> bool:
    """A local sentence-transformers folder with a fast tokenizer and mean pooling."""
    folder = Path(model)
    try:
        modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
        kinds = [module["type"].rsplit(".", 1)[-1] for module in modules]
        pooling = json.loads((folder / modules[1]["path"] / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return False
    return (
        (folder / "tokenizer.json").is_file()
        and kinds[:2] == ["Transformer", "Pooling"]
        and set(kinds[2:]) <= {"Normalize"}  # no Dense or other layer after the pooling
        and bool(pooling.get("pooling_mode_mean_tokens"))
    )


def onnx_path(model: str) -> Path:
    """The export of `model`, named by a hash of its weights (a new model gets a new file)."""
    folder = Path(model)
    digest = hashlib.sha256()
    for weights in sorted(folder.glob("*.safetensors")) + sorted(folder.glob("*.bin")):
        digest.update(weights.name.encode())
        digest.update(str(weights.stat().st_size).encode())
        with weights.open("rb") as data:
            digest.update(data.read(1 << 20))  # the header and first tensors tell versions apart
    name = f"{folder.parent.name}-{folder.name}-{digest.hexdigest()[:16]}.onnx"
    return get_settings().onnx_dir / name


def _max_length(model: Path) -> int:
    try:
        config = json.loads((model / "sentence_bert_config.json").read_text(encoding="utf-8"))
        return int(config.get("max_seq_length") or DEFAULT_MAX_LENGTH)
    except (OSError, ValueError):
        return DEFAULT_MAX_LENGTH


class OnnxEncoder:
    """A mean-pooled sentence-transformers model through ONNX Runtime on CPU."""

    def __init__(self, model: str, threads: int, path: Path | None = None) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(
            str(path or onnx_path(model)), options, providers=["CPUExecutionProvider"]
        )
        self._tokenizer = Tokenizer.from_file(str(Path(model) / "tokenizer.json"))
        self._tokenizer.enable_truncation(_max_length(Path(model)))
        self._tokenizer.enable_padding()
        self.dimension = int(self._session.get_outputs()[0].shape[-1])

    def _encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype="float32")
        encodings = self._tokenizer.encode_batch(list(texts))
        feed = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        (tokens,) = self._session.run(None, feed)
        mask = feed["attention_mask"][..., None].astype(np.float32)
        pooled = (tokens * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
        norms = np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
        return (pooled / norms).astype("float32")

    queries = _encode
    passages = _encode


def export(model: str, threads: int = 1) -> Path:
    """Export `model`'s transformer to ONNX (torch, once, at build time) unless done; the
    file is kept only if it gives the same vectors as sentence-transformers."""
    target = onnx_path(model)
    if target.is_file():
        return target
    import torch
    from sentence_transformers import SentenceTransformer
    from transformers import AutoModel, AutoTokenizer

    transformer = AutoModel.from_pretrained(model).eval()
    tokenizer = AutoTokenizer.from_pretrained(model)
    sample = tokenizer(list(CHECK_SENTENCES[:2]), return_tensors="pt", padding=True)

    class LastHiddenState(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, input_ids, attention_mask, token_type_ids):  # noqa: ANN001, ANN202 (torch)
            output = self.transformer(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            )
            return output.last_hidden_state

    target.parent.mkdir(parents=True, exist_ok=True)
    handle, staging = tempfile.mkstemp(suffix=".onnx", dir=target.parent)
    os.close(handle)
    try:
        dynamic = {name: {0: "batch", 1: "tokens"} for name in (*INPUTS, "last_hidden_state")}
        torch.onnx.export(
            LastHiddenState(),
            tuple(sample[name] for name in INPUTS),
            staging,
            input_names=list(INPUTS),
            output_names=["last_hidden_state"],
            dynamic_axes=dynamic,
            opset_version=17,
            dynamo=False,
        )
        expected = SentenceTransformer(model, device="cpu").encode(
            list(CHECK_SENTENCES), normalize_embeddings=True, convert_to_numpy=True
        )
        got = OnnxEncoder(model, threads, Path(staging)).queries(list(CHECK_SENTENCES))
        difference = float(np.abs(got - expected).max())
        if difference > EXPORT_TOLERANCE:
            raise RuntimeError(f"the ONNX export of {model} differs from torch by {difference:.2g}")
        os.chmod(staging, 0o644)
        os.replace(staging, target)
    finally:
        Path(staging).unlink(missing_ok=True)
    return target
