"""The patient's own say over the conversation: negative feedback, and erasing it.

Both send their reply with a marker that web/ reads before passing the reply on (and
strips, since it is not part of the public API): `record: negative_feedback` stores the
feedback beside the transcript; `erase_conversation: true` makes web delete the stored
transcript and Rasa's tracker of this conversation before it answers.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import Restarted
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.unhelped import unhelpful
from common.markers import ERASE_CONVERSATION, NEGATIVE_FEEDBACK, RECORD
from common.responses import render


class ActionNegativeFeedback(Action):
    """ "That wasn't helpful": an apology, an offer to rephrase and a person; recorded. The
    second time in a row (or after a refusal) it says who answers instead (unhelped.py)."""

    def name(self) -> str:
        return "action_negative_feedback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        message = render(domain, "utter_feedback_sorry", tracker.get_slot("language"))
        message[RECORD] = NEGATIVE_FEEDBACK
        return unhelpful(dispatcher, tracker, domain, message)


class ActionEraseConversation(Action):
    """After the patient confirmed: say the conversation is deleted, and have web delete it."""

    def name(self) -> str:
        return "action_erase_conversation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        message = render(domain, "utter_erased", tracker.get_slot("language"))
        message[ERASE_CONVERSATION] = True
        dispatcher.utter_message(json_message=message)
        return [Restarted()]
