"""Contact details and consent for a human answer (actions/handoff.py)."""

from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import ActionCancel, find_contact
from tests.actions.conftest import make_tracker


@pytest.mark.parametrize(
    ("text", "contact"),
    [
        ("marie.dupont@example.org", "marie.dupont@example.org"),
        ("vous pouvez m'écrire à jean+vascern@mail.fr merci", "jean+vascern@mail.fr"),
        ("+33 6 12 34 56 78", "+33 6 12 34 56 78"),
        ("call me on 0612345678 please", "0612345678"),
        ("my number is 123", None),
        ("no thanks", None),
    ],
)
def test_an_email_or_phone_number_is_recognised(text, contact):
    assert find_contact(text) == contact


async def test_stop_forgets_the_consent_given_for_a_handoff(domain):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("stop", slots={"handoff_consent": True}, intent="stop")
    events = await ActionCancel().run(dispatcher, tracker, domain)
    assert events == [SlotSet("handoff_consent", None), SlotSet("handoff_contact", None)]
    assert dispatcher.messages[0]["custom"]["text"].startswith("All right")
