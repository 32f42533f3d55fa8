"""Fallbacks of actions/answers.py: never silence, and in the patient's own language."""

from __future__ import annotations

from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import ActionDefaultFallback
from tests.actions.conftest import make_tracker


async def texts(tracker, domain) -> list[str]:
    dispatcher = CollectingDispatcher()
    await ActionDefaultFallback().run(dispatcher, tracker, domain)
    return [m["custom"]["text"] for m in dispatcher.messages]


async def test_the_fallback_offers_choices_and_never_stays_silent(domain):
    messages = await texts(make_tracker("blorp", intent="nlu_fallback"), domain)
    assert messages == ["I'm not sure I understood. Could you rephrase, or choose below?"]


async def test_someone_writing_spanish_is_answered_in_spanish(domain):
    tracker = make_tracker(
        "quiero hablar con alguien", slots={"user_language": "es", "language": "es"}, intent="nlu_fallback"
    )
    messages = await texts(tracker, domain)
    assert len(messages) == 1
    assert messages[0].startswith("No sé si le he entendido"), messages


async def test_no_reliable_answer_is_marked_for_the_curators_list(domain):
    from actions.answers import no_reliable_answer

    dispatcher = CollectingDispatcher()
    events = no_reliable_answer(
        dispatcher, make_tracker("wat is dit?", slots={"language": "nl"}), domain, "nl"
    )
    message = dispatcher.messages[0]["custom"]
    assert message["record"] == "unanswered" and message["language"] == "nl"
    assert events == [SlotSet("unhelped_turns", 1)]


async def test_the_second_unhelpful_turn_says_who_answers_and_keeps_the_record(domain):
    from actions.answers import no_reliable_answer

    dispatcher = CollectingDispatcher()
    tracker = make_tracker("et ça ?", slots={"language": "fr", "unhelped_turns": 1})
    events = no_reliable_answer(dispatcher, tracker, domain, "fr")
    (message,) = [m["custom"] for m in dispatcher.messages]
    assert "modérateurs" in message["text"] and message["record"] == "unanswered"
    assert message["offer"] == "person" and message["buttons"][0]["payload"] == "/request_human"
    assert events == [SlotSet("unhelped_turns", 0)]


def test_the_condition_in_context_is_the_latest_one_the_patient_named_in_that_disease():
    from actions.answers import condition_in_context

    tracker = make_tracker("is there a test for it?", slots={"disease": "NEUROVASC"})
    said = ["my sister has Marfan", "and my dad has CADASIL", "thanks", "is there a test for it?"]
    tracker.events = [{"event": "user", "text": text} for text in said]
    assert condition_in_context(tracker, "NEUROVASC") == "cadasil"
    assert condition_in_context(tracker, "HTAD") == "marfan"
    assert condition_in_context(tracker, "HHT") is None
    assert condition_in_context(tracker, None) is None
