"""Expert-centre and patient-organisation finder: two forms over the same two slots.

Both forms need a disease group and a place (country or city). Slots already known from
the conversation are not asked again; a disease outside every group ends the form at once
with an explanation and a human offered; a correction after a search ("non, plutôt en
Suisse") runs the last search again. Results come from knowledge/directory/ only.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import resources
from actions.answers import send_routed_answer
from actions.context import condition_in_context
from actions.searches import search_centres, search_organisations
from common.groups import OUTSIDE_NETWORK
from common.languages import reply_language
from common.responses import render

# The intents that start a search (and may also ask something about the condition).
SEARCH_INTENTS = ("find_centre", "find_organisation")
PLACE_ANSWER_INTENTS = ("inform", "nlu_fallback", *SEARCH_INTENTS)


class ActionAskDisease(Action):
    """Asks for the disease group, with one button per group in plain words; a question the
    search message also asked is answered first ("can I get a second opinion in Germany?")."""

    def name(self) -> str:
        return "action_ask_disease"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        language = reply_language(tracker.get_slot("language"))
        events = answer_first(dispatcher, tracker, domain, language)
        labels = resources.directory().labels
        message = render(domain, "utter_ask_disease", language)
        message["buttons"] = [
            {"title": labels.group(code, language), "payload": f'/inform{{"disease":"{code}"}}'}
            for code in labels.groups
        ]
        dispatcher.utter_message(json_message=message)
        return events


class ActionAskCountry(Action):
    """Asks where to search. When the message that started the search also named a
    condition and asked something about it ("which specialist should follow Loeys-Dietz?",
    "can I fly to Australia with FMD?"), that answer comes first: the question is not lost
    to the search. A search for patient organisations of a group that has its own European
    ones (for the condition the patient named, when one) also offers them with one tap
    ("any marfan groups on facebook??" needs no country)."""

    def name(self) -> str:
        return "action_ask_country"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        language = reply_language(tracker.get_slot("language"))
        events = answer_first(dispatcher, tracker, domain, language)
        response = "utter_ask_country"
        group = tracker.get_slot("disease")
        directory = resources.directory()
        searching = tracker.active_loop_name == "organisation_form" and group in directory.labels.groups
        if searching and directory.has_european_organisations(group, condition_in_context(tracker, group)):
            response = "utter_ask_organisation_country"
        dispatcher.utter_message(json_message=render(domain, response, language))
        return events


def answer_first(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict, language: str
) -> list[dict[str, Any]]:
    """On the message that started a search, the answer to what it also asked (the cell of the
    content grid or the network-wide entry it is routed to), else nothing."""
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    if intent not in SEARCH_INTENTS:
        return []
    return send_routed_answer(dispatcher, tracker, domain, language)


class _PlaceAndDiseaseValidation:
    """Shared validation of the centre and organisation forms (a mixin: rasa_sdk registers
    every Action subclass, so the shared part must not be one)."""

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        if tracker.get_slot("disease") == OUTSIDE_NETWORK:
            return []  # nothing to search: the submit action explains why
        return domain_slots

    async def extract_country(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Asked for a place, the patient typed something that is not one: say so."""
        if tracker.get_slot("requested_slot") != "country":
            return {}
        entities = {e.get("entity") for e in tracker.latest_message.get("entities", [])}
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if entities & {"country", "city"} or intent not in PLACE_ANSWER_INTENTS:
            return {}
        language = tracker.get_slot("language")
        dispatcher.utter_message(json_message=render(domain, "utter_place_not_recognised", language))
        return {"country": None}


class ValidateCentreForm(_PlaceAndDiseaseValidation, FormValidationAction):
    """Validation of centre_form."""

    def name(self) -> str:
        return "validate_centre_form"


class ValidateOrganisationForm(_PlaceAndDiseaseValidation, FormValidationAction):
    """Validation of organisation_form."""

    def name(self) -> str:
        return "validate_organisation_form"


class ActionFindCentres(Action):
    """Submits centre_form."""

    def name(self) -> str:
        return "action_find_centres"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list:
        return search_centres(dispatcher, tracker, domain)


class ActionFindOrganisations(Action):
    """Submits organisation_form."""

    def name(self) -> str:
        return "action_find_organisations"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list:
        return search_organisations(dispatcher, tracker, domain)


class ActionSearchAgain(Action):
    """After a correction ("no, rather in Switzerland"), runs the last search again."""

    def name(self) -> str:
        return "action_search_again"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list:
        last = tracker.get_slot("last_search")
        ready = tracker.get_slot("disease") and tracker.get_slot("country")
        if not ready:
            language = tracker.get_slot("language")
            dispatcher.utter_message(json_message=render(domain, "utter_anything_else", language))
            return []
        if last == "organisations":
            return search_organisations(dispatcher, tracker, domain)
        return search_centres(dispatcher, tracker, domain)
