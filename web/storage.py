"""Conversations and their messages, in SQLite.

Every message a patient sends is stored before it is forwarded, and the reply (or the
error returned instead) is stored with it, so nothing is lost (ARCHITECTURE.md, Public
chat API). sqlite3 calls run in a worker thread so the event loop never blocks.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY,
    started_at TEXT NOT NULL,
    language TEXT,
    safety_context TEXT
);
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id TEXT NOT NULL REFERENCES conversations(id),
    sender TEXT NOT NULL CHECK (sender IN ('patient', 'bot', 'system')),
    type TEXT NOT NULL,
    text TEXT NOT NULL,
    payload TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_by_conversation ON messages(conversation_id, id);
"""


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


class Storage:
    """A small transcript store over one SQLite connection."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._connection = sqlite3.connect(path, check_same_thread=False)
        self._connection.execute("PRAGMA journal_mode=WAL")
        self._connection.executescript(SCHEMA)
        columns = {row[1] for row in self._connection.execute("PRAGMA table_info(conversations)")}
        if "safety_context" not in columns:  # a database made before issue 13
            self._connection.execute("ALTER TABLE conversations ADD COLUMN safety_context TEXT")
        self._lock = threading.Lock()

    def close(self) -> None:
        """Close the connection."""
        self._connection.close()

    async def _run(self, sql: str, parameters: tuple = ()) -> list[tuple]:
        def work() -> list[tuple]:
            with self._lock, self._connection:
                return self._connection.execute(sql, parameters).fetchall()

        return await asyncio.to_thread(work)

    async def ping(self) -> bool:
        """True when the database answers."""
        try:
            return (await self._run("SELECT 1")) == [(1,)]
        except sqlite3.Error:
            return False

    async def start_conversation(self, language: str | None) -> str:
        """Create a conversation and return its new id."""
        conversation_id = uuid.uuid4().hex
        await self._run(
            "INSERT INTO conversations (id, started_at, language) VALUES (?, ?, ?)",
            (conversation_id, _now(), language),
        )
        return conversation_id

    async def set_language(self, conversation_id: str, language: str) -> None:
        """Remember the conversation's current language."""
        await self._run(
            "UPDATE conversations SET language = ? WHERE id = ?", (language, conversation_id)
        )

    async def conversation_language(self, conversation_id: str) -> tuple[bool, str | None]:
        """Whether the conversation exists, and its language so far (None if not known yet)."""
        rows = await self._run("SELECT language FROM conversations WHERE id = ?", (conversation_id,))
        return (True, rows[0][0]) if rows else (False, None)

    async def safety_context(self, conversation_id: str) -> dict[str, Any]:
        """What the safety layer remembers of the conversation (empty when nothing yet)."""
        rows = await self._run("SELECT safety_context FROM conversations WHERE id = ?", (conversation_id,))
        return json.loads(rows[0][0]) if rows and rows[0][0] else {}

    async def set_safety_context(self, conversation_id: str, context: dict[str, Any]) -> None:
        """Remember what the safety layer saw, for the conversation's next messages."""
        await self._run(
            "UPDATE conversations SET safety_context = ? WHERE id = ?",
            (json.dumps(context), conversation_id),
        )

    async def add_message(
        self, conversation_id: str, sender: str, message: dict[str, Any]
    ) -> None:
        """Append one message (patient text, bot message or system error)."""
        await self._run(
            "INSERT INTO messages (conversation_id, sender, type, text, payload, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                conversation_id,
                sender,
                message.get("type", "text"),
                message.get("text", ""),
                json.dumps(message, ensure_ascii=False),
                _now(),
            ),
        )

    async def erase(self, conversation_id: str) -> None:
        """Delete every message of a conversation and what was remembered about it (the
        patient asked, and confirmed); the conversation id stays valid for what follows."""
        await self._run("DELETE FROM messages WHERE conversation_id = ?", (conversation_id,))
        await self._run(
            "UPDATE conversations SET language = NULL, safety_context = NULL WHERE id = ?",
            (conversation_id,),
        )

    async def unanswered(self, limit: int = 100) -> list[dict[str, Any]]:
        """The latest questions the assistant had no reliable answer to, newest first."""
        rows = await self._run(
            "SELECT m.created_at, c.language, m.text, m.conversation_id FROM messages m"
            " JOIN conversations c ON c.id = m.conversation_id"
            " WHERE m.sender = 'system' AND m.type = 'unanswered' ORDER BY m.id DESC LIMIT ?",
            (limit,),
        )
        return [
            {"created_at": created_at, "language": language, "text": text, "conversation_id": conversation}
            for created_at, language, text, conversation in rows
        ]

    async def transcript(self, conversation_id: str) -> list[dict[str, Any]]:
        """Every message of a conversation, oldest first."""
        rows = await self._run(
            "SELECT sender, payload, created_at FROM messages WHERE conversation_id = ? ORDER BY id",
            (conversation_id,),
        )
        return [
            {"sender": sender, "created_at": created_at, **json.loads(payload)}
            for sender, payload, created_at in rows
        ]
