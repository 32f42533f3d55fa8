"""Slots filled after every user message, inside the Rasa process.

Rasa 3.6 runs a domain's `action_validate_slot_mappings` on the action server after every
message: a round trip with the whole tracker and domain in JSON, the largest single cost of a
turn after the answer itself (bench/profile.py). These slots need nothing the action server
holds, so `install()` makes Rasa's slot extraction fill them here, with the same rules:

- language: the reply language. It follows the conversation: a message switches it only
  when bot/language.py marks its detection as clear; the first message of a conversation
  takes the page-language hint (message metadata) when the detection is not clear.
- user_language: the language the patient writes in (en fr de it es nl). Answers inside the
  handoff form never switch it.
- city and country: a city is kept only when the place gazetteer knows it, and brings its
  country along; a new country without a city ("non, plutôt en Suisse") drops the old city.
"""

from __future__ import annotations

from typing import Any

from rasa.core.actions.action import ActionExtractSlots
from rasa.shared.core.events import Event, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from common.forms import HANDOFF_FORM
from common.languages import LANGUAGES, reply_language
from knowledge.places import place_for


def choose_language(current: str | None, detected: dict[str, Any] | None, hint: str | None) -> str | None:
    """The patient's language after this message, given what the conversation had so far."""
    if hint not in LANGUAGES:
        hint = None
    if detected is None:
        return current or hint
    if detected.get("clear") or (current is None and hint is None):
        return detected["code"]
    return current or hint


def language_slots(tracker: DialogueStateTracker) -> dict[str, Any]:
    """user_language and language after the tracker's latest message."""
    current = tracker.get_slot("user_language")
    if tracker.active_loop_name != HANDOFF_FORM:
        # answers to the handoff form (an address, "per E-Mail", a language's name) are too
        # short to say anything about the patient's language
        message = tracker.latest_message
        hint = (message.metadata or {}).get("language") if message else None
        detected = (message.parse_data or {}).get("detected_language") if message else None
        current = choose_language(current, detected, hint if isinstance(hint, str) else None)
    return {"user_language": current, "language": reply_language(current)}


def place_slots(extracted: dict[str, Any], tracker: DialogueStateTracker) -> dict[str, Any]:
    """City and country as extracted from this message, kept consistent with each other and
    with the city the conversation already has."""
    slots = dict(extracted)
    if "city" in slots:
        place = place_for(None, slots["city"]) if isinstance(slots["city"], str) else None
        slots.update({"city": place.city, "country": place.country} if place else {"city": None})
    if "country" in extracted:
        city = slots.get("city", tracker.get_slot("city"))
        city_place = place_for(None, city) if city else None
        if city_place is not None and city_place.country != extracted["country"]:
            slots.update({"country": extracted["country"], "city": None})
    return slots


def fill_slots(slot_events: list[SlotSet], tracker: DialogueStateTracker) -> list[Event]:
    """The slot events of a message: the extracted ones, checked, and the language slots."""
    extracted = {event.key: event.value for event in slot_events}
    slots = {**place_slots(extracted, tracker), **language_slots(tracker)}
    return [SlotSet(name, value) for name, value in slots.items()]


def install() -> None:
    """Replace Rasa's call to the action server after slot extraction by fill_slots()."""

    async def execute_validation_action(
        self: ActionExtractSlots,
        extraction_events: list[Event],
        output_channel: Any,
        nlg: Any,
        tracker: DialogueStateTracker,
        domain: Any,
    ) -> list[Event]:
        slot_events = [event for event in extraction_events if isinstance(event, SlotSet)]
        return fill_slots(slot_events, tracker)

    ActionExtractSlots._execute_validation_action = execute_validation_action  # type: ignore[method-assign]
