"""Handing a conversation to a person: consent, a channel (email or phone), the contact,
the language a person should answer in, one line about the question, then confirmation.

Contact details are health-adjacent personal data (ARCHITECTURE.md, Safety rule 4): they
are asked for only after explicit consent (GDPR art. 9(2)(a)), and a refusal stores nothing.
The `handoff` message with status "requested" is what web/ turns into a ticket: the contact,
channel and question travel on it as markers, never in the transcript. "stop" cancels at any
step; an emergency interrupts the form (its slots ignore emergency messages).
"""

from __future__ import annotations

import re
from typing import Any

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.handoff_choices import EMAIL, PHONE, read_channel, read_language
from common.forms import HANDOFF_FORM
from common.languages import LANGUAGES, NATIVE_NAMES, reply_language
from common.markers import (
    HANDOFF_CHANNEL,
    HANDOFF_CONTACT,
    HANDOFF_LANGUAGE,
    HANDOFF_QUESTION,
    OFFER,
    OFFER_PERSON,
)
from common.places import is_country
from common.responses import render

# Anything shaped like an address; email-validator decides whether it is one.
EMAIL_CANDIDATE = re.compile(r"[^\s<>(),;:\"']+@[^\s<>(),;:\"']+")
# The region a national phone number is read in, when the conversation names no country.
REGION_OF_LANGUAGE = {"fr": "FR", "de": "DE", "it": "IT", "es": "ES", "nl": "NL", "en": "GB"}
HANDOFF_SLOTS = (
    "handoff_consent",
    "handoff_channel",
    "handoff_contact",
    "handoff_language",
    "handoff_question",
)
# The patient's line about their question is kept to one line for the ticket.
MAX_QUESTION_CHARS = 300


def find_email(text: str) -> str | None:
    """The first valid email address in `text` (normalised), or None."""
    for candidate in EMAIL_CANDIDATE.findall(text):
        try:
            return validate_email(candidate.rstrip(".!?"), check_deliverability=False).normalized
        except EmailNotValidError:
            continue
    return None


def find_phone(text: str, region: str | None = None) -> str | None:
    """The first valid phone number in `text` (international format), or None; a national
    number is read as one of `region` (ISO 3166 alpha-2)."""
    for match in phonenumbers.PhoneNumberMatcher(text, region or "FR", leniency=phonenumbers.Leniency.VALID):
        return phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return None


def find_contact(text: str, region: str | None = None) -> str | None:
    """The email address or else the phone number in `text`, or None."""
    return find_email(text) or find_phone(text, region)


def _region(tracker: Tracker) -> str | None:
    country = tracker.get_slot("country")
    return country if is_country(country) else REGION_OF_LANGUAGE.get(tracker.get_slot("language") or "")


def _cleared() -> list[dict[str, Any]]:
    return [SlotSet(slot, None) for slot in HANDOFF_SLOTS]


class ValidateHandoffForm(FormValidationAction):
    """Validation of handoff_form: each answer read, and re-asked when it cannot be used."""

    def name(self) -> str:
        return f"validate_{HANDOFF_FORM}"

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

    async def validate_handoff_channel(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """ "Email" or "phone" in any of the six languages; an address or number typed straight
        away chooses its channel and fills the contact too."""
        text = value if isinstance(value, str) else ""
        email, phone = find_email(text), find_phone(text, _region(tracker))
        if email or phone:
            return {"handoff_channel": EMAIL if email else PHONE, "handoff_contact": email or phone}
        return {"handoff_channel": read_channel(text)}

    async def validate_handoff_contact(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """An email address or a phone number, as the channel chosen asks; else re-asked."""
        text = value if isinstance(value, str) else ""
        if tracker.get_slot("handoff_channel") == PHONE:
            contact, invalid = find_phone(text, _region(tracker)), "utter_invalid_phone"
        else:
            contact, invalid = find_email(text), "utter_invalid_email"
        if contact is None:
            dispatcher.utter_message(json_message=render(domain, invalid, tracker.get_slot("language")))
        return {"handoff_contact": contact}

    async def validate_handoff_language(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """One of the six languages, by button or by name; else re-asked."""
        return {"handoff_language": read_language(value) if isinstance(value, str) else None}

    async def validate_handoff_question(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The patient's own line, on one line and at most MAX_QUESTION_CHARS long."""
        line = " ".join(value.split()) if isinstance(value, str) else ""
        return {"handoff_question": line[:MAX_QUESTION_CHARS] or None}


class ActionAskHandoffContact(Action):
    """Asks for the email address or the phone number, as the channel chosen."""

    def name(self) -> str:
        return "action_ask_handoff_contact"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        channel = tracker.get_slot("handoff_channel")
        response = "utter_ask_handoff_phone" if channel == PHONE else "utter_ask_handoff_email"
        dispatcher.utter_message(json_message=render(domain, response, tracker.get_slot("language")))
        return []


class ActionAskHandoffLanguage(Action):
    """Asks in which language a person should answer: the conversation's language first."""

    def name(self) -> str:
        return "action_ask_handoff_language"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        current = reply_language(tracker.get_slot("language"))
        message = render(domain, "utter_ask_handoff_language", current)
        order = [current] + [code for code in LANGUAGES if code != current]
        message["buttons"] = [{"title": NATIVE_NAMES[code], "payload": NATIVE_NAMES[code]} for code in order]
        dispatcher.utter_message(json_message=message)
        return []


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
            message[HANDOFF_CHANNEL] = tracker.get_slot("handoff_channel")
            message[HANDOFF_QUESTION] = tracker.get_slot("handoff_question")
            message[HANDOFF_LANGUAGE] = tracker.get_slot("handoff_language") or message["language"]
        else:
            message = render(domain, "utter_handoff_declined", language)
        dispatcher.utter_message(json_message=message)
        return _cleared()


class ActionCancel(Action):
    """Acknowledges "stop" and forgets everything given for a handoff, so a later request
    asks for consent again."""

    def name(self) -> str:
        return "action_cancel"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(json_message=render(domain, "utter_cancelled", tracker.get_slot("language")))
        return _cleared()


class ActionAffirm(Action):
    """A typed "yes": after a message that offered a person, the handoff starts; otherwise
    "anything else?"."""

    def name(self) -> str:
        return "action_affirm"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        last = next((event for event in reversed(tracker.events) if event.get("event") == "bot"), None)
        custom = ((last or {}).get("data") or {}).get("custom") or {}
        if custom.get(OFFER) == OFFER_PERSON:
            return [FollowupAction(HANDOFF_FORM)]
        dispatcher.utter_message(
            json_message=render(domain, "utter_anything_else", tracker.get_slot("language"))
        )
        return []
