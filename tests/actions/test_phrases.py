"""Every patient-facing response exists in French and English (actions/phrases.py)."""

from __future__ import annotations

import pytest

from actions.phrases import render

EMERGENCY_RESPONSES = ("utter_emergency", "utter_emergency_self_harm", "utter_no_crisis_line")


def test_every_response_has_a_french_and_an_unconditional_english_variant(domain):
    for name, variants in domain["responses"].items():
        languages = {v["custom"]["language"] for v in variants}
        expected = {"en", "fr", "de", "it", "es", "nl"} if name in EMERGENCY_RESPONSES else {"en", "fr"}
        assert languages == expected, name
        english = [v for v in variants if not v.get("condition")]
        assert len(english) == 1 and english[0]["custom"]["language"] == "en", name
        for variant in variants:
            language = variant["custom"]["language"]
            if language == "fr":
                assert variant["condition"] == [{"type": "slot", "name": "language", "value": "fr"}]
            elif language != "en":
                assert variant["condition"] == [{"type": "slot", "name": "user_language", "value": language}]


def test_an_emergency_is_in_the_patients_own_language_when_it_is_one_of_six(domain):
    german = render(domain, "utter_emergency", "en", "de", emergency_number="112", disease_hint="")
    assert german["language"] == "de" and "Rufen Sie JETZT die 112 an" in german["text"]
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
