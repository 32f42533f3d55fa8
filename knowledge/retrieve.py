"""Hybrid retrieval over the index: dense (FAISS cosine) + BM25, fused per language.

    Hit                   one retrieved chunk with its scores and a confidence in [0, 1]
    RetrievalConfig       fusion weights, confidence scale and threshold (knowledge/retrieval.yml)
    load_config()         read retrieval.yml
    Analyzer              BM25 tokens for one language: stopwords, Snowball stems, no accents
    Retriever
    ├── load()            check and load the index once (raises IndexNotReady)
    └── search()          the best chunks for a question in a language, English as fall-back

Ranking: reciprocal rank fusion of the dense and BM25 rankings, multiplied by a boost for
chunks of the disease in context. Confidence (what the answer threshold compares) mixes the
cosine, rescaled, with the share of the question's BM25 weight the chunk covers; the dense
part weighs less in French because the default embedding model is English-trained.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import bm25s
import faiss
import numpy as np
import Stemmer
import yaml
from bm25s.stopwords import STOPWORDS_EN, STOPWORDS_FRENCH

from knowledge.index import Chunk, check_index, embed, load_encoder, read_index
from knowledge.settings import get_settings

# The calibrated numbers live as data beside this module (written by `calibrate`).
CONFIG_PATH = Path(__file__).with_name("retrieval.yml")
# English content is the fall-back when a language has no (confident) answer.
FALLBACK_LANGUAGE = "en"
# Snowball stemmers by language code.
STEMMERS = {"en": "english", "fr": "french"}
# Question words and fillers that the NLTK lists lack: they match every entry equally.
EXTRA_STOPWORDS = {
    "en": {"would", "could", "should", "may", "might", "must", "also", "one", "get", "tell",
           "know", "please", "thing", "things", "need", "want", "like", "much", "many"},
    "fr": {"comment", "quel", "quelle", "quels", "quelles", "quoi", "est-ce", "peut", "peux",
           "puis", "faut", "dois", "doit", "être", "avoir", "fait", "faire", "cela", "ça",
           "ca", "si", "plus", "très", "tres", "aussi", "bien", "tout", "tous", "toute",
           "toutes", "chez", "dire", "savoir", "voudrais", "veux", "merci", "svp", "alors"},
}  # fmt: skip
# Irregular English plurals the stemmer leaves apart from their singular.
IRREGULAR = {"en": {"children": "child", "women": "woman", "men": "man", "feet": "foot"}}
# Words: letters and digits; apostrophes and hyphens split (l'aorte, Rendu-Osler).
TOKEN = re.compile(r"\w+")
# Hyphenated French stopwords ("est-ce") are matched as their parts.
HYPHENATED = re.compile(r"-")


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk: its fields, the fused `score`, the raw `dense` cosine and
    `bm25` score, and a `confidence` in [0, 1] to compare with the answer threshold."""

    chunk_id: str
    entry_id: str
    language: str
    disease: str | None
    condition: str | None
    topic: str
    title: str
    text: str
    url: str
    sources: list[str]
    reviewed: str
    score: float
    dense: float
    bm25: float
    confidence: float


@dataclass(frozen=True)
class RetrievalConfig:
    """Fusion weights, confidence scale and answer threshold (see retrieval.yml)."""

    rrf_k: float = 10.0
    dense_weight: float = 1.0
    bm25_weight: float = 1.0
    disease_boost: float = 1.3
    candidates: int = 50
    dense_floor: float = 0.2
    dense_ceiling: float = 0.7
    dense_share: dict[str, float] = field(default_factory=lambda: {"en": 0.5, "fr": 0.3})
    threshold: float = 0.4
    calibration: dict[str, Any] = field(default_factory=dict)


def load_config(path: Path = CONFIG_PATH) -> RetrievalConfig:
    """The retrieval settings of `path`, defaults for anything it leaves out."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else {}
    data = data or {}
    fusion = data.get("fusion") or {}
    confidence = data.get("confidence") or {}
    defaults = RetrievalConfig()
    return RetrievalConfig(
        rrf_k=float(fusion.get("rrf_k", defaults.rrf_k)),
        dense_weight=float(fusion.get("dense_weight", defaults.dense_weight)),
        bm25_weight=float(fusion.get("bm25_weight", defaults.bm25_weight)),
        disease_boost=float(fusion.get("disease_boost", defaults.disease_boost)),
        candidates=int(fusion.get("candidates", defaults.candidates)),
        dense_floor=float(confidence.get("dense_floor", defaults.dense_floor)),
        dense_ceiling=float(confidence.get("dense_ceiling", defaults.dense_ceiling)),
        dense_share={**defaults.dense_share, **(confidence.get("dense_share") or {})},
        threshold=float(data.get("threshold", defaults.threshold)),
        calibration=data.get("calibration") or {},
    )


CONFIG_TEMPLATE = """\
# Retrieval settings of the knowledge engine, read by knowledge/retrieve.py at load time.
# `python -m knowledge calibrate` rewrites this file: it keeps fusion and confidence as
# they are and sets `threshold` from the dev set (bench/devset/*.yml). Edit fusion and
# confidence by hand, then run `python -m bench.retrieval` and calibrate again.

fusion:
  # Reciprocal rank fusion: score = dense_weight/(rrf_k + dense rank) + bm25_weight/(rrf_k + BM25 rank).
  # A small rrf_k lets the first ranks count: the corpus is a few hundred chunks.
  rrf_k: {rrf_k}
  dense_weight: {dense_weight}
  bm25_weight: {bm25_weight}
  # Fused score multiplier for chunks of the disease in context (follow-up questions).
  disease_boost: {disease_boost}
  # Ranks past this depth do not count in the fusion.
  candidates: {candidates}

confidence:
  # confidence = share * rescaled cosine + (1 - share) * share of the question's BM25
  # (IDF) weight found in the chunk; the cosine is rescaled from [floor, ceiling] to [0, 1].
  dense_floor: {dense_floor}
  dense_ceiling: {dense_ceiling}
  # The embedding model is English-trained: its cosine says less in French.
  dense_share: {dense_share}

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
    values["calibration"] = (
        "".join(f"\n  {name}: {json.dumps(value)}" for name, value in config.calibration.items()) or " {}"
    )
    path.write_text(CONFIG_TEMPLATE.format(**values), encoding="utf-8")


def fold_accents(text: str) -> str:
    """`text` without diacritics (é → e), so queries typed without accents still match."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


class Analyzer:
    """Turns text into BM25 terms for one language: lower case, stopwords out,
    Snowball stems, accents folded after stemming."""

    def __init__(self, language: str) -> None:
        self.language = language
        self._stemmer = Stemmer.Stemmer(STEMMERS.get(language, STEMMERS[FALLBACK_LANGUAGE]))
        base = STOPWORDS_FRENCH if language == "fr" else STOPWORDS_EN
        words = set(base) | EXTRA_STOPWORDS.get(language, set())
        words |= {part for word in words for part in HYPHENATED.split(word)}
        self._stopwords = words | {fold_accents(word) for word in words}
        self._irregular = IRREGULAR.get(language, {})

    def __call__(self, text: str) -> list[str]:
        """The terms of `text`, in order, repeated as often as they occur."""
        tokens = [
            self._irregular.get(token, token)
            for token in TOKEN.findall(text.lower())
            if token not in self._stopwords and (len(token) > 1 or token.isdigit())
        ]
        return [fold_accents(stem) for stem in self._stemmer.stemWords(tokens)]


class _LanguageIndex:
    """The chunks of one language: a FAISS sub-index, a BM25 index and term statistics."""

    def __init__(self, language: str, rows: list[int], vectors: np.ndarray, chunks: list[Chunk]) -> None:
        self.language = language
        self.rows = rows
        self.analyzer = Analyzer(language)
        self.dense = faiss.IndexFlatIP(vectors.shape[1])
        self.dense.add(np.ascontiguousarray(vectors[rows]))
        documents = [self.analyzer(chunks[row].document) for row in rows]
        self.bm25 = bm25s.BM25(k1=1.2, b=0.75)
        self.bm25.index(documents, show_progress=False)
        frequency = Counter(term for document in documents for term in set(document))
        size = len(documents)
        self.idf = {term: _idf(size, count) for term, count in frequency.items()}
        self.unseen_idf = _idf(size, 0)
        self.terms = [set(document) for document in documents]

    def dense_scores(self, query_vector: np.ndarray) -> np.ndarray:
        """Cosine of the query with every chunk, in row order."""
        scores, positions = self.dense.search(query_vector, len(self.rows))
        cosines = np.zeros(len(self.rows), dtype="float32")
        cosines[positions[0]] = scores[0]
        return cosines

    def bm25_scores(self, terms: list[str]) -> np.ndarray:
        """Raw BM25 score of every chunk, in row order (zeros when no term is known)."""
        known = [term for term in terms if term in self.bm25.vocab_dict]
        if not known:
            return np.zeros(len(self.rows), dtype="float32")
        return np.asarray(self.bm25.get_scores(known), dtype="float32")

    def coverage(self, terms: list[str], position: int) -> float:
        """Share of the query's IDF weight that the chunk contains (unknown terms count fully)."""
        unique = set(terms)
        if not unique:
            return 0.0
        weights = {term: self.idf.get(term, self.unseen_idf) for term in unique}
        matched = sum(weight for term, weight in weights.items() if term in self.terms[position])
        return matched / sum(weights.values())


def _idf(documents: int, containing: int) -> float:
    """BM25 (Lucene) inverse document frequency."""
    return math.log(1 + (documents - containing + 0.5) / (containing + 0.5))


def _ranks(scores: np.ndarray, eligible: np.ndarray, depth: int) -> dict[int, int]:
    """1-based rank of the best `depth` eligible positions, by decreasing score."""
    order = [int(position) for position in np.argsort(-scores, kind="stable") if eligible[position]]
    return {position: rank for rank, position in enumerate(order[:depth], start=1)}


class Retriever:
    """Searches the curated entries; load once with `Retriever.load()`."""

    MODES = ("hybrid", "dense", "bm25")

    def __init__(
        self, chunks: list[Chunk], vectors: np.ndarray, encoder: Any, config: RetrievalConfig
    ) -> None:
        self.chunks = chunks
        self.config = config
        self.threshold = config.threshold
        self._encoder = encoder
        languages = sorted({chunk.language for chunk in chunks})
        self._languages = {
            language: _LanguageIndex(
                language,
                [row for row, chunk in enumerate(chunks) if chunk.language == language],
                vectors,
                chunks,
            )
            for language in languages
        }

    @classmethod
    def load(
        cls,
        index_dir: Path | None = None,
        model: str | None = None,
        content_dir: Path | None = None,
        config: RetrievalConfig | None = None,
    ) -> Retriever:
        """Load a ready index and the model (raises IndexNotReady if it is not ready)."""
        settings = get_settings()
        index_dir = index_dir or settings.index_dir
        model = model or settings.embedding_model
        check_index(index_dir, content_dir or settings.content_dir, model)
        index, chunks = read_index(index_dir)
        vectors = index.reconstruct_n(0, index.ntotal) if index.ntotal else np.zeros((0, index.d), "float32")
        retriever = cls(chunks, vectors, load_encoder(model), config or load_config())
        retriever.search("warm-up", FALLBACK_LANGUAGE)
        return retriever

    @property
    def languages(self) -> list[str]:
        """The languages that have content in the index."""
        return list(self._languages)

    def search(
        self,
        query: str,
        language: str,
        disease: str | None = None,
        k: int = 5,
        mode: str = "hybrid",
    ) -> list[Hit]:
        """The `k` best chunks for `query` in `language`, or in English when the language
        has no content or no hit reaches the threshold. `disease` (the disease in context)
        boosts that disease's chunks; `mode` "dense" or "bm25" ranks by one signal only."""
        if mode not in self.MODES:
            raise ValueError(f"mode must be one of {', '.join(self.MODES)}, not {mode!r}")
        if not query.strip() or not self._languages:
            return []
        query_vector = embed(self._encoder, [query])
        hits: list[Hit] = []
        if language in self._languages:
            hits = self._search_language(query, query_vector, language, disease, k, mode)
        confident = bool(hits) and hits[0].confidence >= self.threshold
        if language != FALLBACK_LANGUAGE and not confident and FALLBACK_LANGUAGE in self._languages:
            fallback = self._search_language(query, query_vector, FALLBACK_LANGUAGE, disease, k, mode)
            if fallback and (not hits or fallback[0].confidence > hits[0].confidence):
                return fallback
        return hits

    def _search_language(
        self,
        query: str,
        query_vector: np.ndarray,
        language: str,
        disease: str | None,
        k: int,
        mode: str,
    ) -> list[Hit]:
        part = self._languages[language]
        terms = part.analyzer(query)
        dense = part.dense_scores(query_vector)
        bm25 = part.bm25_scores(terms)
        everything = np.ones(len(part.rows), dtype=bool)
        config = self.config
        fused = np.zeros(len(part.rows), dtype="float64")
        if mode in ("hybrid", "dense"):
            for position, rank in _ranks(dense, everything, config.candidates).items():
                fused[position] += config.dense_weight / (config.rrf_k + rank)
        if mode in ("hybrid", "bm25"):
            for position, rank in _ranks(bm25, bm25 > 0, config.candidates).items():
                fused[position] += config.bm25_weight / (config.rrf_k + rank)
        if disease:
            boosted = [self.chunks[row].disease == disease for row in part.rows]
            fused[np.asarray(boosted, dtype=bool)] *= config.disease_boost
        order = [int(position) for position in np.argsort(-fused, kind="stable") if fused[position] > 0]
        return [self._hit(part, position, terms, fused, dense, bm25) for position in order[:k]]

    def _hit(
        self,
        part: _LanguageIndex,
        position: int,
        terms: list[str],
        fused: np.ndarray,
        dense: np.ndarray,
        bm25: np.ndarray,
    ) -> Hit:
        config = self.config
        cosine = float(dense[position])
        span = max(config.dense_ceiling - config.dense_floor, 1e-6)
        dense_part = min(max((cosine - config.dense_floor) / span, 0.0), 1.0)
        share = config.dense_share.get(part.language, config.dense_share.get(FALLBACK_LANGUAGE, 0.5))
        confidence = share * dense_part + (1 - share) * part.coverage(terms, position)
        chunk = self.chunks[part.rows[position]]
        return Hit(
            **asdict(chunk),
            score=float(fused[position]),
            dense=cosine,
            bm25=float(bm25[position]),
            confidence=round(confidence, 4),
        )
