"""What moderators read and write about conversations: filtered lists and full-text search,
the review queue, one conversation in full, reviews, annotations, erasure and retention.

The queue puts first what needs a human (ARCHITECTURE.md, issue 16): emergencies and safety
questions, messages scored just below the safety threshold, negative feedback, questions
without an answer, fallbacks, low confidence; reviewed conversations leave it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import delete, func, insert, select, update

from web.storage.database import Database, aware, now
from web.storage.filters import PAGE_SIZE, QUEUE, Filters
from web.storage.filters import conditions as filter_conditions
from web.storage.schema import STAFF, annotations, conversations, feedback, messages, reviews
from web.storage.tickets import delete_tickets

STATES = ("to_review", "anomaly", "resolved", "wont_fix")
REASONS = (
    "wrong_entry",
    "missing_content",
    "missed_emergency",
    "false_alarm",
    "wrong_language",
    "outdated_source",
)


class ReviewStore:
    """Reads and review writes for the console."""

    def __init__(self, database: Database) -> None:
        self._database = database

    async def conversations(self, filters: Filters) -> tuple[list[dict[str, Any]], int]:
        """One page of conversations matching `filters`, newest first, and the total count."""
        conditions = filter_conditions(filters)
        counts = (
            select(messages.c.conversation_id, func.count().label("n"))
            .where(messages.c.sender == "patient")
            .group_by(messages.c.conversation_id)
            .subquery()
        )
        statement = (
            select(
                conversations.c.id,
                conversations.c.started_at,
                conversations.c.language,
                reviews.c.reviewed_at,
                reviews.c.tags,
                conversations.c.held_by,
                func.coalesce(counts.c.n, 0).label("patient_messages"),
            )
            .outerjoin(reviews, reviews.c.conversation_id == conversations.c.id)
            .outerjoin(counts, counts.c.conversation_id == conversations.c.id)
            .where(*conditions)
            .order_by(conversations.c.started_at.desc(), conversations.c.id)
            .limit(PAGE_SIZE)
            .offset((max(filters.page, 1) - 1) * PAGE_SIZE)
        )
        total = select(func.count()).select_from(conversations).where(*conditions)

        def work(c: Any) -> tuple[list[dict[str, Any]], int]:
            rows = [_summary(row) for row in c.execute(statement).all()]
            return rows, c.execute(total).scalar() or 0

        return await self._database.run(work)

    async def unread(self, conversation_ids: list[str]) -> dict[str, int]:
        """Per conversation: the patient's messages since a person of the team last wrote
        (all of them if nobody has); conversations without any are left out."""
        if not conversation_ids:
            return {}
        last_staff = (
            select(messages.c.conversation_id, func.max(messages.c.id).label("last"))
            .where(messages.c.sender == STAFF, messages.c.conversation_id.in_(conversation_ids))
            .group_by(messages.c.conversation_id)
            .subquery()
        )
        statement = (
            select(messages.c.conversation_id, func.count().label("n"))
            .outerjoin(last_staff, last_staff.c.conversation_id == messages.c.conversation_id)
            .where(
                messages.c.sender == "patient",
                messages.c.conversation_id.in_(conversation_ids),
                messages.c.id > func.coalesce(last_staff.c.last, 0),
            )
            .group_by(messages.c.conversation_id)
        )
        rows = await self._database.run(lambda c: c.execute(statement).all())
        return {row.conversation_id: row.n for row in rows}

    async def queue(self, limit: int = 50) -> list[dict[str, Any]]:
        """Unreviewed conversations that need a human, most urgent category first."""
        reviewed = select(reviews.c.conversation_id).where(reviews.c.reviewed_at.is_not(None))

        def work(c: Any) -> list[dict[str, Any]]:
            seen: dict[str, dict[str, Any]] = {}
            for category, condition in QUEUE:
                statement = (
                    select(
                        conversations.c.id,
                        conversations.c.started_at,
                        conversations.c.language,
                        func.max(messages.c.created_at).label("last"),
                    )
                    .join(messages, messages.c.conversation_id == conversations.c.id)
                    .where(condition, conversations.c.id.not_in(reviewed))
                    .group_by(conversations.c.id, conversations.c.started_at, conversations.c.language)
                    .order_by(func.max(messages.c.created_at).desc())
                    .limit(limit)
                )
                for row in c.execute(statement).all():
                    entry = seen.setdefault(
                        row.id,
                        {
                            "id": row.id,
                            "started_at": aware(row.started_at),
                            "language": row.language,
                            "reasons": [],
                        },
                    )
                    entry["reasons"].append(category)
            return list(seen.values())[:limit]

        return await self._database.run(work)

    async def conversation(self, conversation_id: str) -> dict[str, Any] | None:
        """A conversation in full: every message with its parse, safety result, sources,
        feedback and annotations; its review."""

        def work(c: Any) -> dict[str, Any] | None:
            head = c.execute(select(conversations).where(conversations.c.id == conversation_id)).first()
            if head is None:
                return None
            rows = c.execute(
                select(messages).where(messages.c.conversation_id == conversation_id).order_by(messages.c.id)
            ).all()
            votes = dict(
                c.execute(
                    select(feedback.c.message_id, feedback.c.value).where(
                        feedback.c.conversation_id == conversation_id
                    )
                ).all()
            )
            notes: dict[int, list[dict[str, Any]]] = {}
            for note in c.execute(
                select(annotations)
                .where(annotations.c.conversation_id == conversation_id)
                .order_by(annotations.c.id)
            ).all():
                notes.setdefault(note.message_id, []).append(_annotation(note))
            review = c.execute(select(reviews).where(reviews.c.conversation_id == conversation_id)).first()
            return {
                "held_by": head.held_by,
                "id": head.id,
                "started_at": aware(head.started_at),
                "language": head.language,
                "messages": [_detail(row, votes.get(row.id), notes.get(row.id, [])) for row in rows],
                "reviewed_at": aware(review.reviewed_at) if review and review.reviewed_at else None,
                "tags": (review.tags or []) if review else [],
                "note": review.note if review else "",
            }

        return await self._database.run(work)

    async def set_review(
        self, conversation_id: str, moderator_id: int, reviewed: bool, tags: list[str], note: str
    ) -> None:
        """Mark a conversation reviewed (or not), with tags and a note."""
        values = {
            "reviewed_at": now() if reviewed else None,
            "reviewed_by": moderator_id if reviewed else None,
            "tags": tags,
            "note": note,
        }

        def work(c: Any) -> None:
            c.execute(delete(reviews).where(reviews.c.conversation_id == conversation_id))
            c.execute(insert(reviews).values(conversation_id=conversation_id, **values))

        await self._database.run(work)

    async def annotate(
        self,
        conversation_id: str,
        message_id: int,
        moderator_id: int,
        state: str,
        reason: str | None,
        expected_intent: str | None,
        expected_answer: str | None,
        note: str | None,
    ) -> bool:
        """Add a state change to a bot message of this conversation; False if there is none."""
        if state not in STATES or (reason is not None and reason not in REASONS):
            raise ValueError("unknown state or reason")

        def work(c: Any) -> bool:
            found = c.execute(
                select(messages.c.id).where(
                    messages.c.id == message_id, messages.c.conversation_id == conversation_id
                )
            ).scalar()
            if found is None:
                return False
            c.execute(
                insert(annotations).values(
                    message_id=message_id,
                    conversation_id=conversation_id,
                    state=state,
                    reason=reason,
                    expected_intent=expected_intent or None,
                    expected_answer=expected_answer or None,
                    note=note or None,
                    moderator_id=moderator_id,
                    created_at=now(),
                )
            )
            return True

        return await self._database.run(work)

    async def annotated(self, reason: str | None = None) -> list[dict[str, Any]]:
        """The current annotation of every annotated message (latest change), with the message
        and the patient message it answers: what the exports are made of."""
        latest = select(func.max(annotations.c.id)).group_by(annotations.c.message_id)
        answered = messages.alias("answered")
        statement = (
            select(
                annotations,
                messages.c.text.label("bot_text"),
                messages.c.type.label("bot_type"),
                answered.c.text.label("patient_text"),
                answered.c.intent.label("patient_intent"),
                conversations.c.language,
            )
            .join(messages, messages.c.id == annotations.c.message_id)
            .outerjoin(answered, answered.c.id == messages.c.reply_to)
            .join(conversations, conversations.c.id == annotations.c.conversation_id)
            .where(annotations.c.id.in_(latest))
            .order_by(annotations.c.id)
        )
        if reason:
            statement = statement.where(annotations.c.reason == reason)
        rows = await self._database.run(lambda c: c.execute(statement).all())
        return [dict(row._mapping) for row in rows]

    async def started_before(self, days: int) -> list[str]:
        """The ids of the conversations started more than `days` days ago."""
        cutoff = now() - timedelta(days=days)
        statement = select(conversations.c.id).where(conversations.c.started_at < cutoff)
        return await self._database.run(lambda c: list(c.execute(statement).scalars()))

    async def delete_conversations(self, conversation_ids: list[str]) -> int:
        """Delete these conversations and everything about them; how many there were."""
        return await self._database.run(lambda c: _delete_conversations(c, conversation_ids))

    async def delete_conversation(self, conversation_id: str) -> bool:
        """Delete one conversation and everything about it; False if there was none."""
        return await self.delete_conversations([conversation_id]) == 1


def _delete_conversations(c: Any, ids: list[str]) -> int:
    """Delete conversations with their messages, feedback, reviews, annotations and tickets;
    how many conversations there were."""
    deleted = 0
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        delete_tickets(c, chunk)
        for table in (annotations, feedback, reviews):
            c.execute(delete(table).where(table.c.conversation_id.in_(chunk)))
        c.execute(update(messages).where(messages.c.conversation_id.in_(chunk)).values(reply_to=None))
        c.execute(delete(messages).where(messages.c.conversation_id.in_(chunk)))
        deleted += c.execute(delete(conversations).where(conversations.c.id.in_(chunk))).rowcount
    return deleted


def _summary(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "started_at": aware(row.started_at),
        "language": row.language,
        "reviewed": row.reviewed_at is not None,
        "tags": row.tags or [],
        "patient_messages": row.patient_messages,
        "held_by": row.held_by,
    }


def _annotation(row: Any) -> dict[str, Any]:
    return {
        "state": row.state,
        "reason": row.reason,
        "expected_intent": row.expected_intent,
        "expected_answer": row.expected_answer,
        "note": row.note,
        "moderator_id": row.moderator_id,
        "at": aware(row.created_at),
    }


def _detail(row: Any, vote: str | None, notes: list[dict[str, Any]]) -> dict[str, Any]:
    details = row.details or {}
    scores = {entry.get("id"): entry.get("score") for entry in details.get("retrieval") or []}
    sources = [dict(source, score=scores.get(source.get("id"))) for source in row.sources or []]
    return {
        "id": row.id,
        "sender": row.sender,
        "type": row.type,
        "text": row.text,
        "at": aware(row.created_at),
        "intent": row.intent,
        "actions": row.actions or [],
        "confidence": row.confidence,
        "entities": row.entities or [],
        "safety": details.get("safety"),
        "sources": sources,
        "buttons": details.get("buttons") or [],
        "items": details.get("items") or [],
        "reply_to": row.reply_to,
        "feedback": vote,
        "annotations": notes,
    }
