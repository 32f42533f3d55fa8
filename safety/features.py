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

from common.ngrams import ngram_counts
from safety.text import normalise

MAX_CHARS = 2000  # the public API's limit; longer text is cut

_WORD_RE = re.compile(r"[^\W_]+")


def words(text: str) -> list[str]:
    """The folded words of a message."""
    return _WORD_RE.findall(normalise(text[:MAX_CHARS]))


def features(text: str, signals: Iterable[str] = ()) -> Counter[str]:
    """Feature name -> count for one message and the rules' signals on it."""
    counts = ngram_counts(words(text))
    counts.update(signals)
    return counts
