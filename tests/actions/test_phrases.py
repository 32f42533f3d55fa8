"""Every patient-facing response exists in French and English (actions/phrases.py)."""

from __future__ import annotations

import pytest

from actions.phrases import render


def test_every_response_has_a_french_and_an_unconditional_english_variant(domain):
    for name, variants in domain["responses"].items():
        languages = {v["custom"]["language"] for v in variants}
        assert languages == {"en", "fr"}, name
        english = [v for v in variants if not v.get("condition")]
        assert len(english) == 1 and english[0]["custom"]["language"] == "en", name
        for variant in variants:
            if variant.get("condition"):
                assert variant["condition"] == [{"type": "slot", "name": "language", "value": "fr"}]
                assert variant["custom"]["language"] == "fr", name


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
