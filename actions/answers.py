"""Answers from the curated knowledge base, and the fallback for what NLU cannot place.

Questions (ask_disease_info, ask_symptoms, nlu_fallback) go to the hybrid retriever in
the patient's language, boosted by the disease known from the conversation so follow-ups
("and in children?") stay on topic. Below the calibrated threshold nothing is guessed:
a question gets "no reliable answer", an unplaced message "I'm not sure I understood";
both offer choices, never silence. A personal question gets the general information with
one sentence saying that only the patient's doctor can judge their own case. A second
unhelpful turn in a row says who can answer instead and offers a person (unhelped.py).
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import resources
from actions.context import condition_in_context
from actions.searches import centres_asked
from actions.unhelped import helped, unhelpful
from common.groups import OUTSIDE_NETWORK
from common.languages import reply_language
from common.markers import RECORD, RETRIEVAL, UNANSWERED
from common.responses import render
from knowledge.answer import Answer, compose_answer
from knowledge.route import named_group

QUESTION_INTENTS = ("ask_disease_info", "ask_symptoms")


def find_answer(
    tracker: Tracker, language: str, text: str | None = None, routed_only: bool = False
) -> Answer | None:
    """The curated answer to ``text`` (else the latest message), or None below the threshold;
    with `routed_only`, only an answer from the cell of the content grid the message names
    (a condition and what it wants to know: knowledge/route.py)."""
    question = text or tracker.latest_message.get("text") or ""
    # the group of the condition this message names wins over the slot, which the dialogue
    # may have filled from a feature named beside it ("HHT ... the lung AVMs")
    disease = named_group(question) or tracker.get_slot("disease")
    retriever = resources.retriever()
    hits = retriever.search(
        question,
        language,
        disease=None if disease == OUTSIDE_NETWORK else disease,
        condition=condition_in_context(tracker, disease),
    )
    if routed_only and not (hits and hits[0].routed):
        return None
    return compose_answer(hits, language, retriever.config.threshold)


def no_reliable_answer(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict, language: str | None
) -> list[dict[str, Any]]:
    """ "No reliable answer", with choices; recorded by web for curators as a question
    without an answer (`python -m web.unanswered`)."""
    message = render(domain, "utter_no_reliable_answer", language)
    message[RECORD] = UNANSWERED
    return unhelpful(dispatcher, tracker, domain, message)


def not_understood(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    domain: DomainDict,
    response: str = "utter_not_understood",
) -> list[dict[str, Any]]:
    """ "I'm not sure I understood" (or another `response` that cannot help), with choices,
    in the patient's language."""
    return unhelpful(dispatcher, tracker, domain, render(domain, response, tracker.get_slot("language")))


def send_answer(
    dispatcher: CollectingDispatcher,
    domain: DomainDict,
    answer: Answer,
    language: str,
    disease: str | None,
    note: str = "",
) -> list[dict[str, Any]]:
    """Send an `answer` message with its sources (after a one-sentence `note`, if any);
    remember the disease it was about."""
    best = answer.sources[0]
    message = render(
        domain,
        "utter_answer",
        language,
        answer=f"{note}\n\n{answer.text}" if note else answer.text,
        source_title=best["title"],
        reviewed=best["reviewed"],
    )
    message["sources"] = answer.sources
    message[RETRIEVAL] = [
        {"id": source["id"], "score": answer.scores.get(source["id"])} for source in answer.sources
    ]
    dispatcher.utter_message(json_message=message)
    if answer.disease and answer.disease != disease:
        return [helped(), SlotSet("disease", answer.disease)]
    return [helped()]


def send_answer_and_centres(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict, language: str, note: str = ""
) -> list[dict[str, Any]]:
    """Send the curated answer to the latest message (after `note`, if any) and, when the
    message names a place and asks where to go, the centres; their events, none when neither
    was sent."""
    answer = find_answer(tracker, language)
    events = []
    if answer is not None:
        events = send_answer(dispatcher, domain, answer, language, tracker.get_slot("disease"), note)
    return events + centres_asked(dispatcher, tracker, domain)


def send_routed_answer(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict, language: str
) -> list[dict[str, Any]]:
    """Send the answer of the cell of the content grid (or the network-wide entry) the latest
    message is routed to, and return its events; nothing when it is routed nowhere."""
    answer = find_answer(tracker, language, routed_only=True)
    if answer is None:
        return []
    return send_answer(dispatcher, domain, answer, language, tracker.get_slot("disease"))


class ActionAnswerQuestion(Action):
    """Answers a question from curated content, citing its sources."""

    def name(self) -> str:
        return "action_answer_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        language = reply_language(tracker.get_slot("language"))
        sent = send_answer_and_centres(dispatcher, tracker, domain, language)
        if sent:
            return sent
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent in QUESTION_INTENTS:
            return no_reliable_answer(dispatcher, tracker, domain, language)
        return not_understood(dispatcher, tracker, domain)


class ActionPersonalAdvice(Action):
    """A personal question answered for the general information it asks ("my son has a
    venous malformation, can it be treated?" learns how it is treated in general), with one
    short sentence that only a doctor who knows the patient can judge their own case."""

    def name(self) -> str:
        return "action_personal_advice"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        language = reply_language(tracker.get_slot("language"))
        note = render(domain, "utter_personal_note", language)["text"]
        sent = send_answer_and_centres(dispatcher, tracker, domain, language, note)
        return sent or no_reliable_answer(dispatcher, tracker, domain, language)


class ActionDefaultFallback(Action):
    """When no rule or story fits: say so and offer choices."""

    def name(self) -> str:
        return "action_default_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        return not_understood(dispatcher, tracker, domain)


class ActionOutOfScope(Action):
    """What the assistant cannot help with: say so, with choices (counted as unhelpful). A
    message that names a condition of the network and what it wants to know is in scope
    whatever the classifier said ("travelling to Australia with Loeys-Dietz, anything to know
    about long flights?"): it gets that answer."""

    def name(self) -> str:
        return "action_out_of_scope"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        language = reply_language(tracker.get_slot("language"))
        answered = send_routed_answer(dispatcher, tracker, domain, language)
        return answered or not_understood(dispatcher, tracker, domain, "utter_out_of_scope")
