"""Emergencies, the safety question, and distress (ARCHITECTURE.md, Safety rules 1 and 2).

The Rasa component (bot/components.py) runs the safety layer on every message and sets
the `emergency` or `safety_check` intent, with the `safety` property. The messages come from
safety/messages.py, in the patient's own language (six languages), with the numbers of the
patient's country:

- `action_emergency`        the emergency message, first and alone; ends any form. Suicidal
                            intent gets the country's crisis lines beside the number.
- `action_safety_question`  "Is this happening now?" with "Yes, now" / "No" (for possible
                            suicidal intent, the direct question); remembers what it may be
                            in the slot `safety_pending`.
- `action_safety_cleared`   after "No": call at once if it starts or gets worse, then the
                            answer to the original question if the content has one.
- `action_support`          distress without intent: warmth and a person; no suicide line.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.answers import find_answer, no_reliable_answer, send_answer, send_answer_and_centres
from actions.searches import organisation_cards
from common.languages import reply_language
from safety import messages
from safety.kinds import SELF_HARM, SUICIDAL
from safety.numbers import Numbers, numbers_book

PHYSICAL = "physical"


def patient_language(tracker: Tracker) -> str:
    """The language the patient writes in (one of six), for safety messages: the one the
    safety layer read the message in, else the conversation's."""
    read = (tracker.latest_message.get("safety") or {}).get("language")
    return read or tracker.get_slot("user_language") or tracker.get_slot("language") or "en"


def numbers_for(tracker: Tracker) -> Numbers:
    """The numbers of the patient's country, else of their language's default country."""
    return numbers_book().numbers_for(tracker.get_slot("country"), patient_language(tracker))


def _stop_form(kind: str | None) -> list[dict[str, Any]]:
    return [
        ActiveLoop(None),
        SlotSet("requested_slot", None),
        SlotSet("emergency_kind", SELF_HARM if kind == SUICIDAL else PHYSICAL),
        # consent given before the emergency is asked again next time
        SlotSet("handoff_consent", None),
        SlotSet("safety_pending", None),
    ]


class ActionEmergency(Action):
    """Sends the emergency message first, and ends any form in progress."""

    def name(self) -> str:
        return "action_emergency"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        # a confirmed safety question carries what the earlier message may have been
        found = tracker.latest_message.get("safety") or tracker.get_slot("safety_pending") or {}
        kind, subject = found.get("kind"), found.get("subject")
        message = messages.emergency_message(kind, subject, patient_language(tracker), numbers_for(tracker))
        dispatcher.utter_message(json_message=message)
        return _stop_form(kind)


class ActionSafetyQuestion(Action):
    """Asks "Is this happening now?" before anything else, in the patient's language."""

    def name(self) -> str:
        return "action_safety_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        found = tracker.latest_message.get("safety") or {}
        pending = {
            "kind": found.get("kind"),
            "subject": found.get("subject"),
            "text": tracker.latest_message.get("text") or "",
        }
        question = messages.safety_question(patient_language(tracker), pending["kind"])
        dispatcher.utter_message(json_message=question)
        return [ActiveLoop(None), SlotSet("requested_slot", None), SlotSet("safety_pending", pending)]


class ActionSafetyCleared(Action):
    """After "No, not now": when to call, then the answer to the original question."""

    def name(self) -> str:
        return "action_safety_cleared"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        pending = tracker.get_slot("safety_pending") or {}
        language_of_patient = patient_language(tracker)
        if pending.get("kind") == SUICIDAL:  # not thinking of ending their life: warmth, a person
            dispatcher.utter_message(json_message=messages.distress_message(language_of_patient))
            return [SlotSet("safety_pending", None)]
        cleared = messages.cleared_message(language_of_patient, numbers_for(tracker))
        dispatcher.utter_message(json_message=cleared)
        events: list[dict[str, Any]] = [SlotSet("safety_pending", None)]
        language = reply_language(tracker.get_slot("language"))
        answer = find_answer(tracker, language, pending.get("text")) if pending.get("text") else None
        if answer is not None:
            events += send_answer(dispatcher, domain, answer, language, tracker.get_slot("disease"))
        return events


class ActionSupport(Action):
    """Distress without intent: warmth and a person offered, never the suicide line. The
    tone changes, the help does not: a question in the message is still answered (or, with
    no reliable answer, said so); without one, the patient organisations of the disease in
    context are offered."""

    def name(self) -> str:
        return "action_support"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(json_message=messages.distress_message(patient_language(tracker)))
        language = reply_language(tracker.get_slot("language"))
        sent = send_answer_and_centres(dispatcher, tracker, domain, language)
        if sent:
            return sent
        if "?" in (tracker.latest_message.get("text") or ""):  # a question without an answer
            return no_reliable_answer(dispatcher, tracker, domain, language)
        cards = organisation_cards(tracker, domain)
        if cards is not None:
            dispatcher.utter_message(json_message=cards)
        return []
