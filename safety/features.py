"""Features of a message for the safety model: word unigrams and bigrams and character
3-5-grams inside words, on text folded like the rules' (lower case, no accents, letters
repeated 3+ times collapsed). Character n-grams carry typos, SMS spellings, compounds and
inflections across the six languages. The rules' signals (safety/rules.py ``Reading``: the
concepts present, the categories fired or held back by a suppression) are added as features of
their own: they carry negation, history, fear and "now" across languages. Training and
inference share this one function.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from safety.text import normalise

CHAR_NGRAMS = (3, 4, 5)  # lengths of character n-grams, taken inside " word " padding
MAX_CHARS = 2000  # the public API's limit; longer text is cut

_WORD_RE = re.compile(r"[^\W_]+")


def words(text: str) -> list[str]:
    """The folded words of a message."""
    return _WORD_RE.findall(normalise(text[:MAX_CHARS]))


def features(text: str, signals: Iterable[str] = ()) -> Counter[str]:
    """Feature name -> count for one message and the rules' signals on it."""
    tokens = words(text)
    counts: Counter[str] = Counter()
    for i, token in enumerate(tokens):
        counts["w " + token] += 1
        if i:
            counts["b " + tokens[i - 1] + " " + token] += 1
        padded = f" {token} "
        for n in CHAR_NGRAMS:
            for start in range(len(padded) - n + 1):
                counts["c " + padded[start : start + n]] += 1
    counts.update(signals)
    return counts
