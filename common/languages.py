"""The languages patients write in and the assistant answers in (ISO 639-1)."""

from __future__ import annotations

LANGUAGES = ("en", "fr", "de", "it", "es", "nl")
# The language of every response's default variant, and of a reply when nothing else is known.
ENGLISH = "en"


def reply_language(language: str | None) -> str:
    """The language replies are written in: the patient's, when it is one of the six."""
    return language if language in LANGUAGES else ENGLISH


# Each language named in itself, as a patient choosing it sees it.
NATIVE_NAMES = {
    "en": "English",
    "fr": "Français",
    "de": "Deutsch",
    "it": "Italiano",
    "es": "Español",
    "nl": "Nederlands",
}
