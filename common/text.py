"""Text folding: the form in which matchers compare words, whatever the patient typed."""

from __future__ import annotations

import re
import unicodedata

# Letters that Unicode decomposition does not reduce to ASCII, mapped to what a person
# typing without them writes instead (ligatures and letters with a stroke).
_SPECIAL_LETTERS = str.maketrans(
    {"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l", "đ": "d", "ı": "i", "þ": "th", "ð": "d", "ħ": "h"}
)
# A word is a run of letters or digits; everything else (spaces, hyphens, apostrophes,
# punctuation) separates words.
WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Return ``text`` lower-cased, without accents or ligatures, words joined by single spaces."""
    return " ".join(folded for folded in map(fold_word, WORD.findall(text)) if folded)


def fold_word(word: str) -> str:
    """One word lower-cased, without accents or ligatures (letters and digits only)."""
    decomposed = unicodedata.normalize("NFKD", word.casefold().translate(_SPECIAL_LETTERS))
    return "".join(char for char in decomposed if char.isalnum() and not unicodedata.combining(char))
