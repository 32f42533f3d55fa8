"""Conversations and their messages, through SQLAlchemy (SQLite by default, PostgreSQL by URL).

Every message a patient sends is stored before it is forwarded, and the reply (or the
error returned instead) is stored with it, linked to the message it answers, so nothing is
lost (ARCHITECTURE.md, Public chat API). Stored text is redacted (``redact``); contact
details given for a handoff go, encrypted, to their own table. Database calls run in a
worker thread so the event loop never blocks.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, delete, insert, select, update

from common.markers import HANDOFF_CONTACT, RETRIEVAL
from web.storage.database import Database, now
from web.storage.redact import redact, redact_bot_text
from web.storage.schema import conversations, feedback, messages
from web.storage.tickets import TicketStore, delete_tickets

T = TypeVar("T")
# Message fields kept in their own columns; everything else of a message goes to `details`.
_COLUMNS = ("type", "text", "sources")
# Message types whose text may hold the patient's own words or contact details.
_REDACTED_TYPES = ("text", "handoff", "unanswered")
FEEDBACK_VALUES = ("up", "down")
# Stored details a replayed or reloaded message does not show the patient.
_NOT_SHOWN = ("safety", RETRIEVAL)


def token_hash(token: str) -> str:
    """The stored form of a conversation token (SHA-256, hex)."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Conversation:
    """What web needs to know about a conversation before a turn."""

    id: str
    token_hash: str
    language: str | None
    safety_context: dict[str, Any]
    offered_payloads: list[str]
    held_by: int | None = None  # the moderator answering live, if any

    def accepts(self, token: object) -> bool:
        """True when `token` is this conversation's secret (constant-time comparison)."""
        return isinstance(token, str) and hmac.compare_digest(token_hash(token), self.token_hash)


class Storage:
    """The transcript store; every method is a coroutine."""

    def __init__(self, url: str, secret_key: bytes) -> None:
        self.database = Database(url)
        self._run = self.database.run
        self.tickets = TicketStore(self.database, secret_key)

    @property
    def _engine(self) -> Engine:
        return self.database.engine

    def close(self) -> None:
        """Close every pooled connection."""
        self.database.close()

    async def ping(self) -> bool:
        """True when the database answers."""
        return await self.database.ping()

    async def start_conversation(self, language: str | None) -> tuple[str, str]:
        """Create a conversation; its id and its secret token (only the hash is stored)."""
        conversation_id, token = uuid.uuid4().hex, secrets.token_urlsafe(32)
        row = {
            "id": conversation_id,
            "token_hash": token_hash(token),
            "started_at": now(),
            "language": language,
        }
        await self._run(lambda c: c.execute(insert(conversations).values(**row)))
        return conversation_id, token

    async def conversation(self, conversation_id: str) -> Conversation | None:
        """The conversation with this id, or None."""

        def work(c: Connection) -> Conversation | None:
            row = c.execute(select(conversations).where(conversations.c.id == conversation_id)).first()
            if row is None:
                return None
            return Conversation(
                row.id,
                row.token_hash,
                row.language,
                row.safety_context or {},
                row.offered_payloads or [],
                row.held_by,
            )

        return await self._run(work)

    async def update_conversation(self, conversation_id: str, **values: Any) -> None:
        """Set `language`, `safety_context`, `offered_payloads` or `held_by`."""
        await self._run(lambda c: _update_conversation(c, conversation_id, values))

    async def add_patient_message(
        self,
        conversation_id: str,
        message: dict[str, Any],
        client_message_id: str | None = None,
        **conversation_values: Any,
    ) -> int:
        """Store a patient message (redacted), and set the conversation's `conversation_values`
        (as update_conversation) in the same transaction; the message's id."""
        row = _row(conversation_id, "patient", message, None, client_message_id)

        def work(c: Connection) -> int:
            (message_id,) = _insert_messages(c, [row])
            _update_conversation(c, conversation_id, conversation_values)
            return message_id

        return await self._run(work)

    async def add_messages(
        self,
        conversation_id: str,
        sender: str,
        batch: list[dict[str, Any]],
        reply_to: int | None = None,
        client_message_id: str | None = None,
    ) -> list[int]:
        """Store messages of one sender in order (a reply linked to the message it answers)."""
        rows = [_row(conversation_id, sender, message, reply_to, client_message_id) for message in batch]

        def work(c: Connection) -> list[int]:
            return _insert_messages(c, rows)

        return await self._run(work)

    async def add_reply(
        self,
        conversation_id: str,
        asked: int | None,
        reply: list[tuple[str, dict[str, Any]]],
        parse: dict[str, Any] | None = None,
        **conversation_values: Any,
    ) -> list[int]:
        """One transaction at the end of a turn: the parse of the patient's message `asked`,
        the reply's (sender, message) pairs in order, linked to it, and the conversation's
        `conversation_values`; the ids of the reply's messages."""
        rows = [_row(conversation_id, sender, message, asked, None) for sender, message in reply]

        def work(c: Connection) -> list[int]:
            if parse and asked is not None:
                _set_parse(c, asked, parse)
            ids = _insert_messages(c, rows)
            _update_conversation(c, conversation_id, conversation_values)
            return ids

        return await self._run(work)


    async def answered(self, conversation_id: str, client_message_id: str) -> tuple[int | None, list[dict]]:
        """The patient message sent with this client id (None if never) and its stored reply."""

        def work(c: Connection) -> tuple[int | None, list[dict]]:
            asked = c.execute(
                select(messages.c.id).where(
                    messages.c.conversation_id == conversation_id,
                    messages.c.client_message_id == client_message_id,
                )
            ).scalar()
            if asked is None:
                return None, []
            rows = c.execute(
                select(messages)
                .where(messages.c.reply_to == asked, messages.c.sender == "bot")
                .order_by(messages.c.id)
            ).all()
            return asked, [_message(row) for row in rows]

        return await self._run(work)

    async def history(self, conversation_id: str) -> list[dict[str, Any]]:
        """The patient and bot messages of a conversation, oldest first, as the widget shows them."""
        statement = (
            select(messages)
            .where(
                messages.c.conversation_id == conversation_id,
                messages.c.sender.in_(("patient", "bot", "staff")),
            )
            .order_by(messages.c.id)
        )
        rows = await self._run(lambda c: c.execute(statement).all())
        return [dict(_message(row), sender=row.sender) for row in rows]

    async def set_feedback(self, conversation_id: str, message_id: int, value: str) -> bool:
        """Thumbs up or down on a bot message of this conversation; False if there is none."""

        def work(c: Connection) -> bool:
            found = c.execute(
                select(messages.c.id).where(
                    messages.c.id == message_id,
                    messages.c.conversation_id == conversation_id,
                    messages.c.sender == "bot",
                )
            ).scalar()
            if found is None:
                return False
            c.execute(delete(feedback).where(feedback.c.message_id == message_id))
            c.execute(
                insert(feedback).values(
                    message_id=message_id, conversation_id=conversation_id, value=value, created_at=now()
                )
            )
            return True

        return await self._run(work)

    async def feedback_of(self, conversation_id: str) -> dict[int, str]:
        """The feedback given in a conversation, by bot message id."""
        statement = select(feedback.c.message_id, feedback.c.value).where(
            feedback.c.conversation_id == conversation_id
        )
        return dict(await self._run(lambda c: c.execute(statement).all()))

    async def entities(self, conversation_id: str) -> list[dict[str, Any]]:
        """The entities of the conversation's patient messages, in order."""
        statement = (
            select(messages.c.entities)
            .where(messages.c.conversation_id == conversation_id, messages.c.sender == "patient")
            .order_by(messages.c.id)
        )
        rows = await self._run(lambda c: c.execute(statement).scalars().all())
        return [entity for row in rows for entity in row or []]

    async def erase(self, conversation_id: str) -> None:
        """Delete every message, feedback and ticket (with its contact) of a conversation and
        what was remembered about it (the patient asked, and confirmed); its id and token stay
        valid for what follows."""

        def work(c: Connection) -> None:
            delete_tickets(c, [conversation_id])
            for table in (feedback, messages):
                c.execute(delete(table).where(table.c.conversation_id == conversation_id))
            c.execute(
                update(conversations)
                .where(conversations.c.id == conversation_id)
                .values(language=None, safety_context=None, offered_payloads=None)
            )

        await self._run(work)

    async def unanswered(self, limit: int = 100) -> list[dict[str, Any]]:
        """The latest questions the assistant had no reliable answer to, newest first."""
        statement = (
            select(
                messages.c.created_at, conversations.c.language, messages.c.text, messages.c.conversation_id
            )
            .join(conversations, conversations.c.id == messages.c.conversation_id)
            .where(messages.c.sender == "system", messages.c.type == "unanswered")
            .order_by(messages.c.id.desc())
            .limit(limit)
        )
        rows = await self._run(lambda c: c.execute(statement).all())
        return [
            {
                "created_at": row.created_at.isoformat(),
                "language": row.language,
                "text": row.text,
                "conversation_id": row.conversation_id,
            }
            for row in rows
        ]

    async def transcript(self, conversation_id: str) -> list[dict[str, Any]]:
        """Every message of a conversation, oldest first, with sender, time and parse."""
        statement = (
            select(messages).where(messages.c.conversation_id == conversation_id).order_by(messages.c.id)
        )
        rows = await self._run(lambda c: c.execute(statement).all())
        return [
            {
                "id": row.id,
                "sender": row.sender,
                "created_at": row.created_at.isoformat(),
                "intent": row.intent,
                "confidence": row.confidence,
                "reply_to": row.reply_to,
                "message": _message(row),
            }
            for row in rows
        ]


def _update_conversation(c: Connection, conversation_id: str, values: dict[str, Any]) -> None:
    if values:
        c.execute(update(conversations).where(conversations.c.id == conversation_id).values(**values))


def _insert_messages(c: Connection, rows: list[dict[str, Any]]) -> list[int]:
    return [c.execute(insert(messages).values(**row)).inserted_primary_key[0] for row in rows]


def _set_parse(c: Connection, message_id: int, parse: dict[str, Any]) -> None:
    confidence = parse.get("confidence")
    values = {
        "intent": parse.get("intent"),
        "confidence": float(confidence) if isinstance(confidence, int | float) else None,
        "entities": parse.get("entities") or None,
        "actions": parse.get("actions") or None,
    }
    c.execute(update(messages).where(messages.c.id == message_id).values(**values))


def _row(
    conversation_id: str,
    sender: str,
    message: dict[str, Any],
    reply_to: int | None,
    client_message_id: str | None,
) -> dict[str, Any]:
    kind = message.get("type", "text")
    body = message.get("text", "")
    if kind in _REDACTED_TYPES:
        body = redact_bot_text(body) if sender == "bot" else redact(body)
    details = {key: value for key, value in message.items() if key not in _COLUMNS and key != HANDOFF_CONTACT}
    safety = message.get("safety") or {}
    return {
        "conversation_id": conversation_id,
        "sender": sender,
        "type": kind,
        "text": body,
        "details": details or None,
        "sources": message.get("sources"),
        "reply_to": reply_to,
        "client_message_id": client_message_id,
        "created_at": now(),
        "safety_level": safety.get("level"),
        "safety_near": _near_miss(safety) if safety else None,
    }


def _near_miss(safety: dict[str, Any]) -> bool:
    """No red flag, but a score between the watch and the ask thresholds: worth a look."""
    score, watch = safety.get("score"), (safety.get("thresholds") or {}).get("watch")
    if safety.get("level") != "none" or not isinstance(score, float) or not isinstance(watch, float):
        return False
    return score >= watch


def _message(row: Any) -> dict[str, Any]:
    """A stored message back in the API's shape, with its id."""
    message = {"id": str(row.id), "type": row.type, "text": row.text}
    message.update({key: value for key, value in (row.details or {}).items() if key not in _NOT_SHOWN})
    if row.sources:
        message["sources"] = row.sources
    return message
