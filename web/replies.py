"""Turn Rasa's REST output into public-API messages.

Rasa returns one element per bot message; ours carry the API message in `custom`
(domain.yml). A plain `text` element (Rasa's own defaults) becomes a `text` message.
Safety rule 1 holds here too, whatever Rasa sent: `emergency` messages come first.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from common.languages import LANGUAGES
from common.markers import RETRIEVAL
from common.responses import load_domain, render

MESSAGE_FIELDS = (
    "type",
    "text",
    "buttons",
    "sources",
    "items",
    "number",
    "category",
    "status",
    "language",
)
MESSAGE_TYPES = ("text", "answer", "emergency", "centres", "organisations", "handoff", "error")
# Stored with a message for the console, never sent to the patient.
INTERNAL_FIELDS = (RETRIEVAL,)


def public(message: dict[str, Any]) -> dict[str, Any]:
    """The message without the fields only web stores."""
    return {key: value for key, value in message.items() if key not in INTERNAL_FIELDS}


def to_api_message(element: dict[str, Any]) -> dict[str, Any]:
    """One API message from one element of Rasa's REST reply (with the fields only web
    stores, INTERNAL_FIELDS, which `public` removes before the patient sees it)."""
    custom = element.get("custom")
    if isinstance(custom, dict) and custom.get("type") in MESSAGE_TYPES:
        return {key: custom[key] for key in MESSAGE_FIELDS + INTERNAL_FIELDS if key in custom}
    message: dict[str, Any] = {"type": "text", "text": element.get("text", "")}
    if element.get("buttons"):
        message["buttons"] = [
            {"title": b.get("title", ""), "payload": b.get("payload", "")} for b in element["buttons"]
        ]
    return message


def order_messages(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Emergency messages first, the rest in their order."""
    emergencies = [m for m in messages if m.get("type") == "emergency"]
    return emergencies + [m for m in messages if m.get("type") != "emergency"]


def answered_language(messages: list[dict[str, Any]], fallback: str) -> str:
    """The language the bot answered in (its last message that says one)."""
    for message in reversed(messages):
        if message.get("language") in LANGUAGES:
            return message["language"]
    return fallback


def domain_message(domain_file: Path, name: str, language: str, **fields: Any) -> dict[str, Any]:
    """A response of domain.yml rendered by web itself (the disclaimer)."""
    return render(load_domain(domain_file), name, language, **fields)
