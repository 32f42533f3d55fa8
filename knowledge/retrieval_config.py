"""The retrieval settings: fusion, confidence model and answer threshold (retrieval.yml).

    RetrievalConfig       fusion, confidence model and threshold (knowledge/retrieval.yml)
    load_config()         read retrieval.yml
    save_config()         write it back, comments included (used by `calibrate`)
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from common.languages import ENGLISH

# The calibrated numbers live as data beside this module (written by `calibrate`).
CONFIG_PATH = Path(__file__).with_name("retrieval.yml")
# How the dense and BM25 scores are fused (see retrieval.yml).
FUSION_METHODS = ("linear", "rrf")


@dataclass(frozen=True)
class RetrievalConfig:
    """Fusion, confidence model and answer threshold (see retrieval.yml for each meaning)."""

    method: str = "linear"
    dense_weight: dict[str, float] = field(default_factory=lambda: {"en": 0.8, "fr": 0.5})
    rrf_k: float = 5.0
    disease_boost: float = 1.5
    topic_boost: float = 1.2
    confidence: dict[str, dict[str, float]] = field(
        default_factory=lambda: {
            "en": {"bias": -1.26, "cosine": 1.67, "coverage": 0.95, "margin": 1.33, "terms": 0.46},
            "fr": {"bias": -2.95, "cosine": 1.55, "coverage": 1.62, "margin": 2.12, "terms": 1.02},
        }
    )
    threshold: float = 0.6
    calibration: dict[str, Any] = field(default_factory=dict)

    def for_language(self, table: dict[str, Any], language: str) -> Any:
        """A per-language value, English's for a language the table leaves out."""
        return table.get(language, table[ENGLISH])


def load_config(path: Path = CONFIG_PATH) -> RetrievalConfig:
    """The retrieval settings of `path`, defaults for anything it leaves out."""
    data = (yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else None) or {}
    fusion = data.get("fusion") or {}
    defaults = RetrievalConfig()
    config = RetrievalConfig(
        method=str(fusion.get("method", defaults.method)),
        dense_weight={**defaults.dense_weight, **(fusion.get("dense_weight") or {})},
        rrf_k=float(fusion.get("rrf_k", defaults.rrf_k)),
        disease_boost=float(fusion.get("disease_boost", defaults.disease_boost)),
        topic_boost=float(fusion.get("topic_boost", defaults.topic_boost)),
        confidence={**defaults.confidence, **(data.get("confidence") or {})},
        threshold=float(data.get("threshold", defaults.threshold)),
        calibration=data.get("calibration") or {},
    )
    if config.method not in FUSION_METHODS:
        raise ValueError(f"{path}: fusion.method must be one of {', '.join(FUSION_METHODS)}")
    return config


CONFIG_TEMPLATE = """\
# Retrieval settings of the knowledge engine, read by knowledge/retrieve.py at load time.
# `python -m knowledge calibrate` rewrites this file from the dev set (bench/devset/*.yml):
# it keeps `fusion` as it is, fits `confidence` and picks `threshold`. To change fusion,
# edit it here, check `python -m bench.retrieval`, then calibrate again.

fusion:
  # linear: score = w * cosine + (1 - w) * BM25 / best BM25 of the question
  # rrf:    score = w / (rrf_k + dense rank) + (1 - w) / (rrf_k + BM25 rank)
  # linear is the default: it keeps how far apart the scores are. On the dev set, rrf with
  # its own best weights matched it at rank 3 but put the right entry first less often and
  # did worse on held-out halves; with the weights below it ranks worse (see the bench).
  method: {method}
  # w by language: the embedding model is English-trained, so French leans on BM25.
  dense_weight: {dense_weight}
  rrf_k: {rrf_k}
  # Score multiplier for chunks of the disease in context, so a follow-up ("and in
  # children?") stays with that disease; general content (disease null) stays eligible.
  disease_boost: {disease_boost}
  # Score multiplier for entries whose topic the question's cue words ask for ("what is"
  # -> overview, "et pendant la grossesse ?" -> pregnancy): knowledge/topic_cues.yml.
  topic_boost: {topic_boost}

# The confidence of a hit estimates the chance that its entry answers the question:
#   1 / (1 + exp(-(bias + cosine * c + coverage * v + margin * m + ln(1 + terms) * t)))
# cosine: of the question with the chunk; coverage: share of the question's stem (IDF)
# weight found in the chunk; margin: fused score minus the best score of any other entry;
# terms: distinct stems of the question (a bare "and in children?" says too little).
# A logistic regression per language, fitted by `calibrate` on the dev set (top hits,
# right entry or not); French has its own because its cosines say less.
confidence:{confidence}

# Answer only when the best hit's confidence is at least this; below it the assistant
# says it has no reliable answer. Chosen by `calibrate` to minimise the cost below.
threshold: {threshold}

# The dev-set figures at that threshold: wrong answers (unanswerable question answered,
# or wrong top entry) cost cost_wrong_answer, refusing an answerable question cost_refusal.
calibration:{calibration}
"""


def save_config(config: RetrievalConfig, path: Path = CONFIG_PATH) -> None:
    """Write `config` to `path` as the commented YAML of CONFIG_TEMPLATE."""
    # JSON is YAML in flow style: one line per value, no document markers.
    values = {name: json.dumps(value) for name, value in asdict(config).items()}
    for name in ("confidence", "calibration"):
        table = getattr(config, name)
        values[name] = "".join(f"\n  {key}: {json.dumps(value)}" for key, value in table.items()) or " {}"
    path.write_text(CONFIG_TEMPLATE.format(**values), encoding="utf-8")
