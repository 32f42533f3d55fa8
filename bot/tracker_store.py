"""Rasa's SQL tracker store, encrypted at rest, with its pooled connections checked before use
and less work per turn (issue 18).

- **Stale connections.** After a database restart, every pooled connection is stale. Rasa
  wraps the tracker store in a fail-safe store that answers a failed read with *no* tracker:
  the turn then runs on an empty conversation (disease, language and form forgotten) and Rasa
  saves it as if new. Checking a connection before use (SQLAlchemy's pool_pre_ping) replaces a
  stale one instead, so a restart of PostgreSQL costs no conversation its state.
- **No count query on save.** Rasa's store counts the conversation's stored events before
  each save to know which are new. A tracker read here remembers how many events it was read
  with, and its first save appends the events after those, the same ones the count would
  give: a turn holds the conversation's lock from its read to its save, so no other process
  writes between them. A copy of the tracker, a second save or a tracker read elsewhere
  falls back to Rasa's count.
- **The turn's tracker handed to the channel.** The chat channel reads what Rasa understood
  of the message from the tracker the turn just saved (`take_saved`), not by reading the
  conversation back.
- **Encrypted at rest** (bot/tracker_seal.py): each event's JSON is stored as a Fernet token,
  since Rasa's copy holds the messages as written and a handoff's contact.
- **Only the events' JSON is read**, not whole ORM rows, and a turn's new events are written
  in one INSERT, not one ORM object each.
- **SQLite** (`make run`, the test stack): one pooled connection instead of a new one per
  read or save (SQLAlchemy 1.4's default for a file), in WAL mode: one fsync per commit
  instead of the rollback journal's several; commits stay durable (synchronous stays FULL).

Named in endpoints as `type: bot.tracker_store.LeanSQLTrackerStore`, with the same settings
as `type: SQL`.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, TrackerStore, create_engine_kwargs
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy.orm import Session

from bot.tracker_seal import EventSeal

# Set on a tracker read from the store: (id of that tracker, events stored at that moment).
READ_WITH = "_vascern_events_read"
# Saved trackers kept for the channel until it takes them (one per turn in progress, at most).
JUST_SAVED_KEPT = 1000


class LeanSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore that encrypts events, pings pooled connections, reads only the events'
    JSON and saves without counting what is stored."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._seal = EventSeal.from_environment()  # before connecting: no key, no start
        super().__init__(*args, **kwargs)
        url = self.engine.url
        self.engine.dispose()
        if url.get_backend_name() == "sqlite":  # one pooled connection, not one per session
            options: dict[str, Any] = {
                "poolclass": sa.pool.QueuePool,
                "connect_args": {"check_same_thread": False},
            }
        else:
            options = create_engine_kwargs(url)
        self.engine = sa.create_engine(url, pool_pre_ping=True, **options)
        if url.get_backend_name() == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_wal)
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        self._just_saved: dict[str, DialogueStateTracker] = {}
        self._all_events: sa.Table = self.SQLEvent.__table__
        self._latest_session, self._latest_session_count, self._all_sessions = _statements(
            self._all_events
        )

    async def _retrieve(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> DialogueStateTracker | None:
        statement = self._all_sessions if fetch_events_from_all_sessions else self._latest_session
        with self.session_scope() as session:
            stored = session.execute(statement, {"sender_id": sender_id}).scalars().all()
        if not self.domain or not stored:
            return None
        tracker = DialogueStateTracker.from_dict(
            sender_id, [json.loads(self._seal.open(data)) for data in stored], self.domain.slots
        )
        if not fetch_events_from_all_sessions:  # what save counts: the latest session
            tracker.__dict__[READ_WITH] = (id(tracker), len(stored))
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Append the tracker's new events in one INSERT (Rasa's rows, without the ORM)."""
        await self.stream_events(tracker)
        self._just_saved.pop(tracker.sender_id, None)
        with self.session_scope() as session:
            rows = [
                _row(tracker.sender_id, event.as_dict(), event.type_name, self._seal)
                for event in self._additional_events(session, tracker)
            ]
            if rows:
                session.execute(self._all_events.insert(), rows)
            session.commit()
        if len(self._just_saved) >= JUST_SAVED_KEPT:
            del self._just_saved[next(iter(self._just_saved))]
        self._just_saved[tracker.sender_id] = tracker

    def take_saved(self, sender_id: str) -> DialogueStateTracker | None:
        """The tracker this store last saved for the conversation, once: the chat channel
        reads the turn's parse from it instead of reading the conversation back."""
        return self._just_saved.pop(sender_id, None)

    async def delete(self, sender_id: str) -> None:
        """Delete every stored event of the conversation, in every session (erasure)."""
        self._just_saved.pop(sender_id, None)
        with self.session_scope() as session:
            session.execute(self._all_events.delete().where(self._all_events.c.sender_id == sender_id))
            session.commit()

    async def delete_before(self, timestamp: float) -> int:
        """Delete every stored event older than `timestamp` (Unix seconds), of any
        conversation: retention's sweep. How many events it deleted."""
        with self.session_scope() as session:
            deleted = session.execute(
                self._all_events.delete().where(self._all_events.c.timestamp < timestamp)
            )
            session.commit()
        self._just_saved.clear()
        return deleted.rowcount

    def _additional_events(self, session: Session, tracker: DialogueStateTracker) -> Iterator:
        read_with = tracker.__dict__.pop(READ_WITH, None)
        if read_with is not None and read_with[0] == id(tracker):
            stored = read_with[1]
        else:  # a new tracker, a copy, or saved before: count, as Rasa does
            count = session.execute(self._latest_session_count, {"sender_id": tracker.sender_id})
            stored = count.scalar_one()
        return itertools.islice(tracker.events, stored, len(tracker.events))


def _statements(events: sa.Table) -> tuple[sa.sql.Select, sa.sql.Select, sa.sql.Select]:
    """Rasa's event queries (SQLTrackerStore._event_query), built once with the sender as a
    parameter: every event of the latest session (after its latest `session_started`, or all
    when there is none) in order, their count, and every event of every session."""
    sender = events.c.sender_id == sa.bindparam("sender_id")
    session_start = (
        sa.select(sa.func.max(events.c.timestamp))
        .where(sender, events.c.type_name == SessionStarted.type_name)
        .scalar_subquery()
    )
    in_latest = sa.and_(sender, sa.or_(events.c.timestamp >= session_start, session_start.is_(None)))
    return (
        sa.select(events.c.data).where(in_latest).order_by(events.c.id),
        sa.select(sa.func.count()).select_from(events).where(in_latest),
        sa.select(events.c.data).where(sender).order_by(events.c.id),
    )


def primary_store(store: TrackerStore) -> TrackerStore:
    """The store itself inside Rasa's fail-safe wrapper (which would save into its in-memory
    fallback when the database fails, and report success)."""
    return getattr(store, "_tracker_store", store)


def _row(sender_id: str, data: dict[str, Any], type_name: str, seal: EventSeal) -> dict[str, Any]:
    """An event's row in Rasa's `events` table, as SQLTrackerStore.save writes it, with its
    JSON encrypted."""
    return {
        "sender_id": sender_id,
        "type_name": type_name,
        "timestamp": data.get("timestamp"),
        "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
        "action_name": data.get("name"),
        "data": seal.seal(json.dumps(data)),
    }


def _sqlite_wal(connection: Any, _record: Any) -> None:
    connection.execute("PRAGMA journal_mode=WAL")
