"""Patient-safety red-flag detector for the VASCERN patient assistant.

Runs on every user message (wrapped by a Rasa component elsewhere) and says
whether the message describes an emergency happening now, so that the bot
sends the emergency-number message before anything else.  Pure Python:
stdlib + pyyaml + rapidfuzz, no rasa import.

How it works
------------
1. Data.  ``bot/safety/red_flags.<lang>.yml`` (en, fr, de, it, es, nl) hold
   the words, curated by clinicians: ``concepts`` (lists of terms per concept
   such as ``pain``, ``trunk``, ``acute``, ``negation``, ``history``,
   ``emotional``, ``modal``, ``perfect``...),
   ``abbreviations`` (SMS forms and contractions; an empty value drops the
   token), ``common_words`` (used to guess the language; never fuzzy- or
   skeleton-corrected) and options (``decompound``; ``digraphs``, spelling
   variants such as German "oe" = "ö", Spanish SMS "x" = "ch").  Term
   syntax: words separated by spaces; ``word*`` is a prefix (stem); ``~`` is a
   gap of 0..4 arbitrary words (``~ ~``: 0..8); ``<num>`` and ``<year>`` match
   numbers.
   The Python below holds only the algorithm and the concept-level rules.
2. Normalisation.  Lower-case, accents stripped, letters repeated 3+ times
   collapsed, contractions joined ("can't" -> "cant"), elisions split
   ("l'aorte" -> "l aorte"); sentence breaks on . ! ? ; and new lines (not
   after a number, except a year, or a one-letter abbreviation: "30. SSW",
   "z.B."; "in 2019. He" does break), clause
   breaks on commas/colons/brackets and on contrast words ("but", "mais"...).
3. Token matching (cached per language and token): exact, prefix (stem),
   "skeleton" equality (all doubled letters collapsed: "bleding" = "bleeding",
   "improviso" = "improvviso"), digraph variants, then rapidfuzz OSA distance
   on tokens of length >= 5 with the same first letter (1 edit up to 7
   letters, 2 beyond; a stem matches a token prefix within 1 edit); German and
   Dutch compounds are split ("Brustschmerzen" = brust + schmerzen), also
   when the token already matched a stem.
4. Concept annotation: every term of every concept is matched as a phrase;
   the words a ``~`` gap skips are not part of the annotation, and a gap may
   not skip the start of a hypothetical/informational cue.  Neutral phrases
   hide the words they cover ("blood test"); ``emotional`` phrases hide the
   annotations whose words they contain ("je suis effondrée", "my world
   collapsed", "sono crollata") unless the sentence names a physical ``place``
   ("effondrée au sol"); cue annotations (negation, history...) that share a
   word with a longer annotation of another concept are dropped ("can not move"
   is weakness, not a negation; ``modal`` and ``causative`` only by a symptom;
   never ``speech_context``, ``speech_development`` or ``near_miss``, which are
   written with the symptom word in them: "talk about", "quasi svenuta"); a
   ``continuation`` word right after a comma keeps its role ("..., come un
   dolore improvviso").
5. Rules (``_RULES``) combine concepts inside one sentence and a token window:
   first derived concepts (HEADACHE = pain + head, LIMB_DEFICIT = weak/numb +
   limb, NOSEBLEED = nose + bleed...), then categories, e.g. dissection =
   pain + trunk + (acute | tearing); pregnancy = pregnant and a vascular
   disease anywhere in the message + pain/bleeding/breathlessness; stroke =
   ``speech_loss`` alone ("my dad can't speak", "il ne peut plus parler");
   unconscious = "not responding" / "won't wake up" alone.
6. Suppression of each candidate combination (a combination fires if one of
   its candidates survives): negation within 3 words before an anchor in the
   same clause, or ``negation_post`` within 2 words after it ("ich blute
   nicht", "je saigne plus"); hypothetical / informational / fear cue before
   the first anchor in its clause, or around it ("ist ~ normal");
   "can it cause" form: a ``causative`` verb whose nearest ``modal`` before it
   comes before the first anchor, in its clause ("can HHT make you cough up
   blood?", "le rendu osler peut-il faire cracher du sang ?", "kann Moyamoya ...
   verursachen?"), unless the modal is negated ("il ne peut pas") or the clause
   has a "now" marker or a present marker after the verb ("peut faire que je
   crache du sang depuis ce matin"); question form (a clause that starts with
   a question word and has no present-tense or "now" marker); history or chronic cues (same clause, or
   earlier in the sentence) unless a "now"/present/contrast marker (history)
   or "now"/contrast marker (chronic) comes in between (a history cue after
   the anchor: a "now" marker anywhere in the clause, or another marker
   between the two, since "j'ai" / "ho" / "habe" are also past auxiliaries);
   a ``mild`` cue within 2 words before an anchor ("small nosebleeds").
   An ``info`` or ``fear`` cue does not suppress when a ``possession`` marker
   follows it in the clause ("could this explain the terrible pain I have",
   "expliquer la douleur atroce que j'ai"; a possession right before a
   ``disease``, "since I have Marfan", does not count); possession also cancels
   the question form.  A ``since_then`` cue is history when a past event is
   dated earlier in the message with no "now" marker between ("He had a stroke
   in 2019. Since then he can't speak"; not after "He fell an hour ago.").
   Rule-specific checks: the speech rules are suppressed by a ``speech_context``
   in the sentence (speaking about something, a language, to someone, not
   wanting to, being busy: "she can't talk about it", "he can't speak French",
   "I can't talk now"), the speech-loss-alone rule also by ``speech_development``
   ("14 months old and can't talk yet", "autistic"); "not responding" by a
   ``correspondent`` just before it ("my doctor does not respond"; not a
   vocative "Doctor, he is not responding") or a ``reply_object`` just after it
   ("to my emails", "au traitement"); a collapse (alone, or with an aneurysm
   word) by a ``near_miss`` cue within 3 words before it ("I nearly passed out").
   Rules on a diagnosis word (stroke_word, dissection) also take a ``perfect``
   cue in the anchors' clause as history ("mon père a fait un AVC", "ha avuto
   un ictus", "heeft een beroerte gehad") unless the sentence has a "now"
   marker ("a fait un AVC ce matin", "vient de") or a suspicion ("je crois
   qu'il a fait un AVC").  Self-harm is only suppressed by negation and history.
7. Language: every language whose common-word score is at least half the
   best one is tried, best first; the first flag found wins.  When several
   categories fire, ``_PRIORITY`` decides (pregnancy is the most specific).
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml
from rapidfuzz.distance import OSA

__all__ = ["CATEGORIES", "LANGUAGES", "RedFlag", "detect_red_flag", "load_vocabulary"]

CATEGORIES = (
    "dissection_rupture",
    "stroke",
    "bleeding",
    "limb_ischaemia",
    "unconscious",
    "pregnancy",
    "self_harm",
)
LANGUAGES = ("en", "fr", "de", "it", "es", "nl")
DATA_DIR = Path(__file__).resolve().parent / "safety"

# Which category wins when several fire on one message (most specific first).
_PRIORITY = (
    "pregnancy",
    "dissection_rupture",
    "limb_ischaemia",
    "stroke",
    "bleeding",
    "unconscious",
    "self_harm",
)

GAP_MAX = 4  # words a "~" in a term may skip
REPLY_BEFORE_WINDOW = 2  # words from a correspondent ("my doctor") to "does not respond"
REPLY_AFTER_WINDOW = 4  # words from "does not respond" to its object ("to my emails")
NEGATION_WINDOW = 3  # words between a negation cue and the negated anchor
NEGATION_POST_WINDOW = 2  # words between a negated anchor and a following cue ("ich blute nicht")
MILD_WINDOW = 2  # words between a mildness cue and the anchor it qualifies ("small nosebleeds")
MODAL_NEGATION_WINDOW = 2  # words between a modal and a negation that cancels it ("ne peut pas")
FUZZY_MIN_LEN = 5  # shorter tokens are never fuzzy-matched
TOKEN_CACHE_SIZE = 20000  # token -> matches, per language

# Concept names that act as cues (they modify, never trigger).
_CUES = frozenset(
    {
        "negation",
        "negation_post",
        "negation_exception",
        "hypothetical",
        "info",
        "fear",
        "question_start",
        "history",
        "chronic",
        "mild",
        "now",
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
_HYPOTHETICAL_CUES = ("hypothetical", "info", "fear")
# Informational / fear cues that a symptom the writer has cancels ("could this explain the
# terrible pain I have in my chest?", "la douleur atroce que j'ai dans le dos").
_POSSESSION_CANCELS = frozenset({"info", "fear"})
# Cues too loose ("am ~ having") to hide another cue they overlap.
_NON_HIDING = frozenset(
    {"present", "possession", "speech_context", "correspondent", "reply_object", "near_miss", "since_then"}
)
# Context cues written with the symptom words in them ("talk about", "parler de", "über ~
# sprechen", "quasi svenuta"): never hidden by a longer annotation they share a word with.
# ("speech_development" may hide a shorter cue: "pas encore" is not the "now" marker "encore".)
_NEVER_HIDDEN = frozenset({"speech_context", "speech_development", "near_miss"})
# Cues hidden only by a longer symptom annotation, never by another cue: "kann" stays a
# modal inside the question opener "kann es", but not inside "kann ~ nicht ~ bewegen".
_HIDDEN_BY_SYMPTOMS_ONLY = frozenset({"modal", "causative"})


@dataclass(frozen=True)
class RedFlag:
    """An emergency seen in a message."""

    category: str  # one of CATEGORIES
    language: str  # ISO 639-1 code of the vocabulary that matched
    evidence: str  # the words in the message that triggered it (for logs and moderators)


# --------------------------------------------------------------------------- rules


@dataclass(frozen=True)
class _Rule:
    output: str  # a category, or an UPPER-CASE derived concept
    groups: tuple[frozenset[str], ...]  # each group: alternative concepts, all groups needed
    window: int  # max words between the last annotation start and the first annotation end
    context: tuple[frozenset[str], ...]  # needed anywhere in the message, never suppressed
    checks: frozenset[str]  # suppressions that apply


_ALL_CHECKS = frozenset({"negation", "hypothetical", "cause_question", "question", "history", "mild"})
# Rules on a diagnosis word ("AVC", "dissection") also take a past-tense event as history.
_DIAGNOSIS_CHECKS = _ALL_CHECKS | {"perfect"}
# Signs that make a past-tense diagnosis in the same sentence current ("il a fait un AVC, il
# ne peut plus parler").
_CURRENT_SIGNS = (
    "FACE_DROOP",
    "SPEECH_DEFICIT",
    "LIMB_DEFICIT",
    "VISION_DEFICIT",
    "BLOOD_OUT",
    "paralysis",
    "slurred",
    "seizure",
    "unconscious",
    "collapse",
    "pain",
    "breathless",
)


def _rule(
    output: str,
    *groups: str,
    window: int = 12,
    context: Iterable[str] = (),
    checks: Iterable[str] = _ALL_CHECKS,
) -> _Rule:
    return _Rule(
        output,
        tuple(frozenset(g.split("|")) for g in groups),
        window,
        tuple(frozenset(g.split("|")) for g in context),
        frozenset(checks),
    )


# Derived concepts first (they may feed later rules), then categories.
_RULES: tuple[_Rule, ...] = (
    _rule("HEADACHE", "pain", "head", window=5),
    _rule("LIMB_DEFICIT", "weak|numb|paralysis", "limb|face|one_side", window=7),
    _rule("SPEECH_DEFICIT", "speech", "speech_bad", window=4),
    _rule("SPEECH_DEFICIT", "speech_loss|slurred", window=0),
    _rule("VISION_DEFICIT", "vision_loss", window=0),
    _rule("FACE_DROOP", "face", "droop", window=5),
    _rule("NOSEBLEED", "nose", "bleed", window=5),
    _rule("NOSEBLEED", "nosebleed", window=0),
    _rule("BLOOD_OUT", "cough_vomit", "blood", window=5),
    _rule("BLOOD_OUT", "blood_out", window=0),
    _rule("BLACK_STOOL", "black", "stool", window=4),
    _rule("BLACK_STOOL", "black_stool", window=0),
    # --- categories
    _rule(
        "pregnancy",
        "pain|bleed|blood_out|BLOOD_OUT|NOSEBLEED|breathless|HEADACHE",
        context=("pregnant", "disease"),
    ),
    _rule("dissection_rupture", "pain", "trunk", "acute|tearing", window=12),
    _rule("dissection_rupture", "tearing", "trunk", window=6),
    _rule("dissection_rupture", "aorta", "rupture", window=6),
    _rule("dissection_rupture", "dissection", "suspect|now|acute", window=10, checks=_DIAGNOSIS_CHECKS),
    _rule("dissection_rupture", "collapse", "pain|trunk", window=12),
    # ("I nearly collapsed when they said aneurysm" is no collapse; with pain it still counts)
    _rule(
        "dissection_rupture", "collapse", "aorta|dissection", window=12, checks=_ALL_CHECKS | {"near_miss"}
    ),
    _rule("limb_ischaemia", "limb", "cold|pale|pulseless", "acute|now|change", window=12),
    _rule("stroke", "FACE_DROOP", window=0),
    _rule("stroke", "slurred", window=0),
    _rule("stroke", "paralysis", "limb|one_side|face", window=7),
    _rule(
        "stroke",
        "LIMB_DEFICIT",
        "acute|now|one_side|SPEECH_DEFICIT|FACE_DROOP|seizure|VISION_DEFICIT",
        window=14,
    ),
    _rule(
        "stroke",
        "SPEECH_DEFICIT",
        "acute|now|one_side|FACE_DROOP|face|seizure",
        window=14,
        checks=_ALL_CHECKS | {"speech_context"},
    ),
    # "can't / can no longer speak" alone is a sign now, unless it is about speaking of a topic,
    # a language, wanting to, being busy ("speech_context") or a child's development
    _rule("stroke", "speech_loss", window=0, checks=_ALL_CHECKS | {"speech_context", "speech_development"}),
    _rule("stroke", "VISION_DEFICIT", "acute|now|one_side|eye", window=10),
    _rule("stroke", "HEADACHE", "acute", window=10),
    _rule("stroke", "stroke_word", "suspect|now|acute", window=10, checks=_DIAGNOSIS_CHECKS),
    _rule("bleeding", "BLOOD_OUT", window=0),
    _rule("bleeding", "NOSEBLEED", "systemic|breathless", window=25),
    _rule("bleeding", "BLACK_STOOL", "systemic|breathless", window=25),
    _rule("bleeding", "bleed", "systemic|breathless", window=12),
    # "not responding" about a person now; not a doctor's silence or a treatment that fails
    _rule("unconscious", "unconscious", window=0, checks=_ALL_CHECKS | {"reply"}),
    _rule("unconscious", "collapse", window=0, checks=_ALL_CHECKS | {"near_miss"}),
    _rule("self_harm", "self_harm", window=0, checks=("negation", "history")),
)

# --------------------------------------------------------------------------- text



_APOSTROPHES = "'’`´"
_SPECIAL_LETTERS = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d"})
_TOKEN_RE = re.compile(r"[^\W_]+(?:['’`´][^\W_]+)*")
_CONTRACTION_RE = re.compile(r"^(.+)['’`´](t|s|m|re|ve|ll|d)$")
_REPEAT3_RE = re.compile(r"(.)\1{2,}")
_REPEAT2_RE = re.compile(r"(.)\1+")
_SENTENCE_CHARS = set(".!?;…\n¿¡")
_CLAUSE_CHARS = set(",:()[]{}\"«»“”–—|")
_YEAR_RE = re.compile(r"^(19|20)\d\d$")


def normalise(text: str) -> str:
    """Lower-case, strip accents and collapse letters repeated 3+ times."""
    text = unicodedata.normalize("NFKD", text.lower().translate(_SPECIAL_LETTERS))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _REPEAT3_RE.sub(r"\1\1", text)


def _skeleton(word: str) -> str:
    return _REPEAT2_RE.sub(r"\1", word)


@dataclass(frozen=True)
class _RawToken:
    text: str  # normalised
    start: int  # character offsets in the original message
    end: int
    sentence_break: bool  # a sentence boundary precedes this token
    clause_break: bool  # a clause boundary (punctuation) precedes this token


def _raw_tokens(text: str) -> list[_RawToken]:
    """Split a message into normalised word tokens with boundary flags."""
    out: list[_RawToken] = []
    prev_end = 0
    prev_text = ""
    for m in _TOKEN_RE.finditer(text):
        gap = text[prev_end : m.start()]
        sentence = any(c in _SENTENCE_CHARS for c in gap)
        if (
            sentence
            and gap.strip() == "."
            and ((prev_text.isdigit() and not _YEAR_RE.match(prev_text)) or len(prev_text) == 1)
        ):
            sentence = False  # German ordinal "30. Woche", abbreviations "z.B.", "e.g." (not "in 2019.")
        clause = sentence or any(c in _CLAUSE_CHARS for c in gap) or " - " in gap
        word = normalise(m.group())
        pieces: list[tuple[str, int, int]]
        cm = _CONTRACTION_RE.match(word)
        if cm and cm.group(1).isalpha():
            pieces = [(cm.group(1) + cm.group(2), m.start(), m.end())]  # can't -> cant
        else:
            pieces = []
            offset = m.start()
            for part in re.split(r"['’`´]", word):
                pieces.append((part, offset, offset + len(part)))
                offset += len(part) + 1
        for i, (piece, s, e) in enumerate(pieces):
            if piece:
                first = i == 0
                out.append(_RawToken(piece, s, e, sentence and first, clause and first))
        prev_end = m.end()
        prev_text = word
    return out


# --------------------------------------------------------------------------- vocabulary


@dataclass(frozen=True)
class _Term:
    concept: str
    words: tuple[str, ...]  # term tokens: "word", "stem*", "~", "<num>", "<year>"


class _Vocabulary:
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
            self.skeletons.setdefault(_skeleton(w), set()).add(w)
        # stems indexed by first letter (of the stem, and of its skeleton)
        self.stems_by_first: dict[str, list[str]] = {}
        for s in self.stems:
            self.stems_by_first.setdefault(s[0], []).append(s)
        self.stem_skeletons: dict[str, list[tuple[str, str]]] = {}
        for s in self.stems:
            self.stem_skeletons.setdefault(s[0], []).append((_skeleton(s), s))
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
        sk = _skeleton(tok)
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
            if _YEAR_RE.match(tok):
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
            if not tail_only and len(tail) >= 4:
                tail_only = tail_m
        return tail_only

    def known_word_count(self, tokens: list[str]) -> int:
        """How many tokens are plainly words of this language (for language guessing)."""
        return sum(1 for t in tokens if t in self.common or t in self.exact)

    def expand(self, raw: list[_RawToken]) -> list[_RawToken]:
        """Replace SMS forms and contractions by their full words."""
        out: list[_RawToken] = []
        for tok in raw:
            repl = self.abbreviations.get(tok.text)
            if repl is None:
                out.append(tok)
                continue
            for i, w in enumerate(repl):
                first = i == 0
                out.append(
                    _RawToken(w, tok.start, tok.end, tok.sentence_break and first, tok.clause_break and first)
                )
        return out


@functools.cache
def load_vocabulary(language: str) -> _Vocabulary:
    """Load and compile ``bot/safety/red_flags.<language>.yml`` (cached)."""
    path = DATA_DIR / f"red_flags.{language}.yml"
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    return _Vocabulary(language, data)


# --------------------------------------------------------------------------- analysis


@dataclass(frozen=True)
class _Ann:
    concept: str
    start: int  # first token index
    end: int  # last token index (inclusive)
    anchors: tuple[int, ...]  # token indices that carry the meaning


class _Analysis:
    """A message annotated with one language's vocabulary."""

    def __init__(self, vocab: _Vocabulary, raw: list[_RawToken]) -> None:
        self.vocab = vocab
        self.toks = vocab.expand(raw)
        n = len(self.toks)
        self.words = [t.text for t in self.toks]
        self.sentence: list[int] = []
        self.pclause: list[int] = []
        s = c = 0
        for i, t in enumerate(self.toks):
            if i and t.sentence_break:
                s += 1
            if i and t.clause_break:
                c += 1
            self.sentence.append(s)
            self.pclause.append(c)
        self.matches = [vocab.token_matches(w) for w in self.words]
        anns = self._annotate(n)
        self.by_concept: dict[str, list[_Ann]] = {}
        for a in anns:
            self.by_concept.setdefault(a.concept, []).append(a)
        self.clause = self._clauses(n)

    def _match_phrase(self, words: tuple[str, ...], i: int, k: int, start: int) -> tuple[int, ...] | None:
        """Token indices matched by words[k:] from token i (gap words excluded), or None."""
        if k == len(words):
            return ()
        w = words[k]
        if w == "~":
            for g in range(GAP_MAX + 1):
                if i + g > len(self.words):
                    break
                if g and self.pclause[i + g - 1] != self.pclause[start]:
                    break
                r = self._match_phrase(words, i + g, k + 1, start)
                if r is not None:
                    return r
            return None
        if i < len(self.words) and self.pclause[i] == self.pclause[start] and w in self.matches[i]:
            r = self._match_phrase(words, i + 1, k + 1, start)
            return None if r is None else (i, *r)
        return None

    def _annotate(self, n: int) -> list[_Ann]:
        anns: set[_Ann] = set()
        for i in range(n):
            for tw in self.matches[i]:
                for term in self.vocab.by_first.get(tw, ()):
                    rest = self._match_phrase(term.words, i + 1, 1, i)
                    if rest is not None:
                        anchors = (i, *rest)
                        anns.add(_Ann(term.concept, i, anchors[-1], anchors))
        # Neutral phrases ("blood test") hide the words they cover.
        neutral = [a for a in anns if a.concept == "neutral"]
        if neutral:
            anns = {
                a
                for a in anns
                if a.concept == "neutral" or not any(z.start <= a.start and a.end <= z.end for z in neutral)
            }
        # Emotional or figurative uses of a symptom word ("je suis effondrée", "my world
        # collapsed") hide the annotations whose words they contain, unless the sentence
        # names a physical place ("effondrée au sol").
        emotional = [a for a in anns if a.concept == "emotional"]
        if emotional:
            physical = {self.sentence[a.start] for a in anns if a.concept == "place"}
            active = [set(e.anchors) for e in emotional if self.sentence[e.start] not in physical]
            anns = {a for a in anns if a.concept in _CUES or not any(set(a.anchors) <= e for e in active)}
        # A "~" gap may not hide a hypothetical frame ("doen [als ik plotseling] pijn").
        frames = {a.start for a in anns if a.concept in _HYPOTHETICAL_CUES}
        if frames:
            anns = {
                a
                for a in anns
                if a.concept in _CUES
                or len(a.anchors) == a.end - a.start + 1
                or not any(f in frames and f not in a.anchors for f in range(a.start, a.end + 1))
            }
        # Drop cues that share a word with a longer annotation of another concept
        # ("can not move" is weakness, not a negation; words in a "~" gap are not shared).
        kept: list[_Ann] = []
        for a in anns:
            # a continuation word right after a comma keeps its role there: "..., come un dolore
            # improvviso" ("such as"), even inside the suspicion "come un" ("like a")
            after_comma = a.concept == "continuation" and a.start and self.toks[a.start].clause_break
            if a.concept in _CUES and a.concept not in _NEVER_HIDDEN and not after_comma:
                length = a.end - a.start
                if any(
                    b.concept != a.concept
                    and b.concept not in _NON_HIDING
                    and not (a.concept in _HIDDEN_BY_SYMPTOMS_ONLY and b.concept in _CUES)
                    and b.end - b.start > length
                    and not set(a.anchors).isdisjoint(b.anchors)
                    for b in anns
                ):
                    continue
            kept.append(a)
        kept.sort(key=lambda a: (a.start, a.end, a.concept))
        return kept

    def _clauses(self, n: int) -> list[int]:
        starts_cont = {a.start for a in self.by_concept.get("continuation", ())}
        starts_contrast = {a.start for a in self.by_concept.get("contrast", ())}
        out: list[int] = []
        c = 0
        for i, t in enumerate(self.toks):
            if i and (
                t.sentence_break or (t.clause_break and i not in starts_cont) or i in starts_contrast
            ):
                c += 1
            out.append(c)
        return out

    def get(self, concept: str) -> list[_Ann]:
        return self.by_concept.get(concept, [])

    # -- rules --------------------------------------------------------------
    def _combos(self, rule: _Rule) -> Iterator[tuple[_Ann, ...]]:
        cands = []
        for group in rule.groups:
            c = [a for concept in sorted(group) for a in self.get(concept)]  # deterministic order
            if not c:
                return
            cands.append(c)
        count = 0
        for combo in itertools.product(*cands):
            # window: words between the annotations (a phrase's own length is free)
            if max(a.start for a in combo) - min(a.end for a in combo) > rule.window:
                continue
            if len({self.sentence[a.start] for a in combo} | {self.sentence[a.end] for a in combo}) > 1:
                continue
            count += 1
            if count > 400:
                return
            yield combo

    def derive(self, rule: _Rule) -> None:
        new = []
        for combo in self._combos(rule):
            anchors = tuple(sorted({p for a in combo for p in a.anchors}))
            new.append(_Ann(rule.output, min(a.start for a in combo), max(a.end for a in combo), anchors))
        if new:
            have = self.by_concept.setdefault(rule.output, [])
            for a in new:
                if a not in have:
                    have.append(a)

    def fire(self, rule: _Rule) -> tuple[int, ...] | None:
        """Anchors of the first unsuppressed combination of a category rule."""
        for group in rule.context:
            if not any(not self._negated(a.anchors) for c in group for a in self.get(c)):
                return None
        for combo in self._combos(rule):
            anchors = tuple(sorted({p for a in combo for p in a.anchors}))
            if not self._suppressed(anchors, rule.checks):
                return anchors
        return None

    # -- suppression ---------------------------------------------------------
    def _suppressed(self, anchors: tuple[int, ...], checks: frozenset[str]) -> bool:
        if "negation" in checks and self._negated(anchors):
            return True
        if "hypothetical" in checks and self._hypothetical(anchors):
            return True
        if "cause_question" in checks and self._cause_question(anchors):
            return True
        if "question" in checks and self._question(anchors):
            return True
        if "history" in checks and self._historic(anchors):
            return True
        if "perfect" in checks and self._perfect(anchors):
            return True
        if "speech_context" in checks and self._in_sentence(anchors, "speech_context"):
            return True
        if "speech_development" in checks and self._in_sentence(anchors, "speech_development"):
            return True
        if "reply" in checks and self._reply(anchors):
            return True
        if "near_miss" in checks and self._before(anchors, "near_miss", NEGATION_WINDOW):
            return True
        return "mild" in checks and self._mild(anchors)

    def _in_sentence(self, anchors: tuple[int, ...], concept: str) -> bool:
        """A context cue anywhere in the anchors' sentence ("can't talk about it", "he can't
        speak French", "14 months old and can't talk yet")."""
        sentence = self.sentence[anchors[0]]
        return any(self.sentence[a.start] == sentence for a in self.get(concept))

    def _before(self, anchors: tuple[int, ...], concept: str, window: int) -> bool:
        """A cue ending at most ``window`` words before an anchor, in its clause ("nearly
        passed out", "viel bijna flauw")."""
        anchor_set = set(anchors)
        for cue in self.get(concept):
            if cue.start in anchor_set:
                continue
            for p in anchors:
                if cue.end < p and p - cue.end <= window and self.clause[cue.end] == self.clause[p]:
                    return True
        return False

    def _reply(self, anchors: tuple[int, ...]) -> bool:
        """Not responding as correspondence or to a treatment, not as a state of consciousness:
        a ``correspondent`` just before ("my doctor does not respond", "l'hôpital ne répond
        pas"; not one addressed at the start of the sentence: "Doctor, he is not responding")
        or a ``reply_object`` just after ("not responding to my emails", "reageert niet op de
        behandeling"), in the anchors' clause."""
        first, last = anchors[0], anchors[-1]
        opening = self._opening(first)
        for cue in self.get("correspondent"):
            near = cue.end < first and first - cue.end <= REPLY_BEFORE_WINDOW
            if near and cue.start >= opening and self.clause[cue.end] == self.clause[first]:
                return True
        for cue in self.get("reply_object"):
            near = cue.start > last and cue.start - last <= REPLY_AFTER_WINDOW
            if near and self.clause[cue.start] == self.clause[last]:
                return True
        return False

    def _opening(self, p: int) -> int:
        """Index of the first word of p's sentence after its greetings and fillers."""
        sent = self.sentence[p]
        i = self.sentence.index(sent)
        fillers = self.get("filler")
        while True:
            f = next((a for a in fillers if a.start == i), None)
            if f is None:
                return i
            i = f.end + 1

    def _negated(self, anchors: tuple[int, ...]) -> bool:
        anchor_set = set(anchors)
        for neg in self.get("negation"):
            if neg.end in anchor_set or neg.start in anchor_set:
                continue
            for p in anchors:
                if neg.end < p and p - neg.end <= NEGATION_WINDOW and self.clause[neg.end] == self.clause[p]:
                    return True
        # negation after the word it negates ("ich blute nicht", "ik bloed niet")
        for neg in self.get("negation_post"):
            if neg.start in anchor_set:
                continue
            for p in anchors:
                near = p < neg.start and neg.start - p <= NEGATION_POST_WINDOW
                if near and self.clause[neg.start] == self.clause[p]:
                    return True
        return False

    def _mild(self, anchors: tuple[int, ...]) -> bool:
        """A mildness cue just before an anchor ("small nosebleeds", "a bit of blood")."""
        anchor_set = set(anchors)
        for cue in self.get("mild"):
            if cue.start in anchor_set:
                continue
            for p in anchors:
                if cue.end < p and p - cue.end <= MILD_WINDOW and self.clause[cue.end] == self.clause[p]:
                    return True
        return False

    def _hypothetical(self, anchors: tuple[int, ...]) -> bool:
        first = anchors[0]
        clause = self.clause[first]
        for kind in _HYPOTHETICAL_CUES:
            for cue in self.get(kind):
                # before the anchor, or around it ("kann ~ verursachen")
                before = cue.start < first and first not in cue.anchors
                if not before or self.clause[cue.start] != clause:
                    continue
                # an informational word does not hide a symptom the writer has: "could this
                # explain the terrible pain I have", "expliquer la douleur atroce que j'ai"
                if kind in _POSSESSION_CANCELS and any(
                    m.start > cue.end and self.clause[m.start] == clause for m in self._possessions()
                ):
                    continue
                return True
        return False

    def _possessions(self) -> list[_Ann]:
        """Possession markers that are about a symptom, not a disease ("since I have Marfan")."""
        diseases = {d.start for d in self.get("disease")}
        return [
            m
            for m in self.get("possession")
            if not any(m.end < d <= m.end + 2 and self.sentence[d] == self.sentence[m.end] for d in diseases)
        ]

    def _cause_question(self, anchors: tuple[int, ...]) -> bool:
        """Whether a disease *can* cause the symptom ("can HHT make you cough up blood?",
        "le rendu osler peut-il faire cracher du sang ?", "kann Moyamoya ... verursachen?"):
        in the anchor's clause, a causative verb whose nearest modal before it comes before
        the first anchor (so "er kann nur noch lallen was kann das verursachen" is not one).
        Not when the clause says it is happening: a "now" marker in it, or a present-tense
        marker after the causative ("peut faire que je crache")."""
        first = anchors[0]
        clause = self.clause[first]
        modals = [m for m in self.get("modal") if self.clause[m.start] == clause]
        if not modals or any(self.clause[m.start] == clause for m in self.get("now")):
            return False
        anchor_set = set(anchors)
        for cause in self.get("causative"):
            if self.clause[cause.start] != clause or not anchor_set.isdisjoint(cause.anchors):
                continue
            before = [m for m in modals if m.end < cause.start]
            if not before:
                continue
            modal = max(before, key=lambda m: m.end)
            if modal.start >= first or self._modal_negated(modal):
                continue
            if not any(m.start > cause.end and self.clause[m.start] == clause for m in self.get("present")):
                return True
        return False

    def _modal_negated(self, modal: _Ann) -> bool:
        """A negation on or next to a modal ("il ne peut pas", "can not stop"): no possibility."""
        for kind in ("negation", "negation_post", "negation_exception"):
            for neg in self.get(kind):
                if self.clause[neg.start] != self.clause[modal.start]:
                    continue
                if neg.start <= modal.end and modal.start <= neg.end:
                    return True
                if 0 < modal.start - neg.end <= MODAL_NEGATION_WINDOW:
                    return True
                if 0 < neg.start - modal.end <= MODAL_NEGATION_WINDOW:
                    return True
        return False

    def _perfect(self, anchors: tuple[int, ...]) -> bool:
        """A diagnosis in a past tense ("mon père a fait un AVC", "ha avuto un ictus"): history,
        unless the sentence makes it recent: a "now" marker ("a fait un AVC ce matin"), a
        suspicion ("je crois qu'il a fait un AVC") or a current sign ("il ne peut plus parler")."""
        cues = self.get("perfect")
        if not cues:
            return False
        sentence = self.sentence[anchors[0]]
        if any(self.sentence[m.start] == sentence for m in self.get("now")):
            return False
        # a suspicion ("je crois qu'il a fait un AVC") is about now, not a known past event
        cue_words = {w for c in cues for w in c.anchors}
        suspicions = self.get("suspect")
        if any(self.sentence[s.start] == sentence and cue_words.isdisjoint(s.anchors) for s in suspicions):
            return False
        signs = self._markers(*_CURRENT_SIGNS)
        if any(self.sentence[a.start] == sentence and not self._negated(a.anchors) for a in signs):
            return False
        return all(any(self.clause[c.start] == self.clause[p] for c in cues) for p in anchors)

    def _markers(self, *concepts: str) -> list[_Ann]:
        return [a for c in concepts for a in self.get(c)]

    def _question(self, anchors: tuple[int, ...]) -> bool:
        first = anchors[0]
        sent = self.sentence[first]
        # first word of the sentence, skipping greetings and fillers
        i = self._opening(first)
        if i >= len(self.words) or self.sentence[i] != sent:
            return False
        if not any(q.start == i for q in self.get("question_start")):
            return False
        clause = self.clause[i]
        if self.clause[first] != clause:
            return False
        markers = self._markers("now", "present") + self._possessions()
        return not any(self.clause[m.start] == clause for m in markers)

    def _historic(self, anchors: tuple[int, ...]) -> bool:
        hist = self.get("history")
        chron = self.get("chronic")
        since = self._since_then()
        if not hist and not chron and not since:
            return False
        now = self._markers("now")
        hist_cancel = self._markers("now", "present", "contrast")
        chron_cancel = self._markers("now", "contrast")
        for p in anchors:
            if not (
                self._covered(p, hist, hist_cancel, now)
                or self._covered(p, chron, chron_cancel, now)
                or self._covered(p, since, chron_cancel, now)
            ):
                return False
        return True

    def _since_then(self) -> list[_Ann]:
        """A "since then" after a past event dated earlier in the message ("He had a stroke in
        2019. Since then he can't speak."): the state that follows is not new.  Not after a
        recent event ("He fell an hour ago. Since then he can't speak": a "now" marker comes
        between), nor when it is itself a "now" marker ("depuis 10 minutes")."""
        out = []
        now = self.get("now")
        history = self.get("history")
        for s in self.get("since_then"):
            if any(m.start <= s.end and s.start <= m.end for m in now):
                continue
            if any(h.end < s.start and not any(h.end < m.start < s.start for m in now) for h in history):
                out.append(s)
        return out

    def _covered(self, p: int, cues: list[_Ann], cancels: list[_Ann], now: list[_Ann]) -> bool:
        for cue in cues:
            if self.sentence[cue.start] != self.sentence[p]:
                continue
            if cue.start > p:
                if self.clause[cue.start] != self.clause[p]:
                    continue
                # cue after the anchor in its clause: cancelled by a "now" marker anywhere in the
                # clause, or by another marker between the anchor and the cue ("j'ai fait un AVC
                # en 2019": the "j'ai" before the anchor is an auxiliary, not a present tense)
                if any(
                    self.clause[m.start] == self.clause[p] and not (m.start <= cue.end and cue.start <= m.end)
                    for m in now
                ) or any(p < m.start < cue.start for m in cancels):
                    continue
                return True
            # cue before (or on) the anchor: cancelled by a marker in between
            if any(cue.end < m.start <= p for m in cancels):
                continue
            return True
        return False

    def evidence(self, anchors: tuple[int, ...], text: str) -> str:
        start = min(self.toks[p].start for p in anchors)
        end = max(self.toks[p].end for p in anchors)
        snippet = " ".join(text[start:end].split())
        return snippet if len(snippet) <= 160 else snippet[:157] + "..."


def _analyse(vocab: _Vocabulary, raw: list[_RawToken], text: str) -> RedFlag | None:
    ana = _Analysis(vocab, raw)
    found: dict[str, tuple[int, ...]] = {}
    for rule in _RULES:
        if rule.output.isupper():
            ana.derive(rule)
        elif rule.output not in found:
            anchors = ana.fire(rule)
            if anchors is not None:
                found[rule.output] = anchors
    for category in _PRIORITY:
        if category in found:
            return RedFlag(category, vocab.language, ana.evidence(found[category], text))
    return None


def _candidate_languages(raw: list[_RawToken]) -> list[str]:
    words = [t.text for t in raw]
    scores = {lang: load_vocabulary(lang).known_word_count(words) for lang in LANGUAGES}
    best = max(scores.values())
    if best == 0:
        return list(LANGUAGES)
    keep = [lang for lang in LANGUAGES if scores[lang] >= max(1.0, best / 2)]
    return sorted(keep, key=lambda lang: -scores[lang])


def detect_red_flag(text: str) -> RedFlag | None:
    """Return the red flag seen in a patient's message, or None."""
    if not text or not text.strip():
        return None
    raw = _raw_tokens(text[:2000])
    if not raw:
        return None
    for lang in _candidate_languages(raw):
        flag = _analyse(load_vocabulary(lang), raw, text)
        if flag is not None:
            return flag
    return None
