"""Emergency, safety-question and distress messages built by actions/safety.py."""

from __future__ import annotations

import pytest
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.safety import ActionEmergency, ActionSafetyCleared, ActionSafetyQuestion, ActionSupport
from safety import messages as safety_messages
from tests.actions.conftest import make_tracker


async def run(action, tracker, domain):
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, domain)
    return [m["custom"] for m in dispatcher.messages], events


def _safety(kind, subject=None, level="emergency"):
    return {"level": level, "kind": kind, "subject": subject}


async def test_an_emergency_in_france_names_15_and_112_and_ends_any_form(domain):
    tracker = make_tracker(
        "douleur déchirante dans le dos",
        slots={"language": "fr", "country": "FR", "user_language": "fr"},
        intent="emergency",
        safety=_safety("aortic_dissection"),
        active_loop="centre_form",
    )
    messages, events = await run(ActionEmergency(), tracker, domain)
    assert [m["type"] for m in messages] == ["emergency"]
    assert "15 ou 112" in messages[0]["text"] and "aorte" in messages[0]["text"]
    assert events == [
        ActiveLoop(None),
        SlotSet("requested_slot", None),
        SlotSet("emergency_kind", "physical"),
        SlotSet("handoff_consent", None),
        SlotSet("safety_pending", None),
    ]


async def test_an_emergency_about_someone_else_speaks_to_the_writer_in_their_language(domain):
    tracker = make_tracker(
        "mijn zoon heeft een aanval die niet stopt",
        slots={"user_language": "nl"},
        intent="emergency",
        safety=_safety("seizure", "son"),
    )
    messages, _ = await run(ActionEmergency(), tracker, domain)
    assert messages[0]["language"] == "nl" and messages[0]["number"] == "112"
    assert "voor uw zoon" in messages[0]["text"]


async def test_suicidal_intent_gets_the_country_crisis_line(domain):
    tracker = make_tracker(
        "I want to end it all", slots={"country": "BE"}, intent="emergency", safety=_safety("suicidal")
    )
    messages, events = await run(ActionEmergency(), tracker, domain)
    assert messages[0]["type"] == "emergency"
    assert "1813" in messages[0]["text"] and "112" in messages[0]["text"]
    assert SlotSet("emergency_kind", "self_harm") in events


async def test_the_safety_question_remembers_what_it_may_be(domain):
    tracker = make_tracker(
        "my chest feels tight", intent="safety_check", safety=_safety("cardiac_chest_pain", level="ask")
    )
    messages, events = await run(ActionSafetyQuestion(), tracker, domain)
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/confirm_emergency", "/deny_emergency"]
    pending = {"kind": "cardiac_chest_pain", "subject": None, "text": "my chest feels tight"}
    assert SlotSet("safety_pending", pending) in events


async def test_yes_now_gives_the_emergency_message_for_what_was_asked_about(domain):
    pending = {"kind": "cardiac_chest_pain", "subject": "husband", "text": "his chest feels tight"}
    slots = {"safety_pending": pending}
    tracker = make_tracker("/confirm_emergency", slots=slots, intent="confirm_emergency")
    messages, _ = await run(ActionEmergency(), tracker, domain)
    assert messages[0]["category"] == "cardiac_chest_pain" and "for your husband" in messages[0]["text"]


async def test_no_to_a_suicidal_question_gets_warmth_not_the_crisis_line(domain):
    pending = {"kind": "suicidal", "subject": None, "text": "I'm so tired of everything"}
    tracker = make_tracker("/deny_emergency", slots={"safety_pending": pending}, intent="deny_emergency")
    messages, events = await run(ActionSafetyCleared(), tracker, domain)
    assert [m["type"] for m in messages] == ["text"]
    assert "112" not in messages[0]["text"]
    assert events == [SlotSet("safety_pending", None)]


async def test_distress_gets_warmth_and_a_person_never_the_suicide_line(domain):
    messages, _ = await run(ActionSupport(), make_tracker("I'm so scared", intent="express_distress"), domain)
    assert "suicide" not in messages[0]["text"].lower() and "112" not in messages[0]["text"]
    assert messages[0]["buttons"] == [{"title": "Talk to a person", "payload": "/request_human"}]


async def test_distress_with_a_question_still_gets_the_answer(domain):
    tracker = make_tracker(
        "I'm so scared, my son has Marfan syndrome, what are the warning signs?",
        intent="express_distress",
    )
    messages, _ = await run(ActionSupport(), tracker, domain)
    assert [m["type"] for m in messages] == ["text", "answer"]
    assert "suicide" not in " ".join(m["text"].lower() for m in messages)
    assert messages[1]["sources"][0]["disease"] == "HTAD"


async def test_distress_without_a_question_offers_the_organisations_of_the_disease(domain):
    tracker = make_tracker(
        "je suis perdue, tout ça me dépasse",
        slots={"language": "fr", "disease": "HHT"},
        intent="express_distress",
    )
    messages, _ = await run(ActionSupport(), tracker, domain)
    assert [m["type"] for m in messages] == ["text", "organisations"]
    assert all("HHT" in item["working_groups"] for item in messages[1]["items"])


@pytest.mark.parametrize("language", ["en", "fr", "de", "it", "es", "nl"])
def test_the_direct_question_about_suicidal_thoughts_has_yes_and_no_in_every_language(language):
    # A YAML key spelled `yes:` once read as the boolean True: the question crashed the action
    # server and the patient got "unavailable" instead of the question.
    question = safety_messages.safety_question(language, "suicidal")
    titles = [button["title"] for button in question["buttons"]]
    assert len(titles) == 2 and all(isinstance(title, str) and title for title in titles)
