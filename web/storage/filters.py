"""The console's filters on conversations, as SQL conditions, and the review queue's
categories (most urgent first), each a condition on one message."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import Text, and_, cast, func, or_, select

from web.storage.schema import conversations, feedback, messages, reviews

# Below this intent confidence a patient message counts as low confidence.
LOW_CONFIDENCE = 0.5
# The queue's categories, most urgent first, each a condition on one message.
QUEUE = (
    (
        "emergency",
        or_(
            messages.c.type == "emergency",
            messages.c.intent == "safety_check",
            messages.c.safety_level.in_(("ask", "emergency")),
        ),
    ),
    ("near_miss", messages.c.safety_near.is_(True)),
    ("negative_feedback", and_(messages.c.sender == "system", messages.c.type == "feedback")),
    ("refusal", and_(messages.c.sender == "system", messages.c.type == "unanswered")),
    ("fallback", messages.c.intent == "nlu_fallback"),
    ("low_confidence", and_(messages.c.sender == "patient", messages.c.confidence < LOW_CONFIDENCE)),
)
FLAGS = {
    "emergency": messages.c.type == "emergency",
    "safety_question": or_(messages.c.intent == "safety_check", messages.c.safety_level == "ask"),
    "near_miss": messages.c.safety_near.is_(True),
    "handoff": messages.c.type == "handoff",
    "low_confidence": and_(messages.c.sender == "patient", messages.c.confidence < LOW_CONFIDENCE),
    "fallback": messages.c.intent == "nlu_fallback",
    "refusal": and_(messages.c.sender == "system", messages.c.type == "unanswered"),
    "negative_feedback": and_(messages.c.sender == "system", messages.c.type == "feedback"),
}
PAGE_SIZE = 25


@dataclass
class Filters:
    """A moderator's filters on the conversation list (all optional)."""

    date_from: date | None = None
    date_to: date | None = None
    language: str | None = None
    disease: str | None = None
    intent: str | None = None
    flags: tuple[str, ...] = ()
    reviewed: bool | None = None
    search: str | None = None
    page: int = 1
    extra: dict[str, Any] = field(default_factory=dict)


def _having(condition: Any) -> Any:
    return conversations.c.id.in_(select(messages.c.conversation_id).where(condition))


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def conditions(filters: Filters) -> list[Any]:
    conditions: list[Any] = []
    if filters.date_from:
        conditions.append(
            conversations.c.started_at >= datetime.combine(filters.date_from, time.min, timezone.utc)
        )
    if filters.date_to:
        end = datetime.combine(filters.date_to + timedelta(days=1), time.min, timezone.utc)
        conditions.append(conversations.c.started_at < end)
    if filters.language:
        conditions.append(conversations.c.language == filters.language)
    if filters.disease:
        code = f'%"{filters.disease}"%'
        conditions.append(
            _having(
                or_(cast(messages.c.entities, Text).like(code), cast(messages.c.sources, Text).like(code))
            )
        )
    if filters.intent:
        conditions.append(_having(messages.c.intent == filters.intent))
    for flag in filters.flags:
        if flag in FLAGS:
            negative = conversations.c.id.in_(
                select(feedback.c.conversation_id).where(feedback.c.value == "down")
            )
            conditions.append(
                or_(_having(FLAGS[flag]), negative) if flag == "negative_feedback" else _having(FLAGS[flag])
            )
    if filters.reviewed is not None:
        reviewed = conversations.c.id.in_(
            select(reviews.c.conversation_id).where(reviews.c.reviewed_at.is_not(None))
        )
        conditions.append(reviewed if filters.reviewed else ~reviewed)
    if filters.search:
        conditions.append(_having(func.lower(messages.c.text).like(_like(filters.search), escape="\\")))
    return conditions
