"""Hybrid retrieval over the index: dense (FAISS cosine) + BM25, fused per language.

    Hit                   one retrieved chunk with its scores and a confidence in [0, 1]
    Retriever
    ├── load()            check and load the index once (raises IndexNotReady)
    └── search()          the best chunks for a question in a language, English as fall-back

Ranking: per language, the cosine and the BM25 score (scaled by the question's best) are
mixed with a per-language weight (or, if configured, by reciprocal rank fusion), then the
chunks of the disease in context get a boost. Confidence, which the answer threshold is
compared with, is a logistic model of cosine, stem coverage and margin over the next entry,
fitted per language by `python -m knowledge calibrate`.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from common.languages import ENGLISH
from knowledge.entries import REQUIRED_LANGUAGES
from knowledge.index import Chunk, check_index, embed, load_encoder, read_crosslingual, read_index
from knowledge.language_index import LanguageIndex
from knowledge.retrieval_config import RetrievalConfig, load_config
from knowledge.route import (
    BROADER,
    cell_for_topics,
    follow_up_topics,
    mentions,
    routed_cell,
    routed_network_entry,
)
from knowledge.settings import get_settings
from knowledge.topic_model import TopicModel, load_topic_model
from knowledge.topics import cued_topics

# English content is the fall-back when a language has no (confident) answer.
FALLBACK_LANGUAGE = ENGLISH
# A chunk of the cell a question is routed to (knowledge/route.py) ranks above the others by
# this much of fused score, and is answered with at least this confidence: the question named
# its condition and what it wants, so the content grid, not similarity, picks the entry
# (the margins and the calibration leave the bonus out).
ROUTED_BONUS = 10.0
ROUTED_CONFIDENCE = 0.9
@dataclass(frozen=True)
class Hit(Chunk):
    """A retrieved chunk: its fields, the fused `score`, the raw `dense` cosine and `bm25`
    score, the `coverage` of the question's stems, the `margin` of its score over the best
    other entry, the question's distinct stems (`terms`), and a `confidence` in [0, 1]
    computed from those to compare with the answer threshold; `routed` when the question
    named this chunk's condition and topic (knowledge/route.py)."""

    score: float
    dense: float
    bm25: float
    coverage: float
    margin: float
    terms: int
    confidence: float
    routed: bool = False


def confidence_features(signals: dict[str, float]) -> dict[str, float]:
    """The inputs of the confidence model: the signals, with the term count as ln(1 + n)."""
    return {
        "cosine": signals["cosine"],
        "coverage": signals["coverage"],
        "margin": signals["margin"],
        "terms": math.log1p(signals["terms"]),
    }


def _ranks(scores: np.ndarray) -> np.ndarray:
    """1-based rank of each position by decreasing score."""
    ranks = np.empty(len(scores), dtype="float64")
    ranks[np.argsort(-scores, kind="stable")] = np.arange(1, len(scores) + 1)
    return ranks


def _two_best_entries(order: list[int], fused: np.ndarray, entries: list[str]) -> list[tuple[str, float]]:
    """The two best distinct entries with their best score, from positions in rank order."""
    leaders: list[tuple[str, float]] = []
    for position in order:
        if all(entries[position] != entry for entry, _ in leaders):
            leaders.append((entries[position], float(fused[position])))
            if len(leaders) == 2:
                break
    return leaders


def _named_disease(query: str) -> str | None:
    """The one disease group the question names ("marfan transmission enfants" -> HTAD)."""
    groups = {mention.code for mention in mentions(query) if mention.code}
    return groups.pop() if len(groups) == 1 else None


class Retriever:
    """Searches the curated entries; load once with `Retriever.load()`."""

    MODES = ("hybrid", "dense", "bm25")

    def __init__(
        self,
        chunks: list[Chunk],
        vectors: np.ndarray,
        encoder: Any,
        config: RetrievalConfig,
        crosslingual: tuple[Any, np.ndarray] | None = None,
        topics: TopicModel | None = None,
    ) -> None:
        """`crosslingual`: the cross-lingual encoder and its vectors of the English chunks;
        without it, questions in translated languages fall back to English search.
        `topics`: the topic model the router follows when no cue word speaks (else cues only)."""
        self.chunks = chunks
        self._topics = topics
        self.config = config
        self.threshold = config.threshold
        self._encoder = encoder
        self._cross_encoder = crosslingual[0] if crosslingual else None
        languages = sorted({chunk.language for chunk in chunks})
        self._languages = {
            language: LanguageIndex(
                language,
                [row for row, chunk in enumerate(chunks) if chunk.language == language],
                vectors,
                chunks,
                crosslingual[1] if crosslingual and language == FALLBACK_LANGUAGE else None,
            )
            for language in languages
        }
        self._by_chunk_id = {chunk.chunk_id: chunk for chunk in chunks}

    def _in_language(self, hit: Hit, language: str) -> Hit:
        """The same chunk of the same entry in `language` (its first chunk when the
        translation is cut differently), keeping the hit's scores; the hit itself if the
        entry has no `language` version."""
        number = hit.chunk_id.rsplit("#", 1)[1]
        twin = self._by_chunk_id.get(f"{hit.entry_id}.{language}#{number}") or self._by_chunk_id.get(
            f"{hit.entry_id}.{language}#0"
        )
        return replace(hit, **asdict(twin)) if twin else hit

    @classmethod
    def load(
        cls,
        index_dir: Path | None = None,
        model: str | None = None,
        content_dir: Path | None = None,
        config: RetrievalConfig | None = None,
    ) -> Retriever:
        """Load a ready index and the models (raises IndexNotReady if it is not ready)."""
        settings = get_settings()
        index_dir = index_dir or settings.index_dir
        model = model or settings.embedding_model
        manifest = check_index(index_dir, content_dir or settings.content_dir, model)
        index, chunks = read_index(index_dir)
        vectors = index.reconstruct_n(0, index.ntotal) if index.ntotal else np.zeros((0, index.d), "float32")
        crosslingual = (
            load_encoder(manifest["crosslingual_model"]),
            read_crosslingual(index_dir, chunks),
        )
        topics = load_topic_model(settings.topic_model_dir)
        retriever = cls(chunks, vectors, load_encoder(model), config or load_config(), crosslingual, topics)
        retriever.search("warm-up", FALLBACK_LANGUAGE)
        retriever.search("Aufwärmen", "de")
        return retriever

    def search(
        self,
        query: str,
        language: str,
        disease: str | None = None,
        k: int = 5,
        mode: str = "hybrid",
        condition: str | None = None,
    ) -> list[Hit]:
        """The `k` best chunks for `query` in `language`. When the language has no content,
        or no hit of its own reaches the threshold and an English one does, the English
        search decides, and its hits come back as the same entries in `language` where they
        exist, so replies never mix languages. A question in a translated language
        (de, it, es, nl) is matched against the English content by the cross-lingual
        encoder, with that language's weights and confidence model. `disease` (the disease
        in context, else the one the question names) boosts that disease's chunks; `condition`
        (the condition of that disease an earlier message named) takes a follow-up to its own
        cell; `mode` "dense" or "bm25" ranks by one signal only."""
        if mode not in self.MODES:
            raise ValueError(f"mode must be one of {', '.join(self.MODES)}, not {mode!r}")
        if not query.strip() or not self._languages:
            return []
        # Only the conversation's disease restricts the search; one the question names boosts.
        restrict = disease is not None
        disease = disease or _named_disease(query)
        if language not in REQUIRED_LANGUAGES and self._cross_encoder is not None:
            cross_vector = embed(self._cross_encoder, [query], queries=True)
            hits = self._search_language(
                query,
                cross_vector,
                FALLBACK_LANGUAGE,
                disease,
                restrict,
                k,
                mode,
                profile=language,
                condition=condition,
            )
            return [self._in_language(hit, language) for hit in hits]
        query_vector = embed(self._encoder, [query], queries=True)
        hits: list[Hit] = []
        if language in self._languages:
            hits = self._search_language(
                query, query_vector, language, disease, restrict, k, mode, condition=condition
            )
        confident = bool(hits) and hits[0].confidence >= self.threshold
        if language != FALLBACK_LANGUAGE and not confident and FALLBACK_LANGUAGE in self._languages:
            fallback = self._search_language(
                query, query_vector, FALLBACK_LANGUAGE, disease, restrict, k, mode, condition=condition
            )
            if fallback and (not hits or fallback[0].confidence >= self.threshold):
                return [self._in_language(hit, language) for hit in fallback]
        return hits

    def _fuse(self, language: str, dense: np.ndarray, bm25: np.ndarray, mode: str) -> np.ndarray:
        """One score per chunk: a single signal, or both fused by the configured method."""
        if mode == "dense":
            return dense.astype("float64")
        if mode == "bm25":
            return bm25.astype("float64")
        weight = self.config.for_language(self.config.dense_weight, language)
        if self.config.method == "rrf":
            k = self.config.rrf_k
            lexical = np.where(bm25 > 0, (1 - weight) / (k + _ranks(bm25)), 0.0)
            return weight / (k + _ranks(dense)) + lexical
        best = float(bm25.max(initial=0.0))
        lexical = bm25 / best if best > 0 else np.zeros_like(bm25)
        return weight * dense.astype("float64") + (1 - weight) * lexical

    def _search_language(
        self,
        query: str,
        query_vector: np.ndarray,
        language: str,
        disease: str | None,
        restrict: bool,
        k: int,
        mode: str,
        profile: str | None = None,
        condition: str | None = None,
    ) -> list[Hit]:
        """The best chunks of `language`; `profile`, the language of a question matched
        across languages, picks the cross-lingual vectors, the weights and the confidence;
        `condition`, the condition in context, for follow-ups."""
        part = self._languages[language]
        dense = part.dense_scores(query_vector, crosslingual=profile is not None)
        bm25 = part.bm25_scores(part.analyzer(query))
        fused = self._fuse(profile or language, dense, bm25, mode)
        if disease:
            boosted = np.array([self.chunks[row].disease == disease for row in part.rows]) & (fused > 0)
            fused = np.where(boosted, fused * self.config.disease_boost, fused)
        topics = cued_topics(query, profile or language)
        if topics:
            cued = np.array([self.chunks[row].topic in topics for row in part.rows]) & (fused > 0)
            fused = np.where(cued, fused * self.config.topic_boost, fused)
        eligible = bm25 > 0 if mode == "bm25" else np.ones(len(fused), dtype=bool)
        if restrict:  # a follow-up never answers about another disease ("is it hereditary?")
            eligible &= np.array([self.chunks[row].disease in (disease, None) for row in part.rows])
        ranking = fused
        # a network question is general, whatever the context or the condition it names
        network = routed_network_entry(query, profile or language) if mode == "hybrid" else None
        cell = None
        if network is None and mode == "hybrid":
            cell = routed_cell(query, profile or language, part.cells, self._topics)
        if cell is None and network is None and restrict and mode == "hybrid":
            cell = self._follow_up_cell(query, profile or language, part, disease, condition)
        if cell is not None or network is not None:  # the question says what it wants: that first
            in_cell = np.array([self._routed(row, cell, network) for row in part.rows])
            ranking = np.where(in_cell, fused + ROUTED_BONUS, fused)
        order = [int(position) for position in np.argsort(-ranking, kind="stable") if eligible[position]]
        # Margins (a confidence signal) compare similarity scores, without the routing bonus.
        by_score = [int(position) for position in np.argsort(-fused, kind="stable") if eligible[position]]
        leaders = _two_best_entries(by_score, fused, [self.chunks[row].entry_id for row in part.rows])
        stems = set(part.analyzer.stems(part.analyzer.words(query)))
        hits = []
        for position in order[:k]:
            chunk = self.chunks[part.rows[position]]
            routed = self._routed(part.rows[position], cell, network)
            rival = next((score for entry, score in leaders if entry != chunk.entry_id), 0.0)
            signals = {
                "cosine": float(dense[position]),
                "coverage": part.coverage(stems, position),
                "margin": float(fused[position]) - rival,
                "terms": len(stems),
            }
            hits.append(
                Hit(
                    **asdict(chunk),
                    score=float(fused[position]),
                    dense=signals["cosine"],
                    bm25=float(bm25[position]),
                    coverage=round(signals["coverage"], 4),
                    margin=round(signals["margin"], 4),
                    terms=len(stems),
                    confidence=max(self._confidence(profile or language, signals), ROUTED_CONFIDENCE)
                    if routed
                    else self._confidence(profile or language, signals),
                    routed=routed,
                )
            )
        return hits

    def _follow_up_cell(
        self,
        query: str,
        language: str,
        part: LanguageIndex,
        disease: str | None,
        condition: str | None = None,
    ) -> tuple[str, str] | None:
        """The cell a follow-up asks for: the cued topic's cell of the condition in context
        (or of its broader condition); without one, of the disease in context when one
        condition of that disease has it (a broader condition's cell gives way); with
        several, the search decides."""
        asked = follow_up_topics(query, language, self._topics)
        if condition is not None:
            return cell_for_topics(condition, asked, part.cells)
        for topics in asked:
            for topic in topics:
                conditions = {
                    self.chunks[row].condition
                    for row in part.rows
                    if self.chunks[row].disease == disease
                    and self.chunks[row].topic == topic
                    and self.chunks[row].condition
                }
                specific = conditions - {b for c in conditions for b in BROADER.get(c, ())}
                if len(specific) == 1:
                    return specific.pop(), topic
                if conditions:
                    return None
        return None

    def _routed(self, row: int, cell: tuple[str, str] | None, network: str | None) -> bool:
        """Whether chunk `row` is in the routed `cell` or is the routed `network` entry."""
        chunk = self.chunks[row]
        return (chunk.condition, chunk.topic) == cell or chunk.entry_id == network

    def _confidence(self, language: str, signals: dict[str, float]) -> float:
        """The chance, by the calibrated model of `language`, that a hit with these
        signals (cosine, coverage, margin, terms) answers it; a weight the model lacks is 0."""
        model = self.config.for_language(self.config.confidence, language)
        features = confidence_features(signals)
        z = model["bias"] + sum(model.get(name, 0.0) * value for name, value in features.items())
        return round(1 / (1 + math.exp(-z)), 4)
