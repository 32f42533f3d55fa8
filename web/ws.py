"""GET /ws: the chat API over a WebSocket, for the widget.

The client sends `{"type": "message", ...the POST /api/chat fields...}` frames; the server
answers each with `{"type": "typing"}` as soon as it starts, then `{"type": "reply", "status",
...the POST /api/chat reply...}` or `{"type": "error", "status", "error", ...}`. A connection
follows each conversation it sent a message in, or subscribed to with `{"type": "subscribe",
"conversation_id", "conversation_token"}`: while a person from the team holds the
conversation, their messages arrive as `{"type": "push", "messages": [...]}` and their
typing as `{"type": "typing", "from": "moderator"}`; the patient's typing goes to them as
`{"type": "typing", "conversation_id", "conversation_token"}` (no answer frame). Each frame
carries the client's `client_message_id`, so a widget that reconnects resends what had no
reply yet and gets the stored reply instead of a second turn. The origin must be this site
or one of the allowed embedding sites (security.py).
"""

from __future__ import annotations

import logging
import weakref
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web

from web import keys
from web.chat import client_of, limit_client
from web.security import origin_allowed
from web.validation import CHAT_FIELDS, MAX_BODY_BYTES, RequestError, chat_request, decode_object

logger = logging.getLogger(__name__)
# Keep idle connections alive through proxies that drop silent ones.
HEARTBEAT_SECONDS = 25.0
PATH = "/ws"


async def websocket(request: web.Request) -> web.StreamResponse:
    """Serve one widget connection until it closes."""
    if not origin_allowed(request):
        raise web.HTTPForbidden(reason="This origin may not open the chat.")
    # Uncompressed: the frames are small JSON, and a person's messages are pushed to this socket
    # from another task than the one answering the patient.
    socket = web.WebSocketResponse(heartbeat=HEARTBEAT_SECONDS, max_msg_size=MAX_BODY_BYTES, compress=False)
    await socket.prepare(request)
    request.app[keys.WEBSOCKETS].add(socket)
    client = client_of(request)
    try:
        async for frame in socket:
            if frame.type == WSMsgType.TEXT:
                answer = await _answer(request.app, client, frame.data, socket)
                if answer is not None:
                    await socket.send_json(answer)
            elif frame.type == WSMsgType.BINARY:
                await socket.send_json(_error_frame(RequestError(415, "Frames must be JSON text."), None))
            elif frame.type == WSMsgType.ERROR:
                logger.info("websocket closed with %s", socket.exception())
    finally:
        request.app[keys.LIVE].leave(socket)
    return socket


async def _answer(
    app: web.Application, client: str, data: str, socket: web.WebSocketResponse
) -> dict[str, Any] | None:
    """The frame that answers one client frame (None for "typing", which has no answer)."""
    client_message_id = None
    try:
        fields = decode_object(data.encode("utf-8", "surrogatepass"), ("type", *CHAT_FIELDS))
        client_message_id = fields.get("client_message_id")
        if fields.get("type") == "subscribe":  # after a reconnect or a reload: follow the conversation
            conversation = await app[keys.CONVERSATIONS].authorise(
                fields.get("conversation_id"), fields.get("conversation_token")
            )
            app[keys.LIVE].join_patient(conversation.id, socket)
            return {
                "type": "subscribed",
                "conversation_id": conversation.id,
                "live": conversation.held_by is not None,
            }
        if fields.get("type") == "typing":  # tell the person holding the conversation, if any
            conversation = await app[keys.CONVERSATIONS].authorise(
                fields.get("conversation_id"), fields.get("conversation_token")
            )
            if conversation.held_by is not None:
                typing = {"type": "patient_typing", "conversation_id": conversation.id}
                await app[keys.LIVE].to_moderator(conversation.held_by, typing)
            return None
        if fields.get("type") != "message":
            raise RequestError(400, '`type` must be "message", "subscribe" or "typing".')
        message = chat_request(fields)
        limit_client(app, client)
        await socket.send_json({"type": "typing", "client_message_id": client_message_id})
        reply = await app[keys.CONVERSATIONS].turn(message)
    except RequestError as error:
        app[keys.METRICS].observe(PATH, error.status, 0.0)
        return _error_frame(error, client_message_id)
    app[keys.METRICS].observe(PATH, reply.status, 0.0)
    app[keys.LIVE].join_patient(reply.body["conversation_id"], socket)  # for what a person sends later
    if reply.status != 200:
        return {
            "type": "error",
            "status": reply.status,
            "error": "The assistant is unavailable.",
            **reply.body,
        }
    return {"type": "reply", "status": 200, **reply.body}


def _error_frame(error: RequestError, client_message_id: str | None) -> dict[str, Any]:
    frame: dict[str, Any] = {
        "type": "error",
        "status": error.status,
        "error": error.reason,
        "client_message_id": client_message_id,
    }
    if error.messages:
        frame["messages"] = error.messages
    if "Retry-After" in error.headers:
        frame["retry_after"] = int(error.headers["Retry-After"])
    return frame


def track_websockets(app: web.Application) -> None:
    """Remember open connections, and close them when web shuts down, so that a restart
    takes a moment (the widget reconnects and resends what had no reply)."""
    app[keys.WEBSOCKETS] = weakref.WeakSet()

    async def close_all(app: web.Application) -> None:
        for socket in set(app[keys.WEBSOCKETS]):
            await socket.close(code=WSCloseCode.GOING_AWAY, message=b"server restarting")

    app.on_shutdown.append(close_all)
