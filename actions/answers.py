"""Answers from the curated knowledge base, and the fallback for what NLU cannot place.

Questions (ask_disease_info, ask_symptoms, nlu_fallback) go to the hybrid retriever in
the patient's language, boosted by the disease known from the conversation so follow-ups
("and in children?") stay on topic. Below the calibrated threshold nothing is guessed:
a question gets "no reliable answer", an unplaced message "I'm not sure I understood";
both offer choices, never silence.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import resources
from actions.phrases import render, reply_language
from knowledge.answer import compose_answer

QUESTION_INTENTS = ("ask_disease_info", "ask_symptoms")


class ActionAnswerQuestion(Action):
    """Answers a question from curated content, citing its sources."""

    def name(self) -> str:
        return "action_answer_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        language = reply_language(tracker.get_slot("language"))
        disease = tracker.get_slot("disease")
        if disease == "other":
            disease = None
        retriever = resources.retriever()
        hits = retriever.search(tracker.latest_message.get("text") or "", language, disease=disease)
        answer = compose_answer(hits, language, retriever.config.threshold)
        if answer is None:
            intent = (tracker.latest_message.get("intent") or {}).get("name")
            fallback = "utter_no_reliable_answer" if intent in QUESTION_INTENTS else "utter_not_understood"
            dispatcher.utter_message(json_message=render(domain, fallback, language))
            return []
        best = answer.sources[0]
        message = render(
            domain,
            "utter_answer",
            language,
            answer=answer.text,
            source_title=best["title"],
            reviewed=best["reviewed"],
        )
        message["sources"] = answer.sources
        dispatcher.utter_message(json_message=message)
        if answer.disease and answer.disease != disease:
            return [SlotSet("disease", answer.disease)]
        return []


class ActionDefaultFallback(Action):
    """When no rule or story fits: say so and offer choices."""

    def name(self) -> str:
        return "action_default_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        language = tracker.get_slot("language")
        dispatcher.utter_message(json_message=render(domain, "utter_not_understood", language))
        return []
