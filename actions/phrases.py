"""Render the domain's responses (domain.yml) into public-API messages.

Each response in domain.yml is a list of variants whose `custom` payload already has the
API message shape; the French variant carries `condition: language = fr`, the English one
none, and the emergency responses also have variants for `user_language` de, it, es, nl.
`render` picks the variant for a language and fills `{placeholders}` in its text.
"""

from __future__ import annotations

import copy
from typing import Any

FRENCH = "fr"
ENGLISH = "en"


def reply_language(language: str | None) -> str:
    """The language replies are written in: French or English."""
    return FRENCH if language == FRENCH else ENGLISH


def _variant(
    variants: list[dict[str, Any]], language: str, user_language: str | None
) -> dict[str, Any]:
    for variant in variants:
        conditions = variant.get("condition") or []
        if conditions and all(
            c.get("name") == "user_language" and c.get("value") == user_language for c in conditions
        ):
            return variant
    default = None
    for variant in variants:
        conditions = variant.get("condition") or []
        if not conditions:
            default = variant
        elif all(
            c.get("name") == "language" and c.get("value") == language for c in conditions
        ):
            return variant
    if default is None:
        raise KeyError("response has no unconditional (English) variant")
    return default


def render(
    domain: dict[str, Any],
    name: str,
    language: str | None,
    user_language: str | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """The API message of response `name` in `language`, placeholders filled from `fields`.

    A response with a variant for the patient's own `user_language` (the emergency ones, in
    German, Italian, Spanish and Dutch) uses it instead."""
    variants = domain["responses"][name]
    message = copy.deepcopy(_variant(variants, reply_language(language), user_language)["custom"])
    message["text"] = message["text"].format(**fields)
    return message
