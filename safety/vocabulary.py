"""One language's red-flag vocabulary (safety/vocabulary/red_flags.<lang>.yml), compiled for
fast token matching: exact words, stems (``word*``), doubled-letter skeletons, digraph
spelling variants, German and Dutch compounds, and fuzzy matching for typos.

It also names the roles of concepts: which concepts are cues (they modify a match, never
trigger one) and how cues hide or cancel one another (used by annotation and suppression).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml
from rapidfuzz.distance import OSA

from safety.text import YEAR_RE, RawToken, normalise, skeleton

DATA_DIR = Path(__file__).resolve().parent / "vocabulary"
FUZZY_MIN_LEN = 5  # shorter tokens are never fuzzy-matched
TOKEN_CACHE_SIZE = 20000  # token -> matches, per language

# Concept names that act as cues (they modify, never trigger).
CUES = frozenset(
    {
        "negation",
        "negation_post",
        "answer_no",
        "negation_exception",
        "hypothetical",
        "info",
        "fear",
        "question_start",
        "history",
        "chronic",
        "mild",
        "now",
        "well_now",
        "present",
        "contrast",
        "continuation",
        "filler",
        "neutral",
        "emotional",
        "place",
        "modal",
        "causative",
        "perfect",
        "possession",
        "speech_context",
        "speech_development",
        "correspondent",
        "reply_object",
        "near_miss",
        "since_then",
    }
)
HYPOTHETICAL_CUES = ("hypothetical", "info", "fear")
# Informational / fear cues that a symptom the writer has cancels ("could this explain the
# terrible pain I have in my chest?", "la douleur atroce que j'ai dans le dos").
POSSESSION_CANCELS = frozenset({"info", "fear"})
# Cues too loose ("am ~ having") to hide another cue they overlap.
NON_HIDING = frozenset(
    {"present", "possession", "speech_context", "correspondent", "reply_object", "near_miss", "since_then"}
)
# Context cues written with the symptom words in them ("talk about", "parler de", "über ~
# sprechen", "quasi svenuta"): never hidden by a longer annotation they share a word with.
# ("speech_development" may hide a shorter cue: "pas encore" is not the "now" marker "encore".)
NEVER_HIDDEN = frozenset({"speech_context", "speech_development", "near_miss"})
# Cues hidden only by a longer symptom annotation, never by another cue: "kann" stays a
# modal inside the question opener "kann es", but not inside "kann ~ nicht ~ bewegen".
HIDDEN_BY_SYMPTOMS_ONLY = frozenset({"modal", "causative"})


@dataclass(frozen=True)
class _Term:
    concept: str
    words: tuple[str, ...]  # term tokens: "word", "stem*", "~", "<num>", "<year>"


class Vocabulary:
    """One language's compiled vocabulary (built once, see load_vocabulary)."""

    def __init__(self, language: str, data: dict) -> None:
        self.language = language
        self.abbreviations: dict[str, tuple[str, ...]] = {
            normalise(str(k)): tuple(normalise(str(v)).split())
            for k, v in (data.get("abbreviations") or {}).items()
        }
        self.decompound = bool(data.get("decompound", False))
        self.digraphs: dict[str, str] = {
            normalise(k): normalise(v) for k, v in (data.get("digraphs") or {}).items()
        }
        concepts = data.get("concepts") or {}
        self.concepts = frozenset(concepts)
        self.terms: list[_Term] = []
        for concept, entries in concepts.items():
            for entry in entries or ():
                words = tuple(normalise(str(entry)).replace("-", " ").replace("'", " ").split())
                if words and words[0] != "~":
                    self.terms.append(_Term(str(concept), words))
        self.by_first: dict[str, list[_Term]] = {}
        for term in self.terms:
            self.by_first.setdefault(term.words[0], []).append(term)
        term_words = {w for t in self.terms for w in t.words if w not in ("~", "<num>", "<year>")}
        self.exact = frozenset(w for w in term_words if not w.endswith("*"))
        self.stems = tuple(sorted(w[:-1] for w in term_words if w.endswith("*")))
        self.skeletons: dict[str, set[str]] = {}
        for w in self.exact:
            self.skeletons.setdefault(skeleton(w), set()).add(w)
        # stems indexed by first letter (of the stem, and of its skeleton)
        self.stems_by_first: dict[str, list[str]] = {}
        for s in self.stems:
            self.stems_by_first.setdefault(s[0], []).append(s)
        self.stem_skeletons: dict[str, list[tuple[str, str]]] = {}
        for s in self.stems:
            self.stem_skeletons.setdefault(s[0], []).append((skeleton(s), s))
        self.common = frozenset(normalise(str(w)) for w in data.get("common_words") or ())
        self.fuzzy_exact: dict[tuple[str, int], list[str]] = {}  # (first letter, length) -> words
        for w in self.exact:
            if len(w) >= FUZZY_MIN_LEN:
                self.fuzzy_exact.setdefault((w[0], len(w)), []).append(w)
        self._token_cache: dict[str, frozenset[str]] = {}
        self.fuzzy_stems: dict[str, dict[int, list[str]]] = {}  # first letter -> length -> stems
        for s in self.stems:
            if len(s) >= FUZZY_MIN_LEN - 1:
                self.fuzzy_stems.setdefault(s[0], {}).setdefault(len(s), []).append(s)

    # -- token level ------------------------------------------------------
    def _direct(self, tok: str) -> set[str]:
        found: set[str] = set()
        if tok in self.exact:
            found.add(tok)
        for s in self.stems_by_first.get(tok[:1], ()):
            if tok.startswith(s):
                found.add(s + "*")
        if tok in self.common:
            return found  # a known word: "ben" is not "been", "man" is not "mann"
        sk = skeleton(tok)
        for w in self.skeletons.get(sk, ()):
            found.add(w)
        for ssk, s in self.stem_skeletons.get(tok[:1], ()):
            if sk.startswith(ssk) and len(tok) > len(s) - 1:
                found.add(s + "*")
        return found

    def _fuzzy(self, tok: str) -> set[str]:
        found: set[str] = set()
        if len(tok) < FUZZY_MIN_LEN or tok in self.common:
            return found
        n = len(tok)
        for length in range(max(FUZZY_MIN_LEN, n - 2), n + 3):
            limit = 1 if length <= 7 else 2
            if abs(length - n) > limit:
                continue
            for w in self.fuzzy_exact.get((tok[0], length), ()):
                if OSA.distance(tok, w, score_cutoff=limit) <= limit:
                    found.add(w)
        # a stem matches when a prefix of the token is within one edit of it; with the first
        # letter equal, one edit leaves one of these letter pairs equal (cheap pre-filter)
        t1, t2 = tok[1], tok[2]
        for length, stems in self.fuzzy_stems.get(tok[0], {}).items():
            if n < length - 1:
                continue
            for s in stems:
                if not (t1 == s[1] or t2 == s[2] or t1 == s[2] or t2 == s[1]):
                    continue
                cuts = (length - 1, length, length + 1)
                if any(OSA.distance(tok[:cut], s, score_cutoff=1) <= 1 for cut in cuts):
                    found.add(s + "*")
        return found

    def token_matches(self, tok: str) -> frozenset[str]:
        """Term tokens (as written in the YAML) that a message token matches (cached)."""
        cached = self._token_cache.get(tok)
        if cached is None:
            if len(self._token_cache) >= TOKEN_CACHE_SIZE:
                self._token_cache.clear()
            cached = self._token_cache[tok] = self._token_matches(tok)
        return cached

    def _token_matches(self, tok: str) -> frozenset[str]:
        found: set[str] = set()
        if tok.isdigit():
            found.add("<num>")
            if YEAR_RE.match(tok):
                found.add("<year>")
        found |= self._direct(tok)
        # spelling variants ("ploetzlich" = "plötzlich", "pexo" = "pecho"), tried when needed
        alt = tok
        for a, b in self.digraphs.items():
            alt = alt.replace(a, b)
        variants = (tok,) if alt == tok else (tok, alt)
        if not found and alt != tok:
            found |= self._direct(alt)
        if self.decompound and len(tok) >= 7 and tok not in self.exact:
            for v in variants:  # also after a stem match: "brustschmerz" = brust + schmerz*
                found |= self._split_compound(v)
                if found:
                    break
        for v in variants:
            if found:
                break
            found |= self._fuzzy(v)
        return frozenset(found)

    def _split_compound(self, tok: str) -> set[str]:
        tail_only: set[str] = set()
        for i in range(3, len(tok) - 3):
            head, tail = tok[:i], tok[i:]
            tail_m = self._direct(tail) or (self._fuzzy(tail) if len(tail) >= 6 else set())
            if not tail_m:
                continue
            head_m = self._direct(head)
            if not head_m and head[-1] in "sn":
                head_m = self._direct(head[:-1])
            if head_m:
                return head_m | tail_m
            # With an unknown head, only a tail spelt right and at least half the word: the
            # "rieden" of "zufrieden" is no "reden", the "ritzen" of "Thrombosespritzen" no cut.
            if not tail_only and len(tail) >= max(4, len(tok) / 2) and self._direct(tail):
                tail_only = tail_m
        return tail_only

    def known_word_count(self, tokens: list[str]) -> int:
        """How many tokens are plainly words of this language (for language guessing)."""
        return sum(1 for t in tokens if t in self.common or t in self.exact)

    def expand(self, raw: list[RawToken]) -> list[RawToken]:
        """Replace SMS forms and contractions by their full words."""
        out: list[RawToken] = []
        for tok in raw:
            repl = self.abbreviations.get(tok.text)
            if repl is None:
                out.append(tok)
                continue
            for i, w in enumerate(repl):
                first = i == 0
                out.append(
                    RawToken(w, tok.start, tok.end, tok.sentence_break and first, tok.clause_break and first)
                )
        return out


@functools.cache
def load_vocabulary(language: str) -> Vocabulary:
    """Load and compile ``safety/vocabulary/red_flags.<language>.yml`` (cached)."""
    path = DATA_DIR / f"red_flags.{language}.yml"
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    return Vocabulary(language, data)

