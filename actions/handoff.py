"""Handing a conversation to a person: consent first, then a contact, then confirmation.

Contact details are health-adjacent personal data (ARCHITECTURE.md, Safety rule 4): they
are asked for only after explicit consent, and a refusal stores nothing. The `handoff`
message with status "requested" is what web/ records as a request for the team.
"""

from __future__ import annotations

import re
from typing import Any

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from common.markers import HANDOFF_CONTACT
from common.responses import render

# Anything shaped like an address; email-validator decides whether it is one.
EMAIL_CANDIDATE = re.compile(r"[^\s<>(),;:\"']+@[^\s<>(),;:\"']+")
# The region a national phone number is read in, when the conversation names no country.
REGION_OF_LANGUAGE = {"fr": "FR", "de": "DE", "it": "IT", "es": "ES", "nl": "NL", "en": "GB"}


def find_contact(text: str, region: str | None = None) -> str | None:
    """The email address (normalised) or valid phone number (international format) in
    `text`, or None; a national number is read as one of `region` (ISO 3166 alpha-2)."""
    for candidate in EMAIL_CANDIDATE.findall(text):
        try:
            return validate_email(candidate.rstrip(".!?"), check_deliverability=False).normalized
        except EmailNotValidError:
            continue
    for match in phonenumbers.PhoneNumberMatcher(text, region or "FR", leniency=phonenumbers.Leniency.VALID):
        return phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
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
        region = tracker.get_slot("country") or REGION_OF_LANGUAGE.get(tracker.get_slot("language") or "")
        contact = find_contact(value, region) if isinstance(value, str) else None
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
