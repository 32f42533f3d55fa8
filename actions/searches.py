"""The centre and organisation searches, shared by the finder's forms (actions/finder.py)
and by the answers: a question about a condition that also asks where to go, and names a
place ("Wo wird CADASIL in Österreich betreut?"), gets the centres beside its answer.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import resources
from actions.context import condition_in_context
from actions.unhelped import helped
from common.groups import OUTSIDE_NETWORK
from common.languages import reply_language
from common.responses import render
from knowledge.places import place_for
from knowledge.route import named_group

# Words that ask where to go, or name a place of care, in the six languages. With a place
# named in the same message, a question about a condition is also a centre search ("Gibt es
# in Bayern eine Spezialambulanz für Lymphödeme?").
WHERE = re.compile(
    r"\b(where|hospitals?|clinics?|centres?|centers?"
    r"|où|h[oô]pita(l|ux)|centres?"
    r"|wo|wohin|\w*(klinik|krankenhaus|spital|zentrum|ambulanz|sprechstunde)\w*"
    r"|dove|ospedal[ei]|centr[oi]|cliniche|clinica"
    r"|d[oó]nde|hospital(es)?|centros?|cl[ií]nicas?|unidad(es)?"
    r"|waar|\w*(ziekenhuis|ziekenhuizen|centrum|centra|kliniek|polikliniek))\b",
    re.IGNORECASE,
)


def asks_where(tracker: Tracker) -> bool:
    """Whether the latest message names a place and asks where to go."""
    message = tracker.latest_message or {}
    places = any(entity.get("entity") in ("country", "city") for entity in message.get("entities") or [])
    return places and WHERE.search(message.get("text") or "") is not None


def centres_asked(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
) -> list[dict[str, Any]]:
    """The centres for the condition the latest message names (else the disease in
    context), when it names a place and asks where to go; nothing otherwise."""
    if not asks_where(tracker):
        return []
    group = named_group(tracker.latest_message.get("text") or "") or tracker.get_slot("disease")
    if group not in resources.directory().labels.groups:
        return []
    return search_centres(dispatcher, tracker, domain, group)


def _outside_network(dispatcher: CollectingDispatcher, domain: DomainDict, language: str) -> list:
    dispatcher.utter_message(json_message=render(domain, "utter_disease_outside_network", language))
    return [SlotSet("disease", None)]


def search_centres(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict, group: str | None = None
) -> list[dict[str, Any]]:
    """Send up to five centres for the disease `group` (else the one in context) near the
    patient's place."""
    language = reply_language(tracker.get_slot("language"))
    group = group or tracker.get_slot("disease")
    if group == OUTSIDE_NETWORK:
        return _outside_network(dispatcher, domain, language)
    place = place_for(tracker.get_slot("country"), tracker.get_slot("city"))
    directory = resources.directory()
    country_name = directory.country_name(place.country, language)
    search = directory.find_centres(group, place)
    if not search.across_europe and place.country not in directory.covered_countries():
        dispatcher.utter_message(
            json_message=render(domain, "utter_outside_network_country", language, country_name=country_name)
        )
    group_label = directory.labels.group(group, language)
    if search.across_europe:
        response = "utter_centres_across_europe"
    elif not search.in_country:
        response = "utter_centres_none_in_country"
    elif all(centre.country == place.country for centre in search.items):
        response = "utter_centres"
    else:
        response = "utter_centres_then_nearest"
    message = render(
        domain,
        response,
        language,
        group_label=group_label,
        country_name=country_name,
        where=place.city or country_name,
    )
    message["items"] = [centre.to_item(language) for centre in search.items]
    dispatcher.utter_message(json_message=message)
    dispatcher.utter_message(json_message=render(domain, "utter_referral_note", language))
    return [SlotSet("last_search", "centres"), helped()]


def organisation_cards(tracker: Tracker, domain: DomainDict) -> dict[str, Any] | None:
    """The `organisations` message for the group in context (national first, then
    European), or None when the group is unknown or has no organisation listed."""
    language = reply_language(tracker.get_slot("language"))
    group = tracker.get_slot("disease")
    directory = resources.directory()
    if group not in directory.labels.groups:
        return None
    country = tracker.get_slot("country")
    organisations = directory.find_organisations(group, country, condition_in_context(tracker, group))
    if not organisations:
        return None
    message = render(
        domain,
        "utter_organisations",
        language,
        group_label=directory.labels.group(group, language),
        country_name=directory.country_name(country, language),
    )
    message["items"] = [organisation.to_item(language) for organisation in organisations]
    return message


def search_organisations(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
) -> list[dict[str, Any]]:
    """Send the patient organisations for the group: national first, then European."""
    language = reply_language(tracker.get_slot("language"))
    group = tracker.get_slot("disease")
    if group == OUTSIDE_NETWORK:
        return _outside_network(dispatcher, domain, language)
    message = organisation_cards(tracker, domain)
    if message is None:
        group_label = resources.directory().labels.group(group, language)
        dispatcher.utter_message(
            json_message=render(domain, "utter_no_organisation", language, group_label=group_label)
        )
        return [SlotSet("last_search", "organisations")]
    dispatcher.utter_message(json_message=message)
    dispatcher.utter_message(json_message=render(domain, "utter_organisations_note", language))
    return [SlotSet("last_search", "organisations"), helped()]
