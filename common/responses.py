"""Render the domain's responses (domain.yml) into public-API messages.

Each response in domain.yml is a list of variants whose `custom` payload already has the
API message shape; each translation carries `condition: language = <code>` (fr, de, it, es,
nl), the English one none. `render` picks the variant for a language and fills
`{placeholders}` in its text.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from common.languages import reply_language


@lru_cache(maxsize=4)
def load_domain(domain_file: Path) -> dict[str, Any]:
    """domain.yml as plain data (its responses in the shape Rasa sends them), read once."""
    return yaml.safe_load(domain_file.read_text(encoding="utf-8"))


def _variant(variants: list[dict[str, Any]], language: str) -> dict[str, Any]:
    default = None
    for variant in variants:
        conditions = variant.get("condition") or []
        if not conditions:
            default = variant
        elif all(c.get("name") == "language" and c.get("value") == language for c in conditions):
            return variant
    if default is None:
        raise KeyError("response has no unconditional (English) variant")
    return default


def render(domain: dict[str, Any], name: str, language: str | None, **fields: Any) -> dict[str, Any]:
    """The API message of response `name` in `language`, placeholders filled from `fields`."""
    variants = domain["responses"][name]
    message = copy.deepcopy(_variant(variants, reply_language(language))["custom"])
    message["text"] = message["text"].format(**fields)
    return message
