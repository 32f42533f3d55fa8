"""Text normalisation shared by the gazetteer (``places``) and the disease lexicon (``lexicon``).

Map of this module:

- ``fold``      (from common.text) lower-cases, strips accents and ligatures, so that
                "Lymphœdème", "lymphoedeme" and "LYMPHOEDEME" compare equal.
- ``Token``     one word of a message: its folded form, its character span in the original
                text and the facts the matchers need (capitalised? first word of a sentence?).
- ``tokenize``  splits a message into ``Token``s (apostrophes and hyphens separate words).
- ``Candidate`` / ``pick_longest`` choose non-overlapping matches, longest first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from common.text import WORD, fold, fold_word

__all__ = ["Candidate", "Token", "fold", "pick_longest", "tokenize"]

# Characters that end a sentence, so that the next word is capitalised for grammar only.
_SENTENCE_END = ".!?¿¡\n"

T = TypeVar("T")


@dataclass(frozen=True)
class Token:
    """One word of a message, folded, with its span in the original text."""

    text: str
    start: int
    end: int
    capitalised: bool
    sentence_start: bool


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into folded words, keeping each word's character span."""
    tokens: list[Token] = []
    previous_end = 0
    for match in WORD.finditer(text):
        folded = fold_word(match.group())
        if not folded:
            continue
        gap = text[previous_end : match.start()]
        sentence_start = not tokens or any(char in _SENTENCE_END for char in gap)
        tokens.append(
            Token(
                text=folded,
                start=match.start(),
                end=match.end(),
                capitalised=match.group()[0].isupper(),
                sentence_start=sentence_start,
            )
        )
        previous_end = match.end()
    return tokens


@dataclass(frozen=True)
class Candidate(Generic[T]):
    """A possible match covering tokens ``first`` to ``last`` (inclusive) of a message."""

    first: int
    last: int
    start: int
    end: int
    value: T
    fuzzy: bool = False


def pick_longest(candidates: Iterable[Candidate[T]]) -> list[Candidate[T]]:
    """Keep the longest candidates that do not overlap (exact before fuzzy), in text order."""
    chosen: list[Candidate[T]] = []
    taken: set[int] = set()
    ranked = sorted(candidates, key=lambda c: (-(c.end - c.start), c.fuzzy, c.start))
    for candidate in ranked:
        span = set(range(candidate.first, candidate.last + 1))
        if span & taken:
            continue
        taken |= span
        chosen.append(candidate)
    return sorted(chosen, key=lambda c: c.start)
