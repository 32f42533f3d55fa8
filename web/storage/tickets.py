"""Handoff tickets and the outbox of notifications about them.

A ticket holds the conversation id, a summary of the conversation so far (so nobody asks the
patient twice) and the contact the patient gave, encrypted, for this ticket alone; every
state change is kept (ticket_states.py). Each new ticket puts its notifications in the
outbox, in the same transaction, so none is lost if web stops before sending them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from cryptography.fernet import Fernet
from sqlalchemy import Connection, delete, func, insert, select, update

from web.storage.database import Database, aware, now
from web.storage.schema import outbox, ticket_events, tickets
from web.storage.ticket_states import CLOSED, OPEN, next_state

# A failed delivery is tried again after 30 s, 1 min, 2 min... at most an hour apart.
FIRST_RETRY_SECONDS = 30
MAX_RETRY_SECONDS = 3600
# The event of a patient asking to talk now with a moderator online (the state does not change).
LIVE_REQUEST = "live_request"


class TicketStore:
    """Tickets, their history and their outbox."""

    def __init__(self, database: Database, secret_key: bytes) -> None:
        self._database = database
        self._vault = Fernet(secret_key)

    async def open(
        self,
        conversation_id: str,
        language: str | None,
        summary: dict[str, Any],
        contact: str | None,
        notifications: list[tuple[str, dict[str, Any]]],
    ) -> int:
        """A new open ticket and its notifications (channel, payload) in the outbox; its id."""
        sealed = self._vault.encrypt(contact.encode()) if contact else None
        moment = now()

        def work(c: Any) -> int:
            ticket_id = c.execute(
                insert(tickets).values(
                    conversation_id=conversation_id,
                    status=OPEN,
                    language=language,
                    summary=summary,
                    contact=sealed,
                    created_at=moment,
                    updated_at=moment,
                )
            ).inserted_primary_key[0]
            c.execute(
                insert(ticket_events).values(ticket_id=ticket_id, at=moment, action="open", to_status=OPEN)
            )
            for channel, payload in notifications:
                c.execute(
                    insert(outbox).values(
                        ticket_id=ticket_id,
                        channel=channel,
                        payload=dict(payload, ticket=ticket_id),
                        attempts=0,
                        next_attempt_at=moment,
                    )
                )
            return ticket_id

        return await self._database.run(work)

    async def transition(self, ticket_id: int, action: str, moderator_id: int | None) -> str:
        """Apply `action` (states.TRANSITIONS); the new state. TransitionError if not allowed,
        LookupError if there is no such ticket."""

        def work(c: Any) -> str:
            row = c.execute(select(tickets.c.status).where(tickets.c.id == ticket_id)).first()
            if row is None:
                raise LookupError(f"no ticket {ticket_id}")
            state = next_state(row.status, action)
            values: dict[str, Any] = {"status": state, "updated_at": now()}
            if action == "assign":
                values["assigned_to"] = moderator_id
            elif state == OPEN:  # released or reopened: nobody holds it
                values["assigned_to"] = None
            c.execute(update(tickets).where(tickets.c.id == ticket_id).values(**values))
            c.execute(
                insert(ticket_events).values(
                    ticket_id=ticket_id,
                    at=now(),
                    moderator_id=moderator_id,
                    action=action,
                    from_status=row.status,
                    to_status=state,
                )
            )
            return state

        return await self._database.run(work)

    async def replied(self, ticket_id: int, moderator_id: int | None) -> bool:
        """Record that a person answered the patient (the first time counts); False if there
        is no such ticket."""

        def work(c: Any) -> bool:
            row = c.execute(
                select(tickets.c.status, tickets.c.first_reply_at).where(tickets.c.id == ticket_id)
            ).first()
            if row is None:
                return False
            if row.first_reply_at is None:
                moment = now()
                c.execute(
                    update(tickets)
                    .where(tickets.c.id == ticket_id)
                    .values(first_reply_at=moment, updated_at=moment)
                )
                c.execute(
                    insert(ticket_events).values(
                        ticket_id=ticket_id,
                        at=moment,
                        moderator_id=moderator_id,
                        action="replied",
                        from_status=row.status,
                        to_status=row.status,
                    )
                )
            return True

        return await self._database.run(work)

    async def request_live(self, ticket_id: int) -> None:
        """Record that the patient asked to talk now (a LIVE_REQUEST event; the state stays)."""

        def work(c: Any) -> None:
            row = c.execute(select(tickets.c.status).where(tickets.c.id == ticket_id)).first()
            if row is not None:
                c.execute(
                    insert(ticket_events).values(
                        ticket_id=ticket_id,
                        at=now(),
                        action=LIVE_REQUEST,
                        from_status=row.status,
                        to_status=row.status,
                    )
                )

        await self._database.run(work)

    async def live_queue(self) -> list[dict[str, Any]]:
        """Open tickets whose patient asked to talk now (ticket id, conversation id), the
        earliest request first."""
        statement = (
            select(
                ticket_events.c.ticket_id,
                tickets.c.conversation_id,
                func.min(ticket_events.c.at).label("asked"),
            )
            .join(tickets, tickets.c.id == ticket_events.c.ticket_id)
            .where(ticket_events.c.action == LIVE_REQUEST, tickets.c.status == OPEN)
            .group_by(ticket_events.c.ticket_id, tickets.c.conversation_id)
            .order_by("asked")
        )
        rows = await self._database.run(lambda c: c.execute(statement).all())
        return [{"ticket": row.ticket_id, "conversation_id": row.conversation_id} for row in rows]

    async def live_waits(self, limit: int = 20) -> list[float]:
        """Seconds from "talk now" to a moderator taking the conversation, for the latest
        `limit` requests that were taken."""
        statement = (
            select(ticket_events.c.ticket_id, ticket_events.c.action, ticket_events.c.at)
            .where(ticket_events.c.action.in_((LIVE_REQUEST, "assign")))
            .order_by(ticket_events.c.at.desc())
            .limit(limit * 10)
        )
        rows = await self._database.run(lambda c: c.execute(statement).all())
        taken: dict[int, datetime] = {}
        waits: list[float] = []
        for row in rows:  # newest first: an assign is seen before the request it answered
            if row.action == "assign":
                taken[row.ticket_id] = aware(row.at)
            elif row.ticket_id in taken:
                waits.append((taken.pop(row.ticket_id) - aware(row.at)).total_seconds())
        return waits[:limit]

    async def reply_delays(self, since: datetime) -> list[float]:
        """Seconds from request to first human reply, for tickets opened since `since`."""
        statement = select(tickets.c.created_at, tickets.c.first_reply_at).where(
            tickets.c.created_at >= since, tickets.c.first_reply_at.is_not(None)
        )
        rows = await self._database.run(lambda c: c.execute(statement).all())
        return [(aware(row.first_reply_at) - aware(row.created_at)).total_seconds() for row in rows]

    async def open_ticket_of(self, conversation_id: str) -> dict[str, Any] | None:
        """The conversation's latest ticket that is not closed (id and status), or None."""
        statement = (
            select(tickets.c.id, tickets.c.status)
            .where(tickets.c.conversation_id == conversation_id, tickets.c.status != CLOSED)
            .order_by(tickets.c.id.desc())
            .limit(1)
        )
        row = await self._database.run(lambda c: c.execute(statement).first())
        return dict(row._mapping) if row else None

    async def listing(self, status: str | None = None) -> list[dict[str, Any]]:
        """Tickets, newest first, with their delivery state (no contact)."""
        undelivered = (
            select(outbox.c.ticket_id, func.count().label("pending"))
            .where(outbox.c.delivered_at.is_(None))
            .group_by(outbox.c.ticket_id)
            .subquery()
        )
        statement = (
            select(
                tickets.c.id,
                tickets.c.conversation_id,
                tickets.c.status,
                tickets.c.assigned_to,
                tickets.c.language,
                tickets.c.created_at,
                undelivered.c.pending,
            )
            .outerjoin(undelivered, undelivered.c.ticket_id == tickets.c.id)
            .order_by(tickets.c.id.desc())
        )
        if status:
            statement = statement.where(tickets.c.status == status)
        rows = await self._database.run(lambda c: c.execute(statement).all())
        return [
            dict(row._mapping, created_at=aware(row.created_at), pending=row.pending or 0) for row in rows
        ]

    async def ticket(self, ticket_id: int) -> dict[str, Any] | None:
        """One ticket with its history, its deliveries and its contact (decrypted)."""

        def work(c: Any) -> dict[str, Any] | None:
            row = c.execute(select(tickets).where(tickets.c.id == ticket_id)).first()
            if row is None:
                return None
            history = c.execute(
                select(ticket_events)
                .where(ticket_events.c.ticket_id == ticket_id)
                .order_by(ticket_events.c.id)
            ).all()
            deliveries = c.execute(
                select(outbox).where(outbox.c.ticket_id == ticket_id).order_by(outbox.c.id)
            ).all()
            found = dict(row._mapping)
            found.update(
                contact=self._vault.decrypt(bytes(row.contact)).decode() if row.contact else None,
                created_at=aware(row.created_at),
                history=[dict(event._mapping, at=aware(event.at)) for event in history],
                deliveries=[dict(item._mapping) for item in deliveries],
            )
            return found

        return await self._database.run(work)

    async def due(self, limit: int = 20) -> list[dict[str, Any]]:
        """Notifications waiting to be (re)sent now."""
        statement = (
            select(outbox)
            .where(outbox.c.delivered_at.is_(None), outbox.c.next_attempt_at <= now())
            .order_by(outbox.c.id)
            .limit(limit)
        )
        return [dict(row._mapping) for row in await self._database.run(lambda c: c.execute(statement).all())]

    async def delivered(self, item_id: int) -> None:
        """A notification went out."""
        statement = (
            update(outbox)
            .where(outbox.c.id == item_id)
            .values(delivered_at=now(), attempts=outbox.c.attempts + 1, last_error=None)
        )
        await self._database.run(lambda c: c.execute(statement))

    async def failed(self, item_id: int, attempts: int, error: str) -> datetime:
        """A delivery failed: keep the error, try again later (exponential back-off); when."""
        later = now() + timedelta(seconds=min(MAX_RETRY_SECONDS, FIRST_RETRY_SECONDS * 2**attempts))
        statement = (
            update(outbox)
            .where(outbox.c.id == item_id)
            .values(attempts=attempts + 1, last_error=error[:1000], next_attempt_at=later)
        )
        await self._database.run(lambda c: c.execute(statement))
        return later

    async def failing(self) -> list[dict[str, Any]]:
        """Undelivered notifications that failed at least once (shown in the console)."""
        statement = (
            select(outbox).where(outbox.c.delivered_at.is_(None), outbox.c.attempts > 0).order_by(outbox.c.id)
        )
        return [dict(row._mapping) for row in await self._database.run(lambda c: c.execute(statement).all())]


def delete_tickets(c: Connection, conversation_ids: list[str]) -> None:
    """Delete the tickets of conversations, with their history and notifications."""
    ids = select(tickets.c.id).where(tickets.c.conversation_id.in_(conversation_ids))
    for table in (outbox, ticket_events):
        c.execute(delete(table).where(table.c.ticket_id.in_(ids)))
    c.execute(delete(tickets).where(tickets.c.conversation_id.in_(conversation_ids)))
