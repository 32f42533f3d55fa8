"""Negative feedback and erasing the conversation (actions/conversation.py)."""

from __future__ import annotations

from rasa_sdk.events import Restarted
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import ActionEraseConversation, ActionNegativeFeedback
from tests.actions.conftest import make_tracker


async def run(action, tracker, domain):
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, domain)
    return [m["custom"] for m in dispatcher.messages], events


async def test_negative_feedback_gets_an_apology_a_person_and_is_recorded(domain):
    tracker = make_tracker("tu comprends rien", slots={"language": "fr"}, intent="feedback_negative")
    messages, _ = await run(ActionNegativeFeedback(), tracker, domain)
    assert len(messages) == 1 and messages[0]["language"] == "fr"
    assert messages[0]["record"] == "negative_feedback"
    assert messages[0]["buttons"] == [{"title": "Parler à une personne", "payload": "/request_human"}]
    assert messages[0]["text"].startswith("Je regrette")


async def test_erasing_says_so_in_the_patients_language_and_restarts_the_dialogue(domain):
    tracker = make_tracker("ja", slots={"language": "de"}, intent="affirm")
    messages, events = await run(ActionEraseConversation(), tracker, domain)
    assert messages[0]["erase_conversation"] is True and messages[0]["language"] == "de"
    assert events == [Restarted()]
