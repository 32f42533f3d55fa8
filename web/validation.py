"""Reading a client's JSON body into a request, or refusing it with a reason (4xx).

Everything a client sends is checked here before anything is stored or forwarded: the body
is one flat JSON object of strings (no nesting, so deep JSON cannot hurt), valid Unicode
(a lone surrogate is refused, since it cannot be stored), without NUL or other control
characters in the text, within the size limits of ARCHITECTURE.md.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from common.languages import LANGUAGES

MAX_TEXT_CHARS = 2000
MAX_BODY_BYTES = 16 * 1024
# Client message ids are UUIDs in the widget; any short token of safe characters is accepted.
CLIENT_MESSAGE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
CONVERSATION_ID = re.compile(r"^[0-9a-f]{32}$")
# Control characters other than tab, line feed and carriage return.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class RequestError(Exception):
    """A request refused with an HTTP status and a reason the widget can show."""

    status: int
    reason: str
    headers: dict[str, str] = field(default_factory=dict)
    messages: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class ChatRequest:
    """One validated patient message."""

    text: str
    conversation_id: str | None = None
    conversation_token: str | None = None
    language: str | None = None
    payload: str | None = None
    client_message_id: str | None = None


def decode_object(raw: bytes, allowed: tuple[str, ...]) -> dict[str, str | None]:
    """The JSON object in `raw`, whose values are strings or null, keys among `allowed`."""
    if len(raw) > MAX_BODY_BYTES:
        raise RequestError(413, f"The request body is larger than {MAX_BODY_BYTES} bytes.")
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise RequestError(400, "The body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise RequestError(400, "The body must be a JSON object.")
    for key, value in body.items():
        if key not in allowed:
            continue  # unknown fields are ignored, so older and newer clients both work
        if value is not None and not isinstance(value, str):
            raise RequestError(400, f"`{key}` must be a string.")
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise RequestError(400, f"`{key}` is not valid Unicode (a lone surrogate).") from None
    return {key: body.get(key) for key in allowed}


def chat_request(fields: dict[str, str | None]) -> ChatRequest:
    """A patient message from the decoded fields of POST /api/chat or a WebSocket frame."""
    text = (fields.get("text") or "").strip()
    if not text:
        raise RequestError(400, "`text` is required and must be a non-empty string.")
    if len(text) > MAX_TEXT_CHARS:
        raise RequestError(400, f"`text` is longer than {MAX_TEXT_CHARS} characters.")
    if CONTROL.search(text):
        raise RequestError(400, "`text` contains a control character (such as NUL).")
    language = fields.get("language") or None
    if language is not None and language not in LANGUAGES:
        raise RequestError(400, f"`language` must be one of {', '.join(LANGUAGES)}.")
    client_message_id = fields.get("client_message_id") or None
    if client_message_id is not None and not CLIENT_MESSAGE_ID.match(client_message_id):
        raise RequestError(400, "`client_message_id` must be 1 to 64 letters, digits, '-' or '_'.")
    return ChatRequest(
        text=text,
        conversation_id=fields.get("conversation_id") or None,
        conversation_token=fields.get("conversation_token") or None,
        language=language,
        payload=fields.get("payload") or None,
        client_message_id=client_message_id,
    )


CHAT_FIELDS = ("text", "conversation_id", "conversation_token", "language", "payload", "client_message_id")
