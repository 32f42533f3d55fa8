"""Turns where the assistant did not help: a question without a reliable answer, a message it
did not understand or cannot help with, negative feedback. Counted in a row (the slot
``unhelped_turns``); the second one in a row says who can answer instead (the network's
moderators; for a medical question the patient's doctor or an expert centre) and offers a
person. A turn that helped (an answer, a search result) starts the count again."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from common.markers import OFFER, OFFER_PERSON, RECORD
from common.responses import render

UNHELPED_SLOT = "unhelped_turns"
# After this many unhelpful turns in a row, the patient is told who answers and offered a person.
WHO_ANSWERS_AFTER = 2


def helped() -> SlotSet:
    """The event that starts the count again after a turn that helped."""
    return SlotSet(UNHELPED_SLOT, 0)


def unhelpful(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict, message: dict[str, Any]
) -> list[dict[str, Any]]:
    """Send `message` (a refusal, a "not understood", an apology), or, if it is the second
    unhelpful turn in a row, the "who answers" offer in its place (keeping what `message`
    asked web to record)."""
    count = int(tracker.get_slot(UNHELPED_SLOT) or 0) + 1
    if count < WHO_ANSWERS_AFTER:
        dispatcher.utter_message(json_message=message)
        return [SlotSet(UNHELPED_SLOT, count)]
    offer = render(domain, "utter_who_answers", tracker.get_slot("language"))
    offer[OFFER] = OFFER_PERSON
    if RECORD in message:
        offer[RECORD] = message[RECORD]
    dispatcher.utter_message(json_message=offer)
    return [SlotSet(UNHELPED_SLOT, 0)]
