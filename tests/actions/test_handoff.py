"""Contact details and consent for a human answer (actions/handoff.py)."""

from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import HANDOFF_SLOTS, ActionCancel, ValidateHandoffForm, find_contact
from common.places import EUROPE
from tests.actions.conftest import make_tracker


@pytest.mark.parametrize(
    ("text", "region", "contact"),
    [
        ("marie.dupont@example.org", None, "marie.dupont@example.org"),
        ("vous pouvez m'écrire à jean+vascern@mail.fr merci", "FR", "jean+vascern@mail.fr"),
        ("+33 6 12 34 56 78", None, "+33 6 12 34 56 78"),
        ("appelez-moi au 06 12 34 56 78", "FR", "+33 6 12 34 56 78"),
        ("rufen Sie mich an: 030 1234567", "DE", "+49 30 1234567"),
        ("chiamatemi al 347 123 4567", "IT", "+39 347 123 4567"),
        ("bel me op 06 12345678", "NL", "+31 6 12345678"),
        ("my number is 123", None, None),
        ("0612", "FR", None),
        ("marie.dupont@example", None, None),
        ("marie@@example.org", None, None),
        ("no thanks", None, None),
    ],
)
def test_a_valid_email_or_phone_number_is_recognised_and_anything_else_re_asked(text, region, contact):
    assert find_contact(text, region) == contact


async def test_stop_forgets_the_consent_given_for_a_handoff(domain):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("stop", slots={"handoff_consent": True}, intent="stop")
    events = await ActionCancel().run(dispatcher, tracker, domain)
    assert events == [SlotSet(slot, None) for slot in HANDOFF_SLOTS]
    assert dispatcher.messages[0]["custom"]["text"].startswith("All right")


async def test_a_national_number_is_read_in_the_language_s_country_when_the_place_is_europe(domain):
    number = "06 12 34 56 78"
    tracker = make_tracker(number, slots={"country": EUROPE, "language": "fr", "handoff_channel": "phone"})
    validate = ValidateHandoffForm().validate_handoff_contact
    slots = await validate(number, CollectingDispatcher(), tracker, domain)
    assert slots == {"handoff_contact": "+33 6 12 34 56 78"}
