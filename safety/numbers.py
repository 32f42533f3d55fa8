"""Emergency and crisis-line numbers per country (safety/numbers/emergency_numbers.yml).

For red-flag symptoms: the country's ``red_flag_numbers`` if given (France: 15 and 112), else
its ambulance number, else its first general number. When the country is unknown: the
default country of the patient's language (French -> France), else the EU number 112.
The file is a draft that a person must re-verify before production use (its header says why).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

NUMBERS_FILE = Path(__file__).resolve().parent / "numbers" / "emergency_numbers.yml"
REQUIRED_FIELDS = ("country", "general", "crisis_lines", "sources", "source_checked")


@dataclass(frozen=True)
class CrisisLine:
    """A listening / suicide-prevention line (not an emergency service)."""

    name: str
    number: str
    hours: str | None = None
    url: str | None = None
    audience: str | None = None


@dataclass(frozen=True)
class Numbers:
    """What to call in one country; ``assumed`` when the patient's country was not known."""

    country: str | None
    red_flag_numbers: tuple[str, ...]
    crisis_lines: tuple[CrisisLine, ...]
    assumed: bool = False

    @property
    def number(self) -> str:
        """The first number to call for red-flag symptoms."""
        return self.red_flag_numbers[0]

    def call_text(self, or_word: str) -> str:
        """The red-flag numbers for a sentence, e.g. "15 ou 112"."""
        return f" {or_word} ".join(self.red_flag_numbers)


@dataclass(frozen=True)
class NumbersBook:
    """Every country's numbers and the defaults."""

    countries: dict[str, Numbers]
    default_by_language: dict[str, str]
    fallback: Numbers

    def numbers_for(self, country: str | None, language: str | None) -> Numbers:
        """Numbers for ``country``; else the language's default country; else 112."""
        if country and country.upper() in self.countries:
            return self.countries[country.upper()]
        default = self.default_by_language.get(language or "")
        if default:
            return replace(self.countries[default], assumed=True)
        return self.fallback


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{NUMBERS_FILE.name}: {where} must be non-empty text, not {value!r}")
    return value.strip()


def _numbers(values: Any, where: str) -> tuple[str, ...]:
    if not isinstance(values, list) or not values:
        raise ValueError(f"{NUMBERS_FILE.name}: {where} must be a non-empty list of quoted numbers")
    numbers = tuple(_text(v, where) for v in values)
    if not all(any(c.isdigit() for c in n) for n in numbers):
        raise ValueError(f"{NUMBERS_FILE.name}: {where} holds a value that is not a phone number")
    return numbers


def _country(record: dict[str, Any]) -> Numbers:
    code = record.get("country")
    if not (isinstance(code, str) and len(code) == 2 and code.isupper()):
        raise ValueError(f"{NUMBERS_FILE.name}: {code!r} is not an ISO 3166-1 alpha-2 code (quote \"NO\")")
    missing = [f for f in REQUIRED_FIELDS if f not in record]
    if missing or not record["sources"]:
        raise ValueError(f"{NUMBERS_FILE.name}: {code}: missing {missing or ['sources']}")
    general = _numbers(record["general"], f"{code}.general")
    ambulance = _numbers(record["ambulance"], f"{code}.ambulance") if record.get("ambulance") else ()
    red_flag = record.get("red_flag_numbers")
    lines = tuple(
        CrisisLine(
            name=_text(line.get("name"), f"{code}.crisis_lines.name"),
            number=_numbers([line.get("number")], f"{code}.crisis_lines.number")[0],
            hours=line.get("hours"),
            url=line.get("url"),
            audience=line.get("audience"),
        )
        for line in record["crisis_lines"] or ()
    )
    chosen = _numbers(red_flag, f"{code}.red_flag_numbers") if red_flag else (ambulance or general[:1])
    return Numbers(country=code, red_flag_numbers=chosen, crisis_lines=lines)


@functools.cache
def numbers_book(path: Path = NUMBERS_FILE) -> NumbersBook:
    """The validated numbers file (cached); ValueError names the first problem."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    countries: dict[str, Numbers] = {}
    for record in data["countries"]:
        numbers = _country(record)
        if numbers.country in countries:
            raise ValueError(f"{path.name}: duplicate country {numbers.country}")
        countries[numbers.country] = numbers
    defaults = data["meta"]["defaults"]
    by_language = dict(defaults.get("by_language") or {})
    for language, country in by_language.items():
        if country not in countries:
            raise ValueError(f"{path.name}: meta.defaults.by_language.{language}: no record for {country}")
    otherwise = defaults["otherwise"]
    fallback = Numbers(
        country=None,
        red_flag_numbers=_numbers(otherwise["red_flag_numbers"], "meta.defaults.otherwise"),
        crisis_lines=(),
        assumed=True,
    )
    return NumbersBook(countries, by_language, fallback)
