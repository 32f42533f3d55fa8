"""What kind of answer a question asks for, from the cue words in knowledge/topic_cues.yml.

    >>> cued_topics("c'est quoi la maladie de Rendu-Osler ?", "fr")
    {'overview'}

Matching works on folded text (knowledge/_text.fold): a cue is one or more words; a word
ending in "*" matches any word with that prefix; "*" alone matches any one word. The phrases
under the reserved key `ignore` are blanked out first ("since birth" cues no pregnancy).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import NamedTuple

import yaml

from common.text import fold

CUES_FILE = Path(__file__).with_name("topic_cues.yml")
WILDCARD = "*"
# The key of a cue file whose phrases are no cue of anything.
IGNORED = "ignore"
# Stands for an ignored word: it matches no cue word (folded text has no "#").
BLANK = "#"


@functools.lru_cache(maxsize=4)
def _cues(path: Path = CUES_FILE) -> dict[str, dict[str, list[tuple[str, ...]]]]:
    """key -> language -> cues, each a tuple of folded words (prefixes keep their '*')."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {
        key: {
            language: [_fold_cue(cue) for cue in cues]
            for language, cues in by_language.items()
        }
        for key, by_language in data.items()
    }


def _fold_cue(cue: str) -> tuple[str, ...]:
    """A cue's words folded like questions are ("what's" -> "what", "s"), keeping wildcards."""
    words: list[str] = []
    for word in cue.split():
        if word == WILDCARD:
            words.append(WILDCARD)
            continue
        parts = fold(word.rstrip(WILDCARD)).split()
        if word.endswith(WILDCARD):
            parts[-1] += WILDCARD
        words.extend(parts)
    return tuple(words)


def _word_matches(pattern: str, word: str) -> bool:
    if pattern == WILDCARD:
        return True
    if pattern.endswith(WILDCARD):
        return word.startswith(pattern[:-1])
    return word == pattern


def _first_occurrence(cue: tuple[str, ...], words: list[str]) -> int | None:
    return next((start for start in range(len(words)) if _matches_at(cue, words, start)), None)


class _CueIndex(NamedTuple):
    """One language's cues of a cue file, each as (key, cue), by the cue's first word."""

    words: dict[str, list[tuple[str, tuple[str, ...]]]]  # a plain first word
    prefixes: dict[str, list[tuple[str, tuple[str, ...]]]]  # a first word "pre*", without the "*"
    any_word: list[tuple[str, tuple[str, ...]]]  # a first word "*"

    def starting_at(self, word: str) -> list[tuple[str, tuple[str, ...]]]:
        """The cues whose first word matches `word`."""
        found = list(self.words.get(word, ())) + self.any_word
        for end in range(1, len(word) + 1):
            found += self.prefixes.get(word[:end], ())
        return found


@functools.lru_cache(maxsize=32)
def _cue_index(path: Path, language: str) -> _CueIndex:
    """The language's cues of the file (the ignored phrases left out) by their first word."""
    index = _CueIndex({}, {}, [])
    for key, by_language in _cues(path).items():
        if key == IGNORED:
            continue
        for cue in by_language.get(language, []):
            first = cue[0]
            if first == WILDCARD:
                index.any_word.append((key, cue))
            elif first.endswith(WILDCARD):
                index.prefixes.setdefault(first[:-1], []).append((key, cue))
            else:
                index.words.setdefault(first, []).append((key, cue))
    return index


def _matches_at(cue: tuple[str, ...], words: list[str], start: int) -> bool:
    following = words[start : start + len(cue)]
    return len(following) == len(cue) and all(map(_word_matches, cue, following))


def cue_positions(question: str, language: str, path: Path = CUES_FILE) -> dict[str, int]:
    """Each cued key of the cue file (a topic, by default) with the word position of its
    first cue in `question`, in the file's order."""
    words = fold(question).split()
    cues = _cues(path)
    for phrase in cues.get(IGNORED, {}).get(language, []):
        start = _first_occurrence(phrase, words)
        while start is not None:
            words[start : start + len(phrase)] = [BLANK] * len(phrase)
            start = _first_occurrence(phrase, words)
    index = _cue_index(path, language)
    first_seen: dict[str, int] = {}
    for start, word in enumerate(words):
        for key, cue in index.starting_at(word):
            if key not in first_seen and _matches_at(cue, words, start):
                first_seen[key] = start
    return {key: first_seen[key] for key in cues if key in first_seen}


def cued_topics(question: str, language: str) -> set[str]:
    """The entry topics whose cue words occur in `question` (in its language's cues)."""
    return set(cue_positions(question, language))
