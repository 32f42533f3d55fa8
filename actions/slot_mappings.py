"""Slots filled after every user message (Rasa's `action_validate_slot_mappings`).

- language: the reply language. It follows the conversation: a message switches it only
  when bot/language.py marks its detection as clear; the first message of a conversation
  takes the page-language hint (message metadata) when the detection is not clear.
- user_language: the language the patient writes in (en fr de it es nl). Answers inside the
  handoff form never switch it.
- country: a city named without its country brings its country along; a new country
  without a city ("non, plutôt en Suisse") drops the old city.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import ValidationAction
from rasa_sdk.types import DomainDict

from common.languages import reply_language
from knowledge.places import place_for

SUPPORTED = ("en", "fr", "de", "it", "es", "nl")
HANDOFF_FORM = "handoff_form"


def choose_language(current: str | None, detected: dict[str, Any] | None, hint: str | None) -> str | None:
    """The patient's language after this message, given what the conversation had so far."""
    if hint not in SUPPORTED:
        hint = None
    if detected is None:
        return current or hint
    if detected.get("clear") or (current is None and hint is None):
        return detected["code"]
    return current or hint


def _hint(tracker: Tracker) -> str | None:
    metadata = tracker.latest_message.get("metadata") or {}
    hint = metadata.get("language")
    return hint if isinstance(hint, str) else None


class ValidateSlotMappings(ValidationAction):
    """Fills the custom-mapped global slots and keeps city and country consistent."""

    def name(self) -> str:
        return "action_validate_slot_mappings"

    async def extract_user_language(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if (tracker.active_loop or {}).get("name") == HANDOFF_FORM:
            # answers to the handoff form (an address, "per E-Mail", a language's name) are
            # too short to say anything about the patient's language
            current = tracker.get_slot("user_language")
            return {"user_language": current, "language": reply_language(current)}
        language = choose_language(
            tracker.get_slot("user_language"),
            tracker.latest_message.get("detected_language"),
            _hint(tracker),
        )
        return {"user_language": language, "language": reply_language(language)}

    async def validate_city(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        place = place_for(None, value) if isinstance(value, str) else None
        if place is None:
            return {"city": None}
        return {"city": place.city, "country": place.country}

    async def validate_country(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        city = tracker.get_slot("city")
        city_place = place_for(None, city) if city else None
        if city_place is not None and city_place.country != value:
            return {"country": value, "city": None}
        return {"country": value}
