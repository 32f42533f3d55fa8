"""POST /api/chat: one patient message in, the bot's messages out (docs/api.md).

Order of work, so that nothing is lost: validate (400/413/429 with a reason), run the safety
layer and store the patient's message with its assessment, forward it to Rasa with the
conversation's safety context, store and return the reply. When Rasa or the action server is
down the patient gets a 503 in their language that names the emergency number, preceded by
the `emergency` message when the text holds a possible red flag; that is stored too.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from aiohttp import web

from common.languages import LANGUAGES
from safety.assess import NONE
from web import keys
from web.rasa import RasaUnavailable
from web.replies import answered_language, domain_message, order_messages, to_api_message
from web.safety_net import check, dialogue_down_messages, patient_language

logger = logging.getLogger(__name__)
MAX_TEXT_CHARS = 2000
MAX_BODY_BYTES = 16 * 1024


def json_error(status: int, message: str, **headers: str) -> web.Response:
    """A JSON error body the widget can show."""
    return web.json_response({"error": message}, status=status, headers=headers or None)


def _parse(body: Any) -> tuple[dict[str, Any] | None, str | None]:
    """The validated request, or the reason it is refused."""
    if not isinstance(body, dict):
        return None, "The body must be a JSON object."
    text = body.get("text")
    if not isinstance(text, str) or not text.strip():
        return None, "`text` is required and must be a non-empty string."
    if len(text) > MAX_TEXT_CHARS:
        return None, f"`text` is longer than {MAX_TEXT_CHARS} characters."
    conversation_id = body.get("conversation_id")
    if conversation_id is not None and not (isinstance(conversation_id, str) and conversation_id):
        return None, "`conversation_id` must be a non-empty string when given."
    language = body.get("language")
    if language is not None and language not in LANGUAGES:
        return None, f"`language` must be one of {', '.join(LANGUAGES)}."
    return {"text": text.strip(), "conversation_id": conversation_id, "language": language}, None


async def _apply_requests(
    app: web.Application, conversation_id: str, text: str, elements: list[dict]
) -> None:
    """What the dialogue asked web to do with this conversation (actions/conversation.py,
    actions/answers.py): erase it (the transcript so far and Rasa's tracker), record negative
    feedback, or keep the patient's `text` as a question without an answer for curators."""
    markers = [element.get("custom") or {} for element in elements]
    storage = app[keys.STORAGE]
    if any(marker.get("erase_conversation") for marker in markers):
        await storage.erase(conversation_id)
        try:
            await app[keys.RASA].erase(conversation_id)
        except RasaUnavailable:
            # The transcript is gone; the log tells an operator to finish the erasure.
            logger.error("could not erase Rasa's tracker of conversation %s", conversation_id)
    if any(marker.get("record") == "negative_feedback" for marker in markers):
        await storage.add_message(conversation_id, "system", {"type": "feedback", "text": "negative"})
    if any(marker.get("record") == "unanswered" for marker in markers):
        await storage.add_message(conversation_id, "system", {"type": "unanswered", "text": text})


async def chat(request: web.Request) -> web.Response:
    """Handle one patient message."""
    app = request.app
    settings = app[keys.SETTINGS]
    if (request.content_length or 0) > MAX_BODY_BYTES:
        return json_error(413, f"The request body is larger than {MAX_BODY_BYTES} bytes.")
    wait = app[keys.RATE_LIMITER].retry_after(request.remote or "unknown")
    if wait:
        return json_error(429, "Too many messages; please wait a moment.", **{"Retry-After": str(wait)})
    raw = await request.content.read(MAX_BODY_BYTES + 1)
    if len(raw) > MAX_BODY_BYTES:
        return json_error(413, f"The request body is larger than {MAX_BODY_BYTES} bytes.")
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return json_error(400, "The body is not valid JSON.")
    parsed, problem = _parse(body)
    if problem:
        return json_error(400, problem)

    storage = app[keys.STORAGE]
    conversation_id = parsed["conversation_id"]
    known_language = None
    new_conversation = conversation_id is None
    if new_conversation:
        conversation_id = await storage.start_conversation(parsed["language"])
    else:
        found, known_language = await storage.conversation_language(conversation_id)
        if not found:
            return json_error(400, "Unknown `conversation_id`; omit it to start a new conversation.")
    hint = parsed["language"] or known_language
    stored = {} if new_conversation else await storage.safety_context(conversation_id)
    assessment, context, next_context = check(parsed["text"], stored, app[keys.SAFETY_MODEL])
    patient_message = {"type": "text", "text": parsed["text"], "safety": assessment.to_dict()}
    await storage.add_message(conversation_id, "patient", patient_message)
    await storage.set_safety_context(conversation_id, next_context)

    metadata: dict[str, Any] = {"safety_context": context}
    if hint:
        metadata["language"] = hint
    try:
        elements = await app[keys.RASA].send(conversation_id, parsed["text"], metadata)
    except RasaUnavailable:
        elements = []
    await _apply_requests(app, conversation_id, parsed["text"], elements)
    messages = [to_api_message(element) for element in elements]
    status = 200
    if not messages:  # Rasa or the action server failed: never leave the patient without an answer
        status = 503
        messages = dialogue_down_messages(assessment, patient_language(assessment, hint))
        language = messages[-1]["language"]
    else:
        language = answered_language(messages, hint if hint in LANGUAGES else "en")
    closing = any((element.get("custom") or {}).get("closing") for element in elements)
    if new_conversation and not closing:  # a goodbye names the emergency number itself
        # beside a safety message, in the patient's own language, so nothing around it differs
        disclaimer = domain_message(
            settings.domain_file,
            "utter_disclaimer",
            patient_language(assessment, hint) if assessment.level != NONE else language,
            privacy_url=settings.privacy_url,
        )
        messages = [disclaimer] + messages
    messages = order_messages(messages)  # an emergency goes before even the disclaimer
    app[keys.METRICS].count_messages(messages)
    for message in messages:
        await storage.add_message(conversation_id, "system" if message["type"] == "error" else "bot", message)
    await storage.set_language(conversation_id, language)
    return web.json_response(
        {"conversation_id": conversation_id, "language": language, "messages": messages},
        status=status,
    )

