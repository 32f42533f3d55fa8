"""The audit log: who viewed, exported or erased what, and when (admins read it). Actions:
login, login_failed, logout, view (a transcript or a ticket), export, erase, annotate, review,
ticket (a state change)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select

from web.storage.accounts import Moderator
from web.storage.database import Database, aware, now
from web.storage.schema import audit_log


class AuditLog:
    """Append-only records of every access to transcripts."""

    def __init__(self, database: Database) -> None:
        self._database = database

    async def record(
        self, moderator: Moderator | None, action: str, target: str | None = None, **detail: Any
    ) -> None:
        """Append one record."""
        row = {
            "at": now(),
            "moderator_id": moderator.id if moderator else None,
            "moderator_email": moderator.email if moderator else detail.pop("email", None),
            "action": action,
            "target": target,
            "detail": detail or None,
        }
        await self._database.run(lambda c: c.execute(insert(audit_log).values(**row)))

    async def latest(self, limit: int = 200, offset: int = 0) -> list[dict[str, Any]]:
        """The newest records first."""
        statement = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit).offset(offset)
        rows = await self._database.run(lambda c: c.execute(statement).all())
        return [
            {
                "at": aware(row.at),
                "moderator": row.moderator_email,
                "action": row.action,
                "target": row.target,
                "detail": row.detail or {},
            }
            for row in rows
        ]
