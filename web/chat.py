"""The public chat API over HTTP (docs/api.md): POST /api/chat, /api/history, /api/feedback.

Each handler checks the request (content type 415, size 413, client rate 429, JSON 400)
and leaves the turn to the conversation service (web/conversation.py).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from web import keys
from web.limits import client_address
from web.storage.store import FEEDBACK_VALUES
from web.validation import CHAT_FIELDS, MAX_BODY_BYTES, RequestError, chat_request, decode_object

JSON = "application/json"


def json_error(error: RequestError) -> web.Response:
    """A JSON error body the widget can show (with messages to display, if any)."""
    body: dict[str, Any] = {"error": error.reason}
    if error.messages:
        body["messages"] = error.messages
    return web.json_response(body, status=error.status, headers=error.headers or None)


def client_of(request: web.Request) -> str:
    """The client's address, through the trusted reverse proxies of the settings."""
    settings = request.app[keys.SETTINGS]
    return client_address(request.remote, request.headers.get("X-Forwarded-For"), settings.trusted_proxies)


def limit_client(app: web.Application, client: str) -> None:
    """429 when this client sent too many messages."""
    wait = app[keys.CLIENT_LIMITER].retry_after(client)
    if wait:
        raise RequestError(429, "Too many messages; please wait a moment.", {"Retry-After": str(wait)})


async def _body(request: web.Request, allowed: tuple[str, ...]) -> dict[str, str | None]:
    if request.content_type != JSON:
        raise RequestError(415, "The body must be JSON, sent with Content-Type: application/json.")
    if (request.content_length or 0) > MAX_BODY_BYTES:
        raise RequestError(413, f"The request body is larger than {MAX_BODY_BYTES} bytes.")
    return decode_object(await request.content.read(MAX_BODY_BYTES + 1), allowed)


async def chat(request: web.Request) -> web.Response:
    """One patient message in, the bot's messages out."""
    try:
        limit_client(request.app, client_of(request))
        reply = await request.app[keys.CONVERSATIONS].turn(chat_request(await _body(request, CHAT_FIELDS)))
    except RequestError as error:
        return json_error(error)
    return web.json_response(reply.body, status=reply.status)


async def history(request: web.Request) -> web.Response:
    """The conversation so far, for a widget that was reloaded (with its token)."""
    try:
        fields = await _body(request, ("conversation_id", "conversation_token"))
        conversation = await request.app[keys.CONVERSATIONS].authorise(
            fields["conversation_id"], fields["conversation_token"]
        )
    except RequestError as error:
        return json_error(error)
    storage = request.app[keys.STORAGE]
    given = await storage.feedback_of(conversation.id)
    messages = await storage.history(conversation.id)
    for message in messages:
        if int(message["id"]) in given:
            message["feedback"] = given[int(message["id"])]
    return web.json_response(
        {"conversation_id": conversation.id, "language": conversation.language, "messages": messages}
    )


async def feedback(request: web.Request) -> web.Response:
    """Thumbs up or down on one bot message."""
    try:
        fields = await _body(request, ("conversation_id", "conversation_token", "message_id", "value"))
        conversation = await request.app[keys.CONVERSATIONS].authorise(
            fields["conversation_id"], fields["conversation_token"]
        )
        value, message_id = fields["value"], fields["message_id"] or ""
        if value not in FEEDBACK_VALUES:
            raise RequestError(400, '`value` must be "up" or "down".')
        if not message_id.isdigit() or not await request.app[keys.STORAGE].set_feedback(
            conversation.id, int(message_id), value
        ):
            raise RequestError(400, "`message_id` is not a message of the assistant in this conversation.")
    except RequestError as error:
        return json_error(error)
    return web.json_response({"ok": True})
