"""Bag-of-n-grams features for the small linear text models (the safety model, the topic
model): word unigrams and bigrams, and character n-grams inside " word " padding, which
carry typos, SMS spellings, compounds and inflections across the six languages."""

from __future__ import annotations

from collections import Counter

CHAR_NGRAMS = (3, 4, 5)  # lengths of character n-grams


def ngram_counts(tokens: list[str], char_ngrams: tuple[int, ...] = CHAR_NGRAMS) -> Counter[str]:
    """Feature name -> count: "w word", "b word word" and "c xyz" for ``tokens`` (already
    folded by the caller's rules)."""
    counts: Counter[str] = Counter()
    for i, token in enumerate(tokens):
        counts["w " + token] += 1
        if i:
            counts["b " + tokens[i - 1] + " " + token] += 1
        padded = f" {token} "
        for n in char_ngrams:
            for start in range(len(padded) - n + 1):
                counts["c " + padded[start : start + n]] += 1
    return counts
