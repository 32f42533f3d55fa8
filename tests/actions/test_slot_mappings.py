"""The reply language follows the conversation (actions/slot_mappings.py)."""

from __future__ import annotations

import pytest

from actions.slot_mappings import choose_language

CLEAR_FR = {"code": "fr", "confidence": 0.9, "clear": True}
UNCLEAR_EN = {"code": "en", "confidence": 0.5, "clear": False}


@pytest.mark.parametrize(
    ("current", "detected", "hint", "expected"),
    [
        (None, UNCLEAR_EN, None, "en"),  # first message, nothing else known
        (None, UNCLEAR_EN, "fr", "fr"),  # the page language seeds a short first message
        (None, CLEAR_FR, "en", "fr"),  # a clear message beats the page language
        ("fr", UNCLEAR_EN, None, "fr"),  # "ok" does not switch a French conversation
        ("en", CLEAR_FR, None, "fr"),  # a clear French sentence does
        ("fr", None, None, "fr"),  # a button payload keeps the language
        (None, UNCLEAR_EN, "xx", "en"),  # an unknown hint is ignored
    ],
)
def test_language_switches_only_on_a_clear_message(current, detected, hint, expected):
    assert choose_language(current, detected, hint) == expected
