"""Message language detection (the Rasa wrapper is bot/components.py).

Lingua (restricted to the six languages the safety detector covers) gives a confidence
per language; on chat-length messages that alone misleads ("Marfan expert in Belgium"
scores German), so very common words per language (language_words.yml) add evidence.
`detect_language` returns, and the component outputs for every message as the property

    detected_language = {"code": "fr", "confidence": 0.91, "clear": True}

`clear` means the message is long and unambiguous enough to switch a conversation to
another language. The decision to switch, and the page-language hint, are applied in
bot/slot_mappings.py, which sees the conversation's current language.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import yaml
from lingua import Language, LanguageDetectorBuilder

from common.text import fold

LANGUAGES = {
    "en": Language.ENGLISH,
    "fr": Language.FRENCH,
    "de": Language.GERMAN,
    "it": Language.ITALIAN,
    "es": Language.SPANISH,
    "nl": Language.DUTCH,
}
WORDS_FILE = Path(__file__).with_name("language_words.yml")
# Weight of one common-word hit share against lingua's confidence (both in [0, 1]).
WORD_WEIGHT = 0.6
# A message needs this many words and this lead over the runner-up to count as clear.
CLEAR_MIN_WORDS = 3
CLEAR_MIN_MARGIN = 0.25
# Email addresses and web addresses say nothing about the language a message is written in
# ("anna.schmidt@example.org" would read as Italian).
ADDRESSES = re.compile(r"\S+@\S+|https?://\S+|www\.\S+", re.IGNORECASE)


@functools.lru_cache(maxsize=1)
def _common_words() -> dict[str, frozenset[str]]:
    data = yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8"))
    return {lang: frozenset(fold(w) for w in words) for lang, words in data.items()}


@functools.lru_cache(maxsize=1)
def lingua_detector():  # noqa: ANN201 - lingua's type
    """The lingua detector for the six languages, loaded once."""
    return (
        LanguageDetectorBuilder.from_languages(*LANGUAGES.values()).with_preloaded_language_models().build()
    )


def detect_language(text: str) -> dict[str, Any] | None:
    """Score the six languages for one message; None when it has no words (addresses and
    numbers are not words)."""
    text = ADDRESSES.sub(" ", text)
    words = [word for word in fold(text).split() if any(c.isalpha() for c in word)]
    if not words:
        return None
    scores = {code: 0.0 for code in LANGUAGES}
    for value in lingua_detector().compute_language_confidence_values(text):
        code = value.language.iso_code_639_1.name.lower()
        scores[code] = value.value
    common = _common_words()
    for code, vocabulary in common.items():
        hits = sum(1 for w in words if w in vocabulary)
        scores[code] += WORD_WEIGHT * hits / len(words)
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    (best, best_score), (_, second_score) = ranked[0], ranked[1]
    total = sum(scores.values()) or 1.0
    return {
        "code": best,
        "confidence": round(best_score / total, 3),
        "clear": len(words) >= CLEAR_MIN_WORDS and (best_score - second_score) / total >= CLEAR_MIN_MARGIN,
    }
