"""The chunks of one language as the retriever searches them: a FAISS sub-index of their
vectors, a BM25 index of their terms, and their stem statistics.

    Analyzer         BM25 terms for one language: Snowball stems + character trigrams
    LanguageIndex    dense and BM25 scores of every chunk of a language, stem coverage
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter

import bm25s
import faiss
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_EN_PLUS, STOPWORDS_FRENCH

from common.languages import ENGLISH
from knowledge.index import Chunk

# BM25 term-frequency saturation and length normalisation (the usual values; a grid on
# the dev set moved recall by less than one question).
BM25_K1 = 1.2
BM25_B = 0.75
# Titles say in a few words what an entry answers: BM25 counts their terms this many
# times (3 ranked the right entry first most often on the dev set; 1-6 tried).
TITLE_WEIGHT = 3
# Character n-gram size added to the stems: trigrams did best on the French dev questions.
GRAM = 3
# Snowball stemmers by language code.
STEMMERS = {"en": "english", "fr": "french"}
# Question words and fillers that the NLTK stopword lists lack: they say nothing of the topic.
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


def fold_accents(text: str) -> str:
    """`text` without diacritics (é → e), so queries typed without accents still match."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


class Analyzer:
    """Turns text into BM25 terms for one language: the Snowball stems of the words that
    are not stopwords, plus their character trigrams, which match what stemming misses
    (dépistage / dépister, misspellings, words typed without accents)."""

    def __init__(self, language: str) -> None:
        self.language = language
        self._stemmer = Stemmer.Stemmer(STEMMERS.get(language, STEMMERS[ENGLISH]))
        base = STOPWORDS_FRENCH if language == "fr" else STOPWORDS_EN_PLUS
        words = set(base) | EXTRA_STOPWORDS.get(language, set())
        words |= {part for word in words for part in HYPHENATED.split(word)}
        self._stopwords = words | {fold_accents(word) for word in words}
        self._irregular = IRREGULAR.get(language, {})

    def words(self, text: str) -> list[str]:
        """The lower-case words of `text` that are not stopwords, in order."""
        return [
            self._irregular.get(word, word)
            for word in TOKEN.findall(text.lower())
            if word not in self._stopwords and (len(word) > 1 or word.isdigit())
        ]

    def stems(self, words: list[str]) -> list[str]:
        """Snowball stems of `words`, accents folded after stemming."""
        return [fold_accents(stem) for stem in self._stemmer.stemWords(words)]

    def __call__(self, text: str) -> list[str]:
        """The BM25 terms of `text`: stems, then trigrams marked with a leading `~`."""
        words = self.words(text)
        grams = [
            f"~{marked[start : start + GRAM]}"
            for marked in (f"_{fold_accents(word)}_" for word in words)
            for start in range(max(len(marked) - GRAM + 1, 1))
        ]
        return self.stems(words) + grams


class LanguageIndex:
    """The chunks of one language: a FAISS sub-index, a BM25 index, stem statistics."""

    def __init__(
        self,
        language: str,
        rows: list[int],
        vectors: np.ndarray,
        chunks: list[Chunk],
        cross_vectors: np.ndarray | None = None,
    ) -> None:
        self.language = language
        self.rows = rows
        self.analyzer = Analyzer(language)
        self.dense = faiss.IndexFlatIP(vectors.shape[1])
        self.dense.add(np.ascontiguousarray(vectors[rows]))
        # The same chunks by the cross-lingual encoder (English only): questions in other languages.
        self.cross = None
        if cross_vectors is not None:
            self.cross = faiss.IndexFlatIP(cross_vectors.shape[1])
            self.cross.add(np.ascontiguousarray(cross_vectors))
        documents = [chunks[row].document for row in rows]
        titled = ["\n".join([chunks[row].title] * TITLE_WEIGHT + [chunks[row].text]) for row in rows]
        self.bm25 = bm25s.BM25(k1=BM25_K1, b=BM25_B)
        self.bm25.index([self.analyzer(document) for document in titled], show_progress=False)
        self.stems = [set(self.analyzer.stems(self.analyzer.words(document))) for document in documents]
        frequency = Counter(stem for stems in self.stems for stem in stems)
        self.idf = {stem: _idf(len(rows), count) for stem, count in frequency.items()}
        self.unseen_idf = _idf(len(rows), 0)
        # The (condition, topic) cells of the content grid this language has entries for;
        # network-wide entries (disease null) are the cells (None, topic).
        self.cells = {
            (chunks[row].condition, chunks[row].topic)
            for row in rows
            if chunks[row].condition or chunks[row].disease is None
        }

    def dense_scores(self, query_vector: np.ndarray, crosslingual: bool = False) -> np.ndarray:
        """Cosine of the query with every chunk, in row order (by the cross-lingual vectors
        when `crosslingual`)."""
        index = self.cross if crosslingual else self.dense
        scores, positions = index.search(query_vector, len(self.rows))
        cosines = np.zeros(len(self.rows), dtype="float32")
        cosines[positions[0]] = scores[0]
        return cosines

    def bm25_scores(self, terms: list[str]) -> np.ndarray:
        """Raw BM25 score of every chunk, in row order (zeros when no term is known)."""
        known = [term for term in terms if term in self.bm25.vocab_dict]
        if not known:
            return np.zeros(len(self.rows), dtype="float32")
        return np.asarray(self.bm25.get_scores(known), dtype="float32")

    def coverage(self, stems: set[str], position: int) -> float:
        """Share of the query's IDF weight whose stems the chunk contains; stems found in
        no chunk weigh the most, so off-topic questions score low."""
        if not stems:
            return 0.0
        weights = {stem: self.idf.get(stem, self.unseen_idf) for stem in stems}
        matched = sum(weight for stem, weight in weights.items() if stem in self.stems[position])
        return matched / sum(weights.values())


def _idf(documents: int, containing: int) -> float:
    """BM25 (Lucene) inverse document frequency."""
    return math.log(1 + (documents - containing + 0.5) / (containing + 0.5))
