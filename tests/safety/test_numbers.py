"""Emergency and crisis-line numbers (safety/numbers.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from safety.numbers import NUMBERS_FILE, numbers_book

FACTS = Path(__file__).resolve().parents[3] / "shared" / "vascern-facts"


@pytest.mark.parametrize(
    "country, language, red_flag, crisis_number, assumed",
    [
        ("FR", "fr", ("15", "112"), "3114", False),
        ("FR", "en", ("15", "112"), "3114", False),
        ("DE", "de", ("112",), "0800 111 0 111", False),
        ("NO", "en", ("113",), "116 123", False),
        ("GB", "en", ("999",), "116 123", False),
        (None, "fr", ("15", "112"), "3114", True),
        (None, "en", ("112",), None, True),
        ("JP", "it", ("112",), None, True),
    ],
)
def test_numbers_give_the_red_flag_number_and_crisis_lines(
    country, language, red_flag, crisis_number, assumed
):
    numbers = numbers_book().numbers_for(country, language)
    assert numbers.red_flag_numbers == red_flag
    assert numbers.number == red_flag[0]
    assert numbers.assumed is assumed
    lines = [line.number for line in numbers.crisis_lines]
    assert (crisis_number in lines) if crisis_number else lines == []


def test_call_text_joins_the_numbers_with_the_given_word():
    assert numbers_book().numbers_for("FR", "fr").call_text("ou") == "15 ou 112"


def test_every_country_has_sources():
    for record in yaml.safe_load(NUMBERS_FILE.read_text(encoding="utf-8"))["countries"]:
        assert record["sources"] and all(url.startswith(("http://", "https://")) for url in record["sources"])


@pytest.mark.parametrize(
    "old, new, message",
    [
        ("general: ['112']", "general: [112]", "must be non-empty text"),
        ("country: FR", "country: Fr", "not an ISO 3166-1 alpha-2 code"),
    ],
)
def test_a_broken_numbers_file_is_refused_with_the_reason(tmp_path, old, new, message):
    text = NUMBERS_FILE.read_text(encoding="utf-8")
    assert old in text
    broken = tmp_path / "emergency_numbers.yml"
    broken.write_text(text.replace(old, new), encoding="utf-8")
    numbers_book.cache_clear()
    try:
        with pytest.raises(ValueError, match=message):
            numbers_book(broken)
    finally:
        numbers_book.cache_clear()


@pytest.mark.skipif(not FACTS.is_dir(), reason="shared/vascern-facts is not beside the repository")
def test_every_country_of_the_facts_has_numbers():
    facts = yaml.safe_load((FACTS / "emergency_numbers.yaml").read_text(encoding="utf-8"))
    assert set(numbers_book().countries) == {record["country"] for record in facts["countries"]}
