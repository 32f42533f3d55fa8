"""Finding countries and cities in free text (knowledge/places.py)."""

from __future__ import annotations

import time
import unicodedata

import babel
import pytest

from common.places import EUROPE, is_country
from knowledge.places import country_place, find_place, find_places, place_for

# The 27 EU member states, the EEA states outside the EU, Switzerland and the United Kingdom.
# fmt: off
EU_EEA_CH_GB = (
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV",
    "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO", "CH", "GB",
)
# fmt: on
LANGUAGES = ("fr", "en", "de", "it", "es", "nl")
# A lookup must stay under this many milliseconds (the brief's budget per message).
MAX_LOOKUP_MS = 5.0


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("code", EU_EEA_CH_GB)
def test_every_eu_eea_country_switzerland_and_the_uk_resolve_from_their_name_in_each_language(code, language):
    name = babel.Locale(language).territories[code]
    for written in {name, _strip_accents(name)}:
        place = find_place(written)
        assert place is not None and place.country == code, (written, place)


@pytest.mark.parametrize(
    "text, country, city",
    [
        ("centre HHT près de Lyon", "FR", "Lyon"),
        ("Marfan expert in Belgium", "BE", None),
        ("Ehlers-Danlos vasculaire Italie", "IT", None),
        ("is there anyone in Ireland?", "IE", None),
        ("Morocco", "MA", None),
        ("Lyon, France", "FR", "Lyon"),
        ("Valencia, Spain", "ES", "Valencia"),
        ("I live in the UK", "GB", None),
        ("Ich lebe in den Niederlanden", "NL", None),
        ("j'habite aux Pays-Bas", "NL", None),
        ("in Deutschland", "DE", None),
        ("en Angleterre", "GB", None),
        ("Hollande", "NL", None),
        ("États-Unis", "US", None),
        ("on habite en Bretagne", "FR", "Rennes"),
        ("Wo wird CADASIL in Kärnten betreut?", "AT", "Klagenfurt am Wörthersee"),
        ("wir wohnen in NRW", "DE", "Düsseldorf"),
        ("dove curano la CADASIL in Toscana?", "IT", "Florence"),
        ("we live in Scotland", "GB", "Edinburgh"),
        ("een ziekenhuis in Noord-Brabant", "NL", "'s-Hertogenbosch"),
        ("vivimos en Andalucía", "ES", "Sevilla"),
        ("médecin expert HHT au Québec", "CA", None),
        ("près de Sion en Valais", "CH", "Sitten"),
    ],
)
def test_a_place_named_anywhere_in_a_message_is_found(text, country, city):
    place = find_place(text)
    assert place is not None and (place.country, place.city) == (country, city)


@pytest.mark.parametrize(
    "text, city, country",
    [
        ("Bruxels", "Brussels", "BE"),
        ("Amsterdm", "Amsterdam", "NL"),
        ("Barcelone", "Barcelona", "ES"),
        ("Lyonn", "Lyon", "FR"),
        ("Muenchen", "Munich", "DE"),
        ("près de Lyonn", "Lyon", "FR"),
        ("near Birmingam", "Birmingham", "GB"),
    ],
)
def test_misspelled_cities_resolve(text, city, country):
    place = find_place(text)
    assert place is not None and (place.city, place.country) == (city, country)


@pytest.mark.parametrize(
    "text, city, country",
    [
        ("Gand", "Gent", "BE"),
        ("Anvers", "Antwerp", "BE"),
        ("Londres", "London", "GB"),
        ("Bruxelles", "Brussels", "BE"),
        ("Milan", "Milan", "IT"),
        ("Milano", "Milan", "IT"),
        ("Munich", "Munich", "DE"),
        ("München", "Munich", "DE"),
        ("Genève", "Geneva", "CH"),
        ("Cologne", "Köln", "DE"),
        ("Köln", "Köln", "DE"),
        ("Lisbonne", "Lisbon", "PT"),
        ("Den Haag", "The Hague", "NL"),
    ],
)
def test_city_names_in_other_languages_resolve(text, city, country):
    place = find_place(text)
    assert place is not None and (place.city, place.country) == (city, country)


@pytest.mark.parametrize(
    "text",
    [
        "Marfan",
        "My son has Marfan syndrome",
        "nice to meet you",
        "Of course, thank you",
        "Best regards",
        "I need help with my genes",
        "les gènes de mon fils",
        "mon fils de 5 ans",
        "was darf ich essen",
        "Ich habe keinen Mut mehr",
        "spreekt u Engels?",
        "informatie in het Nederlands",
        "tengo sed",
        "la réunion de demain",
        "vena cava",
        "I want to split the bill",
        "crema idratante",
        "bonne soirée",
        "un grand merci",
        "ça marche",
        "en général",
        "allergie au pollen",
        "what are the ghent criteria for marfan",
    ],
)
def test_ordinary_words_and_disease_names_are_not_places(text):
    assert find_places(text) == []


@pytest.mark.parametrize(
    "text, city",
    [
        ("je vis à Nice", "Nice"),
        ("centre près de Crema", "Crema"),
        ("Crema", "Crema"),
        ("Ich wohne in Essen", "Essen"),
    ],
)
def test_a_name_that_is_also_a_word_counts_when_capitalised_after_a_place_word(text, city):
    place = find_place(text)
    assert place is not None and place.city == city


@pytest.mark.parametrize(
    "text",
    [
        "is there anyone in Europe who knows Loeys-Dietz",
        "centre expert en Europe",
        "welche Klinik in Europa",
        "centro per la sturge weber in europa",
        "¿hay algún centro en Europa?",
        "anywhere in the EU",
        "Europe",
    ],
)
def test_europe_is_a_place_in_every_language(text):
    place = find_place(text)
    assert place is not None and place.country == EUROPE and place.city is None
    assert not is_country(place.country) and is_country("FR")


def test_the_european_reference_networks_are_not_a_place():
    assert find_places("what is a European Reference Network?") == []


def test_a_city_in_a_named_country_wins_over_the_country():
    assert find_place("Lyon, France").city == "Lyon"
    assert find_place("Je suis en Belgique, à Gand").city == "Gent"


def test_places_are_listed_in_text_order_with_their_span():
    text = "I live in London but could go to Paris"
    places = find_places(text)
    assert [p.city for p in places] == ["London", "Paris"]
    assert [text[p.start : p.end] for p in places] == ["London", "Paris"]


def test_a_country_place_is_located_at_its_capital():
    france = country_place("FR")
    assert france.city is None and france.name == "France"
    assert abs(france.lat - 48.85) < 0.1 and abs(france.lon - 2.35) < 0.1


def test_place_for_builds_a_place_from_slot_values():
    assert place_for("FR", "Lyon").city == "Lyon"
    assert place_for("be", None).country == "BE"
    assert place_for("IT", "Lyon").city is None  # Lyon is not in Italy: the country is kept
    assert place_for(None, None) is None


def test_a_lookup_takes_less_than_five_milliseconds():
    messages = [
        "Bonjour, je cherche un centre HHT près de Lyon pour ma fille, ou en Suisse si possible, merci",
        "Is there any Marfan expert in Belgium or the Netherlands? We live near Amsterdm",
        "Mein Sohn hat ein vaskuläres Ehlers-Danlos-Syndrom, gibt es jemanden in München?",
    ]
    find_places("warm up")
    start = time.perf_counter()
    rounds = 50
    for _ in range(rounds):
        for message in messages:
            find_places(message)
    elapsed_ms = (time.perf_counter() - start) * 1000 / (rounds * len(messages))
    assert elapsed_ms < MAX_LOOKUP_MS
