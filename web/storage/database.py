"""One database: its engine (migrated to the latest schema) and transactions run off the
event loop. The stores (transcripts, moderator accounts, review, audit) share one."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timezone
from typing import TypeVar

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from web.storage.migrate import make_engine, upgrade

T = TypeVar("T")


def now() -> datetime:
    """The current time, in UTC."""
    return datetime.now(timezone.utc)


def aware(moment: datetime) -> datetime:
    """A stored time as an aware datetime (SQLite gives them back without a zone: UTC)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


class StorageUnavailable(Exception):
    """The database cannot be reached (down, restarting): the request is refused with 503;
    the pool reconnects by itself once it is back (pre-ping), without a restart of web."""


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

        try:
            return await asyncio.to_thread(in_transaction)
        except DBAPIError as error:
            if error.connection_invalidated or _is_connection_error(error):
                raise StorageUnavailable(str(error.orig or error)) from error
            raise

    async def ping(self) -> bool:
        """True when the database answers."""
        try:
            return await self.run(lambda c: c.execute(text("SELECT 1")).scalar()) == 1
        except (SQLAlchemyError, StorageUnavailable):
            return False


def _is_connection_error(error: DBAPIError) -> bool:
    """An OperationalError or InterfaceError of the driver: the server is not there."""
    return type(error).__name__ in ("OperationalError", "InterfaceError")
