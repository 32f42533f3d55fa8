"""Emergency and support messages built by actions/safety.py, with the real directory."""

from __future__ import annotations

from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.safety import ActionEmergency, ActionSupport
from tests.actions.conftest import make_tracker


async def run(action, tracker, domain):
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, domain)
    return [m["custom"] for m in dispatcher.messages], events


async def test_an_emergency_in_france_names_15_and_112_and_ends_any_form(domain):
    tracker = make_tracker(
        "douleur déchirante dans le dos",
        slots={"language": "fr", "country": "FR", "user_language": "fr"},
        intent="emergency",
        red_flag={"category": "dissection_rupture"},
        active_loop="centre_form",
    )
    messages, events = await run(ActionEmergency(), tracker, domain)
    assert [m["type"] for m in messages] == ["emergency"]
    assert "15" in messages[0]["text"] and "112" in messages[0]["text"]
    assert events == [
        ActiveLoop(None),
        SlotSet("requested_slot", None),
        SlotSet("emergency_kind", "physical"),
        SlotSet("handoff_consent", None),
    ]


async def test_an_emergency_names_the_disease_from_the_message_itself(domain):
    tracker = make_tracker(
        "I have Marfan and a tearing pain",
        intent="emergency",
        entities=[{"entity": "disease", "value": "HTAD"}],
        red_flag={"category": "dissection_rupture"},
    )
    messages, _ = await run(ActionEmergency(), tracker, domain)
    assert messages[0]["number"] == "112"
    assert "(Marfan" in messages[0]["text"]


async def test_suicidal_intent_gets_the_country_crisis_line(domain):
    tracker = make_tracker(
        "I want to end it all",
        slots={"country": "BE"},
        intent="emergency",
        red_flag={"category": "self_harm"},
    )
    messages, _ = await run(ActionEmergency(), tracker, domain)
    assert messages[0]["type"] == "emergency"
    assert "1813" in messages[0]["text"] and "112" in messages[0]["text"]


async def test_distress_without_a_known_country_still_offers_someone_to_talk_to(domain):
    messages, _ = await run(ActionSupport(), make_tracker("I'm so scared", intent="express_distress"), domain)
    assert "doctor" in messages[0]["text"]
    assert messages[0]["buttons"] == [{"title": "Talk to a person", "payload": "/request_human"}]
