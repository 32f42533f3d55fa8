"""The conversation service: one patient turn, the same for POST /api/chat and GET /ws.

A turn, in the order that loses nothing (ARCHITECTURE.md, Public chat API):

1. find the conversation and check its secret token (403), or start a new one;
   rate-limit the conversation (429);
2. a message id the client already sent gets the stored reply again (a resend after a
   reconnect is answered, never processed twice);
3. the safety layer assesses the text; the patient's message is stored (redacted) with it;
4. the dialogue (Rasa, through bot/channel.py) answers; text that looks like a Rasa command
   is sent as text, and only a button payload this conversation was offered goes as one;
5. what the dialogue asked for is done (erase the conversation, record negative feedback or
   an unanswered question, keep a handoff contact apart, encrypted);
6. the reply is stored, linked to the patient's message, and returned. When the dialogue is
   down the patient gets a 503 naming the emergency number, after the `emergency` message
   when the text holds a possible red flag.

While a moderator holds the conversation (a live handoff), step 4 goes to the person instead;
"talk now" after a handoff request is answered by web (web/handoff/offer.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from common.languages import ENGLISH, LANGUAGES, reply_language
from common.markers import (
    CLOSING,
    ERASE_CONVERSATION,
    HANDOFF_CHANNEL,
    HANDOFF_CONTACT,
    HANDOFF_LANGUAGE,
    HANDOFF_QUESTION,
    NEGATIVE_FEEDBACK,
    RECORD,
    UNANSWERED,
)
from safety.assess import NONE, Assessment
from safety.model import SafetyModel
from web.handoff.live import END_LIVE, LiveHub
from web.handoff.notify import notifications
from web.handoff.offer import TALK_NOW, HandoffOffer
from web.handoff.summary import summarise
from web.limits import RateLimiter, TurnGate
from web.metrics import Metrics
from web.rasa import RasaClient, RasaUnavailable, Turn
from web.replies import answered_language, domain_message, order_messages, public, to_api_message
from web.safety_net import check, dialogue_down_messages, emergency_messages, patient_language
from web.settings import Settings
from web.storage import Conversation, Storage
from web.storage.database import StorageUnavailable
from web.storage.redact import redact
from web.validation import ChatRequest, RequestError

logger = logging.getLogger(__name__)
# Rasa reads a message that starts with "/" as a command (`/restart`, `/intent{...}`); an
# invisible word joiner in front makes it plain text again without changing what it says.
WORD_JOINER = "\u2060"
COMMAND_PREFIX = "/"
# When the dialogue is saturated, the client sends the message again after this long.
BUSY_RETRY_SECONDS = 5


@dataclass
class Reply:
    """The HTTP status and JSON body of one turn."""

    status: int
    body: dict[str, Any]


def dialogue_text(request: ChatRequest, offered: list[str]) -> str:
    """What Rasa receives: a payload offered by this conversation's last reply as a command,
    anything else as text."""
    if request.payload and request.payload in offered:
        return request.payload
    if request.text.startswith(COMMAND_PREFIX):
        return WORD_JOINER + request.text
    return request.text


def offered_payloads(messages: list[dict[str, Any]]) -> list[str]:
    """The button payloads a reply offers: the only commands the next message may send."""
    return [
        button["payload"]
        for message in messages
        for button in message.get("buttons") or []
        if isinstance(button.get("payload"), str)
    ]


class ConversationService:
    """Runs turns; one at a time per conversation."""

    def __init__(
        self,
        settings: Settings,
        storage: Storage,
        rasa: RasaClient,
        safety_model: SafetyModel,
        metrics: Metrics,
        conversation_limiter: RateLimiter,
        live: LiveHub,
    ) -> None:
        self._settings = settings
        self._storage = storage
        self._rasa = rasa
        self._safety_model = safety_model
        self._metrics = metrics
        self._limiter = conversation_limiter
        self.gate = TurnGate(settings.turns_in_flight, settings.turns_queued)
        self._live = live
        self._offer = HandoffOffer(settings, storage, live)
        self._locks: dict[str, asyncio.Lock] = {}

    async def authorise(self, conversation_id: object, token: object) -> Conversation:
        """The conversation, if `token` is its secret; else 403 (an unknown id gets the same
        answer, so ids cannot be probed)."""
        conversation = (
            await self._storage.conversation(conversation_id) if isinstance(conversation_id, str) else None
        )
        if conversation is None or not conversation.accepts(token):
            raise RequestError(
                403,
                "This conversation does not exist or its conversation_token is missing or wrong; "
                "omit conversation_id to start a new conversation.",
            )
        return conversation

    @asynccontextmanager
    async def _turn_lock(self, conversation_id: str) -> AsyncIterator[None]:
        lock = self._locks.setdefault(conversation_id, asyncio.Lock())
        try:
            async with lock:
                yield
        finally:
            if not lock.locked() and self._locks.get(conversation_id) is lock:
                del self._locks[conversation_id]

    async def turn(self, request: ChatRequest) -> Reply:
        """Handle one patient message (see the module docstring); while the database is
        down, a 503 naming the emergency number (after the `emergency` message for a red flag)."""
        if self.gate.full():  # shed load at once rather than let the turn time out
            raise RequestError(
                429,
                "The assistant is very busy; your message will be sent again in a moment.",
                {"Retry-After": str(BUSY_RETRY_SECONDS)},
                self._unserved_messages(request),
            )
        try:
            async with self.gate.admitted():
                return await self._turn(request)
        except StorageUnavailable as error:
            logger.error("database unavailable: %s", error)
            raise RequestError(
                503,
                "The service cannot store messages for a moment; please try again shortly.",
                messages=self._unserved_messages(request),
            ) from error

    def _unserved_messages(self, request: ChatRequest) -> list[dict[str, Any]]:
        """What a message that cannot be served now gets: the emergency message for a red
        flag, then the notice naming the emergency number."""
        assessment, _, _ = check(request.text, {}, self._safety_model)
        return dialogue_down_messages(assessment, patient_language(assessment, request.language))

    async def _turn(self, request: ChatRequest) -> Reply:
        token = request.conversation_token
        if request.conversation_id is None:
            conversation_id, token = await self._storage.start_conversation(request.language)
            conversation = Conversation(conversation_id, "", request.language, {}, [])
            new = True
        else:
            conversation = await self.authorise(request.conversation_id, token)
            new = False
            wait = self._limiter.retry_after(conversation.id)
            if wait:
                raise RequestError(
                    429,
                    "Too many messages in this conversation; please wait a moment.",
                    {"Retry-After": str(wait)},
                )
        async with self._turn_lock(conversation.id):
            reply = await self._run(conversation, request, new)
        reply.body.update(conversation_id=conversation.id, conversation_token=token)
        if request.client_message_id:
            reply.body["client_message_id"] = request.client_message_id
        return reply

    async def _run(self, conversation: Conversation, request: ChatRequest, new: bool) -> Reply:
        storage = self._storage
        asked = None
        if request.client_message_id and not new:
            asked, replies = await storage.answered(conversation.id, request.client_message_id)
            if replies and not any(message["type"] == "error" for message in replies):
                language = answered_language(replies, conversation.language or ENGLISH)
                return Reply(200, {"language": language, "messages": replies, "replayed": True})
            conversation = await storage.conversation(conversation.id) or conversation
        hint = request.language or conversation.language
        assessment, context, next_context = check(
            request.text, conversation.safety_context, self._safety_model
        )
        if asked is None:
            patient = {"type": "text", "text": request.text, "safety": assessment.to_dict()}
            asked = await storage.add_patient_message(
                conversation.id, patient, request.client_message_id, safety_context=next_context
            )
        else:
            await storage.update_conversation(conversation.id, safety_context=next_context)
        if conversation.held_by is not None:  # a person answers: Rasa receives nothing
            if request.payload == END_LIVE:  # the patient ends the chat with the person
                return await self._end_live(conversation, asked, hint)
            return await self._run_held(conversation, asked, assessment, hint, request.text)
        if request.payload == TALK_NOW and TALK_NOW in conversation.offered_payloads:
            return await self._run_talk_now(conversation, asked, hint)

        metadata: dict[str, Any] = {"safety_context": context}
        if hint:
            metadata["language"] = hint
        try:
            async with self.gate.at_rasa():
                turn = await self._rasa.send(
                    conversation.id, dialogue_text(request, conversation.offered_payloads), metadata
                )
        except RasaUnavailable as error:
            logger.warning("dialogue unavailable for %s: %s", conversation.id, error)
            turn = Turn([])
        erased, ticket_opened = await self._apply_requests(conversation.id, asked, request.text, turn, hint)
        if erased:
            asked = None  # erased with the rest of the transcript: the reply starts afresh

        messages = [to_api_message(element) for element in turn.elements]
        status = 200
        if not messages:  # Rasa or the action server failed: never leave the patient without an answer
            status = 503
            await self._resume(conversation.id)
            messages = dialogue_down_messages(assessment, patient_language(assessment, hint))
            language = messages[-1]["language"]
        else:
            language = answered_language(messages, reply_language(hint))
            if ticket_opened:  # "talk now" if a moderator is online, else when to expect an answer
                messages.append(await self._offer.after_request(language))
        closing = any((element.get("custom") or {}).get(CLOSING) for element in turn.elements)
        if new and not closing:  # a goodbye names the emergency number itself
            # beside a safety message, in the patient's own language, so nothing around it differs
            disclaimer_language = patient_language(assessment, hint) if assessment.level != NONE else language
            disclaimer = domain_message(
                self._settings.domain_file,
                "utter_disclaimer",
                disclaimer_language,
                privacy_url=self._settings.privacy_url,
            )
            messages = [disclaimer] + messages
        messages = order_messages(messages)  # an emergency goes before even the disclaimer
        self._metrics.count_messages(messages)
        await self._store_reply(
            conversation.id,
            asked,
            messages,
            turn.parse,
            language=language,
            offered_payloads=offered_payloads(messages),
        )
        return Reply(status, {"language": language, "messages": [public(message) for message in messages]})

    async def _resume(self, conversation_id: str) -> None:
        """After a turn without a reply, make sure Rasa listens again (RasaClient.resume)."""
        try:
            await self._rasa.resume(conversation_id)
        except RasaUnavailable as error:  # Rasa itself is down: it processed nothing
            logger.info("could not resume %s: %s", conversation_id, error)

    async def _run_held(
        self, conversation: Conversation, asked: int, assessment: Assessment, hint: str | None, text: str
    ) -> Reply:
        """The patient's message goes to the moderator holding the conversation; a red flag
        still shows the emergency message to the patient at once, and alerts the moderator."""
        language = patient_language(assessment, hint)
        messages = emergency_messages(assessment, language)
        await self._store_reply(conversation.id, asked, messages)
        frame = {
            "type": "patient_message",
            "conversation_id": conversation.id,
            "message_id": str(asked),
            "text": text,
            "emergency": bool(messages),
        }
        await self._live.to_moderator(conversation.held_by, frame)
        return Reply(200, {"language": language, "messages": [public(m) for m in messages], "live": True})

    async def _end_live(self, conversation: Conversation, asked: int, hint: str | None) -> Reply:
        """The patient pressed "End this chat": the next message goes to the bot again, and the
        moderator is told."""
        language = conversation.language or reply_language(hint)
        await self._storage.update_conversation(conversation.id, held_by=None)
        message = domain_message(self._settings.domain_file, "utter_live_ended_by_patient", language)
        await self._store_reply(conversation.id, asked, [message])
        frame = {"type": "patient_ended", "conversation_id": conversation.id}
        await self._live.to_moderator(conversation.held_by, frame)
        return Reply(200, {"language": language, "messages": [public(message)]})

    async def _run_talk_now(self, conversation: Conversation, asked: int, hint: str | None) -> Reply:
        """The patient pressed "talk now" (web/handoff/offer.py): answered here, not by Rasa."""
        language = conversation.language or reply_language(hint)
        messages = [await self._offer.talk_now(conversation.id, language)]
        await self._store_reply(conversation.id, asked, messages, offered_payloads=[])
        return Reply(200, {"language": language, "messages": [public(m) for m in messages]})

    async def _store_reply(
        self,
        conversation_id: str,
        asked: int | None,
        messages: list[dict[str, Any]],
        parse: dict[str, Any] | None = None,
        **conversation_values: Any,
    ) -> None:
        """Store the reply in order, linked to the patient's message, with the parse of that
        message and the conversation's new values, in one transaction; give each message its id."""
        reply = [("system" if message["type"] == "error" else "bot", message) for message in messages]
        ids = await self._storage.add_reply(conversation_id, asked, reply, parse, **conversation_values)
        for message, message_id in zip(messages, ids, strict=True):
            message["id"] = str(message_id)

    async def _apply_requests(
        self, conversation_id: str, asked: int, text: str, turn: Turn, language: str | None
    ) -> tuple[bool, bool]:
        """What the dialogue asked web to do with this conversation (actions/conversation.py,
        actions/answers.py, actions/handoff.py): erase it (the transcript so far and Rasa's
        tracker), record negative feedback, keep the patient's `text` as a question without an
        answer for curators, open a handoff ticket (with the contact, encrypted, on the ticket
        alone, and its notifications). Whether the conversation was erased, and whether a ticket
        was opened."""
        markers = [element.get("custom") or {} for element in turn.elements]
        storage = self._storage
        erased = any(marker.get(ERASE_CONVERSATION) for marker in markers)
        if erased:
            await storage.erase(conversation_id)
            try:
                await self._rasa.erase(conversation_id)
            except RasaUnavailable:
                # The transcript is gone; the log tells an operator to finish the erasure.
                logger.error("could not erase Rasa's tracker of conversation %s", conversation_id)
        if any(marker.get(RECORD) == NEGATIVE_FEEDBACK for marker in markers):
            await storage.add_messages(conversation_id, "system", [{"type": "feedback", "text": "negative"}])
        if any(marker.get(RECORD) == UNANSWERED for marker in markers):
            await storage.add_messages(conversation_id, "system", [{"type": "unanswered", "text": text}])
        opened = False
        for marker in markers:
            if marker.get("type") == "handoff" and marker.get("status") == "requested":
                # this message's parse is stored with the reply; the summary reads its entities now
                entities = list((turn.parse or {}).get("entities") or [])
                await self._open_ticket(conversation_id, marker, language, entities)
                opened = True
        return erased, opened

    async def _open_ticket(
        self,
        conversation_id: str,
        marker: dict[str, Any],
        language: str | None,
        entities: list[dict[str, Any]],
    ) -> None:
        """A ticket with the conversation's summary (the stored entities and this message's
        `entities`), so nobody asks the patient twice."""
        storage = self._storage
        question = marker.get(HANDOFF_QUESTION)
        summary = summarise(
            await storage.transcript(conversation_id),
            await storage.entities(conversation_id) + entities,
            redact(question) if isinstance(question, str) else None,
            marker.get(HANDOFF_CHANNEL),
        )
        contact = marker.get(HANDOFF_CONTACT) if isinstance(marker.get(HANDOFF_CONTACT), str) else None
        answer_language = marker.get(HANDOFF_LANGUAGE)
        if answer_language not in LANGUAGES:
            answer_language = language
        await storage.tickets.open(
            conversation_id,
            answer_language,
            summary,
            contact,
            notifications(self._settings, summary, answer_language),
        )
