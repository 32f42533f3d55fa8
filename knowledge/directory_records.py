"""The directory's records (knowledge/directory.py loads them): centres and patient
organisations, each with its sources and the item the chat API sends, and the plain-words
labels of labels.yml in the six languages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from common.languages import LANGUAGES

# Labels are written in these languages; any other language gets the first one (English).
LABEL_LANGUAGES = LANGUAGES


def language_code(language: str) -> str:
    """The two-letter code of `language` ("fr_BE" -> "fr"), English when empty."""
    return (language or LABEL_LANGUAGES[0]).replace("_", "-").split("-")[0].lower()


@dataclass(frozen=True)
class Labels:
    """Plain-words labels from labels.yml: {category: {value: {language: text}}}."""

    working_groups: dict[str, dict[str, str]]
    membership: dict[str, dict[str, str]]
    vascern_link: dict[str, dict[str, str]]
    scopes: dict[str, dict[str, str]]

    @property
    def groups(self) -> tuple[str, ...]:
        """The working-group codes, in the order of labels.yml (the order of the buttons)."""
        return tuple(self.working_groups)

    def group(self, code: str, language: str) -> str:
        """Plain-words name of a working group for a button, e.g. "Primary lymphoedema (PPL)"."""
        return self.text("working_groups", code, language)

    def text(self, category: str, value: str, language: str) -> str:
        """Return the label of ``value`` in ``category`` in ``language`` (English if missing)."""
        labels = getattr(self, category)[value]
        return labels.get(language_code(language)) or labels[LABEL_LANGUAGES[0]]


@dataclass(frozen=True)
class Centre:
    """A hospital team (VASCERN member or national expert centre) with its sources."""

    id: str
    hospital: str
    unit: str | None
    city: str | None
    country: str
    lat: float
    lon: float
    working_groups: tuple[str, ...]
    membership: str
    website: str | None
    phone: str | None
    email: str | None
    sources: tuple[str, ...]
    labels: Labels = field(repr=False, compare=False)

    def to_item(self, language: str) -> dict[str, Any]:
        """Return the item the chat API sends (name, unit, city, country, working_groups, membership...)."""
        membership = self.labels.text("membership", self.membership, language)
        return _api_item(self, self.hospital, self.city, self.unit, membership)


@dataclass(frozen=True)
class Organisation:
    """A patient organisation; ``country`` is an alpha-2 code or a scope (EU, INT)."""

    id: str
    name: str
    country: str
    working_groups: tuple[str, ...]
    # the conditions of its working groups it is for, when only some (empty: all of them)
    conditions: tuple[str, ...]
    vascern_link: str
    website: str | None
    phone: str | None
    email: str | None
    sources: tuple[str, ...]
    labels: Labels = field(repr=False, compare=False)

    def to_item(self, language: str) -> dict[str, Any]:
        """Return the API item (same fields as a centre; city and unit are None)."""
        link = self.labels.text("vascern_link", self.vascern_link, language)
        return _api_item(self, self.name, None, None, link)


def _api_item(
    record: Centre | Organisation, name: str, city: str | None, unit: str | None, membership: str
) -> dict[str, Any]:
    """The card the chat API sends for a centre or an organisation (docs/api.md)."""
    return {
        "name": name,
        "city": city,
        "country": record.country,
        "working_groups": list(record.working_groups),
        "url": record.website,
        "phone": record.phone,
        "email": record.email,
        "unit": unit,
        "membership": membership,
        "sources": list(record.sources),
    }
