"""Every patient-facing response exists in the six languages (common/responses.py)."""

from __future__ import annotations

import re

import pytest

from common.responses import render

SIX = {"en", "fr", "de", "it", "es", "nl"}


def test_every_response_has_a_variant_per_language_and_an_unconditional_english_one(domain):
    for name, variants in domain["responses"].items():
        languages = [v["custom"]["language"] for v in variants]
        assert sorted(languages) == sorted(SIX), name
        english = [v for v in variants if not v.get("condition")]
        assert len(english) == 1 and english[0]["custom"]["language"] == "en", name
        for variant in variants:
            language = variant["custom"]["language"]
            if language != "en":
                assert variant["condition"] == [{"type": "slot", "name": "language", "value": language}]


def test_placeholders_and_button_payloads_are_the_same_in_every_language(domain):
    for name, variants in domain["responses"].items():
        english = next(v["custom"] for v in variants if not v.get("condition"))
        fields = set(re.findall(r"{(\w+)}", english["text"]))
        payloads = [button["payload"] for button in english.get("buttons", [])]
        for variant in variants:
            custom = variant["custom"]
            assert set(re.findall(r"{(\w+)}", custom["text"])) == fields, (name, custom["language"])
            assert [b["payload"] for b in custom.get("buttons", [])] == payloads, (name, custom["language"])


def test_the_disclaimer_is_short_and_in_the_patients_language(domain):
    for language in SIX:
        disclaimer = render(domain, "utter_disclaimer", language, privacy_url="/privacy")
        assert disclaimer["language"] == language and "112" in disclaimer["text"]
        assert len(disclaimer["text"].replace("/privacy", "").split()) <= 30, language


def test_french_and_english_variants_have_the_same_shape(domain):
    for name, variants in domain["responses"].items():
        shapes = {(v["custom"]["type"], len(v["custom"].get("buttons", []))) for v in variants}
        assert len(shapes) == 1, name


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fr", "fr"), ("en", "en"), ("de", "de"), ("nl", "nl"), ("pt", "en"), (None, "en")],
)
def test_replies_are_in_the_language_of_the_slot_english_otherwise(domain, language, expected):
    assert render(domain, "utter_greet", language)["language"] == expected


def test_placeholders_are_filled(domain):
    message = render(domain, "utter_handoff_requested", "fr", contact="a@b.org")
    assert "a@b.org" in message["text"] and "{" not in message["text"]
