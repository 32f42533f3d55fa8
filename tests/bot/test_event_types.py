"""Event classes resolved once per type name (bot/event_types.py): the same answers and the
same errors as Rasa's own lookup."""

from __future__ import annotations

import pytest
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered

from bot import event_types


@pytest.fixture
def installed():
    original = Event.__dict__["resolve_by_type"]
    event_types.install()
    yield
    Event.resolve_by_type = original


def test_known_names_resolve_to_rasas_classes_and_unknown_ones_as_before(installed):
    assert Event.resolve_by_type("slot") is SlotSet
    assert Event.resolve_by_type("slot") is SlotSet  # remembered
    assert Event.resolve_by_type("user") is UserUttered
    assert Event.resolve_by_type("no such event", default=ActionExecuted) is ActionExecuted
    assert Event.resolve_by_type("topic") is None
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no such event")


def test_an_event_class_defined_later_is_still_found(installed):
    assert Event.resolve_by_type("slot") is SlotSet

    class Defined(SlotSet):  # a concrete event class
        type_name = "defined_after_install_test"

    assert Event.resolve_by_type("defined_after_install_test") is Defined


def test_whole_trackers_deserialise_the_same(installed):
    events = [
        {"event": "user", "text": "hello", "parse_data": {"intent": {"name": "greet"}}},
        {"event": "slot", "name": "language", "value": "fr"},
        {"event": "action", "name": "utter_greet"},
    ]
    parsed = [Event.from_parameters(event) for event in events]
    assert [type(event) for event in parsed] == [UserUttered, SlotSet, ActionExecuted]
