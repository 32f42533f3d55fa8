"""The languages the safety layer reads and answers in (ISO 639-1)."""

from __future__ import annotations

LANGUAGES = ("en", "fr", "de", "it", "es", "nl")
