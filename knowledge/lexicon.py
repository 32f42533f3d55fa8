"""Find the diseases a patient names in free text and map them to VASCERN working groups.

Map of this module:

- ``DiseaseMention`` one disease named in a message: working-group code (None when no
                     VASCERN group covers it), condition id, English name and character span.
- ``find_diseases``  every disease named in a message, in text order, without overlaps.
- ``load_lexicon``   reads and checks a diseases YAML file into a ``Lexicon`` (its indexes).
- ``LexiconError``   raised when ``knowledge/lexicon/diseases.yml`` is inconsistent.

The names live in ``knowledge/lexicon/diseases.yml`` (FR, EN, DE, IT, ES, NL synonyms and
abbreviations); its header explains the fields. Matching folds case, accents and hyphens
(``knowledge._text``), also tries word pairs written as one word ("moya moya" = "moyamoya"),
corrects mild typos word by word against the lexicon's own vocabulary with rapidfuzz
("ehler danlos" -> "ehlers danlos") and keeps the longest non-overlapping matches. An entry
with a ``becomes`` rule turns into another condition when a qualifying word stands nearby
("Ehlers-Danlos ... vasculaire" is vascular EDS; "Ehlers-Danlos" alone is not an MSA disease).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from rapidfuzz import process
from rapidfuzz.distance import OSA

from common.groups import WORKING_GROUPS
from common.languages import LANGUAGES
from knowledge._text import Candidate, Token, fold, pick_longest, tokenize

DISEASES_FILE = Path(__file__).resolve().parent / "lexicon" / "diseases.yml"

# Words shorter than this are never typo-corrected: too many short words are one edit apart.
MIN_TYPO_LENGTH = 5
# Up to this length a word may carry one typo; longer words may carry two.
ONE_TYPO_MAX_LENGTH = 7
# Keys of the entries of diseases.yml, for strict validation (a misspelt key is an error).
_ENTRY_KEYS = {
    "condition",
    "code",
    "name",
    "names",
    "abbreviations",
    "abbreviations_exact_case",
    "becomes",
    "note",
}


class LexiconError(ValueError):
    """diseases.yml is inconsistent (unknown code or language, a name mapped twice...)."""


@dataclass(frozen=True)
class DiseaseMention:
    """A disease named in a message; ``code`` is None when no VASCERN group covers it."""

    code: str | None
    condition: str | None
    name: str
    start: int
    end: int


@dataclass(frozen=True)
class _Rule:
    target: str
    phrases: tuple[tuple[str, ...], ...]
    window: int


@dataclass(frozen=True)
class _Entry:
    code: str | None
    condition: str | None
    name: str
    becomes: _Rule | None = None


@dataclass
class Lexicon:
    """The indexes built from diseases.yml (folded names, abbreviations, typo vocabulary)."""

    names: dict[str, _Entry] = field(default_factory=dict)
    abbreviations: dict[str, _Entry] = field(default_factory=dict)
    exact_case: dict[str, _Entry] = field(default_factory=dict)
    by_condition: dict[str, _Entry] = field(default_factory=dict)
    vocabulary: dict[str, list[str]] = field(default_factory=dict)
    known_words: frozenset[str] = frozenset()
    not_typos: frozenset[str] = frozenset()
    max_words: int = 1


def find_diseases(text: str) -> list[DiseaseMention]:
    """Return the diseases named in ``text`` (longest match wins, no overlaps), in text order."""
    lexicon = _lexicon()
    tokens = tokenize(text)
    chosen = pick_longest(_candidates(lexicon, text, tokens))
    covered = {index for candidate in chosen for index in range(candidate.first, candidate.last + 1)}
    mentions = []
    for candidate in chosen:
        entry, start, end = _apply_rule(lexicon, candidate, tokens, covered)
        mentions.append(DiseaseMention(entry.code, entry.condition, entry.name, start, end))
    return mentions


def _candidates(lexicon: Lexicon, text: str, tokens: list[Token]) -> Iterator[Candidate[_Entry]]:
    corrected = [_correct(token.text) for token in tokens]
    for first in range(len(tokens)):
        for last in range(first, min(len(tokens), first + lexicon.max_words)):
            span = tokens[first : last + 1]
            original = [token.text for token in span]
            words = corrected[first : last + 1]
            raw = " ".join(text[token.start : token.end] for token in span)
            entry = _name(lexicon, original) or lexicon.abbreviations.get(" ".join(original))
            entry = entry or lexicon.exact_case.get(raw)
            fuzzy = entry is None and words != original
            entry = entry or (_name(lexicon, words) if fuzzy else None)
            if entry:
                yield Candidate(first, last, span[0].start, span[-1].end, entry, fuzzy)


def _name(lexicon: Lexicon, words: list[str]) -> _Entry | None:
    """The entry named by ``words``, written with spaces or as one word ("moya moya")."""
    return lexicon.names.get(" ".join(words)) or lexicon.names.get("".join(words))


def _apply_rule(
    lexicon: Lexicon, candidate: Candidate[_Entry], tokens: list[Token], covered: set[int]
) -> tuple[_Entry, int, int]:
    entry, start, end = candidate.value, candidate.start, candidate.end
    rule = entry.becomes
    if rule is None:
        return entry, start, end
    low = max(0, candidate.first - rule.window)
    high = min(len(tokens), candidate.last + 1 + rule.window)
    for index in range(low, high):
        for phrase in rule.phrases:
            span = range(index, index + len(phrase))
            if span.stop > high or covered.intersection(span):
                continue
            if tuple(token.text for token in tokens[span.start : span.stop]) == phrase:
                target = lexicon.by_condition[rule.target]
                return target, min(start, tokens[span.start].start), max(end, tokens[span.stop - 1].end)
    return entry, start, end


@lru_cache(maxsize=4096)
def _correct(word: str) -> str:
    """Return the lexicon word ``word`` is a mild typo of, or ``word`` itself."""
    lexicon = _lexicon()
    if word in lexicon.known_words or word in lexicon.not_typos:
        return word
    if len(word) < MIN_TYPO_LENGTH or not word.isalpha():
        return word
    max_typos = 1 if len(word) <= ONE_TYPO_MAX_LENGTH else 2
    match = process.extractOne(
        word, lexicon.vocabulary.get(word[0], []), scorer=OSA.distance, score_cutoff=max_typos
    )
    return match[0] if match else word


def condition_ids() -> list[str]:
    """The condition ids of diseases.yml, sorted."""
    return sorted(_lexicon().by_condition)


def group_of(condition: str) -> str | None:
    """The working group of ``condition`` (a condition id of diseases.yml), or None."""
    entry = _lexicon().by_condition.get(condition)
    return entry.code if entry else None


@lru_cache(maxsize=1)
def _lexicon() -> Lexicon:
    return load_lexicon(DISEASES_FILE)


def load_lexicon(path: Path) -> Lexicon:
    """Read and check a diseases YAML file; raise ``LexiconError`` naming the faulty entry."""
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    codes = set(WORKING_GROUPS)
    lexicon = Lexicon(not_typos=frozenset(fold(word) for word in data.get("not_typos") or []))
    vocabulary: set[str] = set()
    pending_rules: list[tuple[str, str]] = []
    for section, inside in (("conditions", True), ("outside_network", False)):
        for position, raw in enumerate(data.get(section) or []):
            where = f"{path.name}: {section}[{position}] ({raw.get('name')!r})"
            unknown = set(raw) - _ENTRY_KEYS
            if unknown:
                raise LexiconError(f"{where}: unknown field(s) {sorted(unknown)}")
            code = raw.get("code")
            if inside and code not in codes:
                raise LexiconError(f"{where}: code {code!r} is not one of {sorted(codes)}")
            if not inside and code is not None:
                raise LexiconError(f"{where}: entries outside the network have no code")
            if not raw.get("name"):
                raise LexiconError(f"{where}: name is required")
            entry = _Entry(code, raw.get("condition"), raw["name"], _rule(raw.get("becomes"), where))
            if entry.becomes:
                pending_rules.append((entry.becomes.target, where))
            if entry.condition:
                lexicon.by_condition[entry.condition] = entry
            _add_names(lexicon, entry, raw, where, vocabulary)
    for target, where in pending_rules:
        if target not in lexicon.by_condition:
            raise LexiconError(f"{where}: becomes.condition {target!r} is not a condition of the file")
    lexicon.known_words = frozenset(vocabulary)
    buckets: dict[str, list[str]] = {}
    for word in sorted(vocabulary):
        if len(word) >= MIN_TYPO_LENGTH:
            buckets.setdefault(word[0], []).append(word)
    lexicon.vocabulary = buckets
    return lexicon


def _rule(raw: dict | None, where: str) -> _Rule | None:
    if raw is None:
        return None
    if not raw.get("condition") or not raw.get("words") or not isinstance(raw.get("window"), int):
        raise LexiconError(f"{where}: becomes needs condition, words and an integer window")
    phrases = tuple(sorted({tuple(fold(word).split()) for word in raw["words"]}, key=len, reverse=True))
    return _Rule(raw["condition"], phrases, raw["window"])


def _add_names(lexicon: Lexicon, entry: _Entry, raw: dict, where: str, vocabulary: set[str]) -> None:
    names = raw.get("names") or {}
    unknown_languages = set(names) - set(LANGUAGES)
    if unknown_languages:
        raise LexiconError(f"{where}: unknown language(s) {sorted(unknown_languages)}")
    for name in (name for language_names in names.values() for name in language_names):
        key = fold(name)
        vocabulary.update(key.split())
        lexicon.max_words = max(lexicon.max_words, len(key.split()))
        for variant in {key, key.replace(" ", "")}:
            _store(lexicon.names, variant, entry, where)
    for abbreviation in raw.get("abbreviations") or []:
        key = fold(abbreviation)
        lexicon.max_words = max(lexicon.max_words, len(key.split()))
        _store(lexicon.abbreviations, key, entry, where)
    for abbreviation in raw.get("abbreviations_exact_case") or []:
        lexicon.max_words = max(lexicon.max_words, len(abbreviation.split()))
        _store(lexicon.exact_case, abbreviation, entry, where)


def _store(index: dict[str, _Entry], key: str, entry: _Entry, where: str) -> None:
    existing = index.get(key)
    if existing is not None and existing != entry:
        raise LexiconError(f"{where}: {key!r} is already a name of {existing.name!r}")
    index[key] = entry
