"""Every patient-facing response exists in French and English (actions/phrases.py)."""

from __future__ import annotations

import pytest

from actions.phrases import render

# Shown by web/ before or after a safety message, so in all six languages.
SIX_LANGUAGE_RESPONSES = ("utter_disclaimer",)


def test_every_response_has_a_french_and_an_unconditional_english_variant(domain):
    for name, variants in domain["responses"].items():
        languages = {v["custom"]["language"] for v in variants}
        expected = {"en", "fr", "de", "it", "es", "nl"} if name in SIX_LANGUAGE_RESPONSES else {"en", "fr"}
        assert languages == expected, name
        english = [v for v in variants if not v.get("condition")]
        assert len(english) == 1 and english[0]["custom"]["language"] == "en", name
        for variant in variants:
            language = variant["custom"]["language"]
            if language == "fr":
                assert variant["condition"] == [{"type": "slot", "name": "language", "value": "fr"}]
            elif language != "en":
                assert variant["condition"] == [{"type": "slot", "name": "user_language", "value": language}]


def test_the_disclaimer_is_in_the_patients_own_language_when_it_is_one_of_six(domain):
    german = render(domain, "utter_disclaimer", "en", "de", privacy_url="/privacy")
    assert german["language"] == "de" and "112" in german["text"]
    assert render(domain, "utter_greet", "en", "de")["language"] == "en"


def test_french_and_english_variants_have_the_same_shape(domain):
    for name, variants in domain["responses"].items():
        shapes = {(v["custom"]["type"], len(v["custom"].get("buttons", []))) for v in variants}
        assert len(shapes) == 1, name


@pytest.mark.parametrize(("language", "expected"), [("fr", "fr"), ("en", "en"), ("de", "en"), (None, "en")])
def test_replies_are_french_or_english_by_the_language_slot(domain, language, expected):
    assert render(domain, "utter_greet", language)["language"] == expected


def test_placeholders_are_filled(domain):
    message = render(domain, "utter_handoff_requested", "fr", contact="a@b.org")
    assert "a@b.org" in message["text"] and "{" not in message["text"]
