"""The channel web talks to: Rasa's REST channel, plus what Rasa understood of the message.

`POST /webhooks/chat/webhook` takes the REST channel's body (`sender`, `message`,
`metadata`) and returns `{"messages": [...REST elements...], "parse": {...}}`, where `parse`
holds the intent (name, confidence), the entities and the language of the patient's message
and the actions the dialogue took for it, as read from the conversation's tracker after the
turn. web stores them with the message,
so the console can show each turn's intent and confidence without a second NLU pass.

`POST /webhooks/chat/erase?token=<Rasa's API token>` with `{"conversation_ids": [...]}`
deletes those conversations from the tracker store (bot/erasure.py): Rasa's own replacement
of a tracker leaves an SQL store's events in place. With `"before": <Unix seconds>`, it also
deletes every event older than that (retention's sweep).

Web is the only caller (the Rasa port is never public). A message that starts with "/" is
a command to Rasa; web sends one only for a button payload it offered itself.
"""

from __future__ import annotations

import hmac
import logging
from asyncio import CancelledError
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.erasure import erase_conversations, sweep_before
from bot.serve import configured_token
from bot.tracker_store import LeanSQLTrackerStore, primary_store

logger = logging.getLogger(__name__)
# Actions that are the dialogue's bookkeeping, not something it did for the patient.
SILENT_ACTIONS = ("action_listen", "action_session_start")
# Conversations one call to /erase may name (web's retention sends them in batches).
MAX_ERASED_PER_CALL = 500


class ChatInput(RestInput):
    """REST input whose reply also carries the parse of the patient's message."""

    @classmethod
    def name(cls) -> str:
        """The channel's name: its URL is /webhooks/chat/webhook."""
        return "chat"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """The health route and the webhook."""
        webhook = Blueprint("chat_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            sender_id = await self._extract_sender(request)
            collector = CollectingOutputChannel()
            try:
                await on_new_message(
                    UserMessage(
                        self._extract_message(request),
                        collector,
                        sender_id,
                        input_channel=self.name(),
                        metadata=self.get_metadata(request),
                    )
                )
            except CancelledError:
                logger.error("chat turn of %s cancelled (timeout)", sender_id)
            except Exception:
                logger.exception("chat turn of %s failed", sender_id)
            parse = await _latest_parse(request.app.ctx.agent, sender_id)
            return response.json({"messages": collector.messages, "parse": parse})

        @webhook.route("/erase", methods=["POST"])
        async def erase(request: Request) -> HTTPResponse:
            token, _ = configured_token()
            if not token or not hmac.compare_digest(request.args.get("token", ""), token):
                return response.json({"error": "not authenticated"}, status=401)
            body = request.json if isinstance(request.json, dict) else {}
            ids, before = body.get("conversation_ids"), body.get("before")
            if (
                not isinstance(ids, list)
                or len(ids) > MAX_ERASED_PER_CALL
                or not all(isinstance(one, str) and one for one in ids)
            ):
                return response.json(
                    {"error": f"conversation_ids: a list of at most {MAX_ERASED_PER_CALL} ids"},
                    status=400,
                )
            if before is not None and not _is_moment(before):
                return response.json({"error": "before: a time in Unix seconds"}, status=400)
            await erase_conversations(request.app.ctx.agent, ids)
            swept = 0 if before is None else await sweep_before(request.app.ctx.agent, before)
            return response.json({"erased": len(ids), "swept": swept})

        return webhook


def _is_moment(value: Any) -> bool:
    """A positive, finite number of seconds (NaN and infinity fail the comparison; a bool is
    not a number here)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value < 1e11


async def _latest_parse(agent: Any, sender_id: str) -> dict[str, Any]:
    """Intent, confidence, entities and language of the conversation's latest user message."""
    store = primary_store(agent.tracker_store)
    taken = store.take_saved(sender_id) if isinstance(store, LeanSQLTrackerStore) else None
    tracker = taken or await agent.tracker_store.retrieve(sender_id)
    if tracker is None or not tracker.latest_message:
        return {}
    data = tracker.latest_message.parse_data or {}
    intent = data.get("intent") or {}
    actions: list[str] = []
    for event in reversed(tracker.events):
        if event.type_name == "user":
            break
        name = getattr(event, "action_name", None)
        if event.type_name == "action" and name and name not in SILENT_ACTIONS:
            actions.insert(0, name)
    return {
        "actions": actions,
        "intent": intent.get("name"),
        "confidence": intent.get("confidence"),
        "entities": [
            {key: entity.get(key) for key in ("entity", "value", "extractor")}
            for entity in data.get("entities") or []
        ],
        "language": (tracker.latest_message.metadata or {}).get("language"),
    }
