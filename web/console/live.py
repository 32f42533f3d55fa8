"""Live takeover from the console: take a conversation (the bot goes silent), talk with the
patient over the console's WebSocket, end it (the next message goes to the bot again).

`GET /console/ws` is the moderator's connection: being connected counts as online; patient
messages of the conversations they hold arrive as `{"type": "patient_message", ...}`; they
send `{"type": "say", "conversation_id", "text"}` and `{"type": "typing", "conversation_id"}`.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from aiohttp import WSMsgType, web

from web.console import keys
from web.replies import domain_message
from web.storage.accounts import Moderator
from web.storage.schema import STAFF
from web.storage.ticket_states import ASSIGNED
from web.validation import MAX_TEXT_CHARS

logger = logging.getLogger(__name__)


async def _push(
    request: web.Request, conversation_id: str, language: str | None, response: str, **fields: Any
) -> None:
    """Render a domain response for the patient, store it and push it to their widget."""
    settings = request.app[keys.SETTINGS]
    message = domain_message(settings.domain_file, response, language or "en", **fields)
    storage = request.app[keys.STORAGE]
    (message_id,) = await storage.add_messages(conversation_id, "bot", [message])
    message["id"] = str(message_id)
    await request.app[keys.LIVE].to_patient(conversation_id, {"type": "push", "messages": [message]})


async def take(request: web.Request) -> web.StreamResponse:
    """Hold the conversation: Rasa receives nothing until it ends; the patient is told who answers."""
    conversation_id = request.match_info["conversation_id"]
    storage, moderator = request.app[keys.STORAGE], request[keys.MODERATOR]
    conversation = await storage.conversation(conversation_id)
    if conversation is None:
        raise web.HTTPNotFound(reason="no such conversation")
    if conversation.held_by not in (None, moderator.id):
        raise web.HTTPConflict(reason="another moderator holds this conversation")
    await storage.update_conversation(conversation_id, held_by=moderator.id)
    ticket = await storage.tickets.open_ticket_of(conversation_id)
    if ticket and ticket["status"] != ASSIGNED:
        await storage.tickets.transition(ticket["id"], "assign", moderator.id)
    await _push(
        request, conversation_id, conversation.language, "utter_live_joined", moderator=moderator.name
    )
    await request.app[keys.AUDIT].record(moderator, "live", conversation_id, change="take")
    raise web.HTTPSeeOther(f"/console/conversations/{conversation_id}")


async def end(request: web.Request) -> web.StreamResponse:
    """Give the conversation back to the bot; the patient is told."""
    conversation_id = request.match_info["conversation_id"]
    storage, moderator = request.app[keys.STORAGE], request[keys.MODERATOR]
    conversation = await storage.conversation(conversation_id)
    if conversation is None or conversation.held_by is None:
        raise web.HTTPConflict(reason="nobody holds this conversation")
    await storage.update_conversation(conversation_id, held_by=None)
    await _push(request, conversation_id, conversation.language, "utter_live_ended")
    await request.app[keys.AUDIT].record(moderator, "live", conversation_id, change="end")
    raise web.HTTPSeeOther(f"/console/conversations/{conversation_id}")


async def _say(request: web.Request, moderator: Moderator, frame: dict[str, Any]) -> dict[str, Any]:
    conversation_id, text = frame.get("conversation_id"), frame.get("text")
    storage = request.app[keys.STORAGE]
    conversation = await storage.conversation(conversation_id) if isinstance(conversation_id, str) else None
    if conversation is None or conversation.held_by != moderator.id:
        return {"type": "error", "error": "You do not hold this conversation: take it first."}
    if frame["type"] == "typing":
        await request.app[keys.LIVE].to_patient(conversation.id, {"type": "typing", "from": "moderator"})
        return {"type": "ok"}
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT_CHARS:
        return {"type": "error", "error": f"Write 1 to {MAX_TEXT_CHARS} characters."}
    message = {
        "type": "handoff",
        "status": "live",
        "language": conversation.language or "en",
        "text": text.strip(),
        "from": moderator.name,
    }
    (message_id,) = await storage.add_messages(conversation.id, STAFF, [message])
    message["id"] = str(message_id)
    delivered = await request.app[keys.LIVE].to_patient(
        conversation.id, {"type": "push", "messages": [message]}
    )
    ticket = await storage.tickets.open_ticket_of(conversation.id)
    if ticket:  # the first live reply starts the dashboard's "time to a person's first reply"
        await storage.tickets.replied(ticket["id"], moderator.id)
    return {"type": "sent", "message_id": message["id"], "delivered": delivered > 0}


async def socket(request: web.Request) -> web.StreamResponse:
    """The moderator's live connection."""
    moderator = request[keys.MODERATOR]
    connection = web.WebSocketResponse(heartbeat=25.0, max_msg_size=16 * 1024, compress=False)
    await connection.prepare(request)
    hub = request.app[keys.LIVE]
    hub.join_moderator(moderator.id, connection)
    try:
        async for frame in connection:
            if frame.type != WSMsgType.TEXT:
                continue
            try:
                data = json.loads(frame.data)
            except ValueError:
                await connection.send_json({"type": "error", "error": "Frames must be JSON."})
                continue
            if not isinstance(data, dict) or data.get("type") not in ("say", "typing"):
                await connection.send_json({"type": "error", "error": 'type must be "say" or "typing".'})
                continue
            try:
                answer = await _say(request, moderator, data)
            except Exception:  # never let an error write an HTTP page onto the WebSocket
                logger.exception("live message of moderator %s failed", moderator.id)
                answer = {"type": "error", "error": "Not sent: please try again."}
            await connection.send_json(answer)
    finally:
        hub.leave(connection)
    return connection
