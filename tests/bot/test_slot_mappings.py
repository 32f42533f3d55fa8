"""Slots filled after every message in the Rasa process (bot/slot_mappings.py): the reply
language follows the conversation, a city brings its country, a new country drops the city."""

from __future__ import annotations

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActiveLoop, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.slot_mappings import choose_language, fill_slots

CLEAR_FR = {"code": "fr", "confidence": 0.9, "clear": True}
UNCLEAR_EN = {"code": "en", "confidence": 0.5, "clear": False}
CLEAR_DE = {"code": "de", "confidence": 0.9, "clear": True}
DOMAIN = Domain.load("domain.yml")


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


def _tracker(*events, detected=None, metadata=None) -> DialogueStateTracker:
    message = UserUttered("…", parse_data={"detected_language": detected}, metadata=metadata or {})
    return DialogueStateTracker.from_events("test", [*events, message], slots=DOMAIN.slots)


def _slots(events) -> dict:
    return {event.key: event.value for event in events}


def test_the_language_slots_follow_a_clear_message_and_keep_the_conversations_otherwise():
    assert _slots(fill_slots([], _tracker(detected=UNCLEAR_EN, metadata={"language": "nl"}))) == {
        "user_language": "nl",
        "language": "nl",
    }
    french = SlotSet("user_language", "fr")
    assert _slots(fill_slots([], _tracker(french, detected=UNCLEAR_EN)))["language"] == "fr"
    assert _slots(fill_slots([], _tracker(french, detected=CLEAR_DE)))["language"] == "de"


def test_answers_to_the_handoff_form_never_switch_the_language():
    tracker = _tracker(SlotSet("user_language", "it"), ActiveLoop("handoff_form"), detected=CLEAR_DE)
    assert _slots(fill_slots([], tracker)) == {"user_language": "it", "language": "it"}


def test_a_known_city_brings_its_country_and_an_unknown_one_is_dropped():
    slots = _slots(fill_slots([SlotSet("city", "lyon")], _tracker(detected=CLEAR_FR)))
    assert (slots["city"], slots["country"]) == ("Lyon", "FR")
    assert _slots(fill_slots([SlotSet("city", "Atlantis")], _tracker(detected=CLEAR_FR)))["city"] is None


def test_a_new_country_without_a_city_drops_the_old_city_and_the_same_country_keeps_it():
    had_lyon = (SlotSet("city", "Lyon"), SlotSet("country", "FR"))
    switched = _slots(fill_slots([SlotSet("country", "CH")], _tracker(*had_lyon, detected=CLEAR_FR)))
    assert (switched["country"], switched["city"]) == ("CH", None)
    kept = _slots(fill_slots([SlotSet("country", "FR")], _tracker(*had_lyon, detected=CLEAR_FR)))
    assert kept["country"] == "FR" and "city" not in kept
    both_named = [SlotSet("country", "FR"), SlotSet("city", "Lyon")]
    both = _slots(fill_slots(both_named, _tracker(detected=CLEAR_FR)))
    assert (both["city"], both["country"]) == ("Lyon", "FR")
