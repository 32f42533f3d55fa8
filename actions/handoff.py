"""Handing a conversation to a person: consent first, then a contact, then confirmation.

Contact details are health-adjacent personal data (ARCHITECTURE.md, Safety rule 4): they
are asked for only after explicit consent, and a refusal stores nothing. The `handoff`
message with status "requested" is what web/ records as a request for the team.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from common.markers import HANDOFF_CONTACT
from common.responses import render

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A phone number: optional +, then 8 to 15 digits with spaces, dots, dashes or brackets.
PHONE = re.compile(r"\+?\d[\d\s.()-]{6,18}\d")
MIN_PHONE_DIGITS = 8


def find_contact(text: str) -> str | None:
    """The email address or phone number in `text`, or None."""
    email = EMAIL.search(text)
    if email:
        return email.group(0)
    phone = PHONE.search(text)
    if phone and sum(c.isdigit() for c in phone.group(0)) >= MIN_PHONE_DIGITS:
        return phone.group(0).strip()
    return None


class ValidateHandoffForm(FormValidationAction):
    """Validation of handoff_form."""

    def name(self) -> str:
        return "validate_handoff_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        if tracker.get_slot("handoff_consent") is False:
            return []  # no consent: ask nothing more
        return domain_slots

    async def validate_handoff_contact(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        contact = find_contact(value) if isinstance(value, str) else None
        if contact is None:
            language = tracker.get_slot("language")
            dispatcher.utter_message(json_message=render(domain, "utter_invalid_contact", language))
        return {"handoff_contact": contact}


class ActionSubmitHandoff(Action):
    """Confirms the request (or the refusal) and clears the form for a later request."""

    def name(self) -> str:
        return "action_submit_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        language = tracker.get_slot("language")
        contact = tracker.get_slot("handoff_contact")
        if tracker.get_slot("handoff_consent") and contact:
            message = render(domain, "utter_handoff_requested", language, contact=contact)
            message[HANDOFF_CONTACT] = contact
        else:
            message = render(domain, "utter_handoff_declined", language)
        dispatcher.utter_message(json_message=message)
        return [SlotSet("handoff_consent", None), SlotSet("handoff_contact", None)]


class ActionCancel(Action):
    """Acknowledges "stop" and forgets any consent and contact given for a handoff, so a
    later request asks for consent again."""

    def name(self) -> str:
        return "action_cancel"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(json_message=render(domain, "utter_cancelled", tracker.get_slot("language")))
        return [SlotSet("handoff_consent", None), SlotSet("handoff_contact", None)]
