"""One database: its engine (migrated to the latest schema) and transactions run off the
event loop. The stores (transcripts, moderator accounts, review, audit) share one."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timezone
from typing import TypeVar

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import SQLAlchemyError

from web.storage.migrate import make_engine, upgrade

T = TypeVar("T")


def now() -> datetime:
    """The current time, in UTC."""
    return datetime.now(timezone.utc)


def aware(moment: datetime) -> datetime:
    """A stored time as an aware datetime (SQLite gives them back without a zone: UTC)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


class Database:
    """An engine at the latest migration; `run` executes a function in one transaction."""

    def __init__(self, url: str) -> None:
        self.engine: Engine = make_engine(url)
        upgrade(self.engine)

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    async def run(self, work: Callable[[Connection], T]) -> T:
        """`work(connection)` in a transaction, in a worker thread."""

        def in_transaction() -> T:
            with self.engine.begin() as connection:
                return work(connection)

        return await asyncio.to_thread(in_transaction)

    async def ping(self) -> bool:
        """True when the database answers."""
        try:
            return await self.run(lambda c: c.execute(text("SELECT 1")).scalar()) == 1
        except SQLAlchemyError:
            return False
