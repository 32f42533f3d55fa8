"""The handoff inbox: tickets, their state, who holds them, their notifications; one ticket
with the conversation's summary and the contact (viewing it is audited); state changes."""

from __future__ import annotations

import aiohttp_jinja2
from aiohttp import web

from web.console import keys
from web.storage.ticket_states import ACTIONS, CLOSED, STATES, TransitionError

# Not a state change: a person answered the patient outside the console (mail, phone).
REPLIED = "replied"


def _ticket_id(request: web.Request) -> int:
    try:
        return int(request.match_info["ticket_id"])
    except ValueError:
        raise web.HTTPNotFound(reason="no such ticket") from None


@aiohttp_jinja2.template("tickets.html")
async def inbox(request: web.Request) -> dict:
    """Every ticket, newest first (`?status=` filters), and the notifications that fail."""
    status = request.query.get("status") or None
    if status and status not in STATES:
        raise web.HTTPBadRequest(reason="unknown status")
    tickets = request.app[keys.STORAGE].tickets
    listing = await tickets.listing(status)
    open_ones = [ticket["conversation_id"] for ticket in listing if ticket["status"] != CLOSED]
    return {
        "tickets": listing,
        "unread": await request.app[keys.REVIEW].unread(open_ones),
        "failing": await tickets.failing(),
        "status": status,
        "states": STATES,
    }


async def ticket(request: web.Request) -> web.Response:
    """One ticket in full (audited: it shows the patient's contact)."""
    found = await request.app[keys.STORAGE].tickets.ticket(_ticket_id(request))
    if found is None:
        raise web.HTTPNotFound(reason="no such ticket")
    await request.app[keys.AUDIT].record(request[keys.MODERATOR], "view", f"ticket {found['id']}")
    context = {"ticket": found, "actions": ACTIONS + (REPLIED,)}
    return aiohttp_jinja2.render_template("ticket.html", request, context)


async def change(request: web.Request) -> web.StreamResponse:
    """Assign to me, release, close or reopen; or record that the patient was answered (by
    mail or phone), which starts nothing but the clock of the dashboard's reply time."""
    ticket_id, action = _ticket_id(request), request.match_info["action"]
    if action not in ACTIONS + (REPLIED,):
        raise web.HTTPNotFound(reason="no such action")
    moderator = request[keys.MODERATOR]
    tickets = request.app[keys.STORAGE].tickets
    try:
        if action == REPLIED:
            if not await tickets.replied(ticket_id, moderator.id):
                raise LookupError(ticket_id)
        else:
            await tickets.transition(ticket_id, action, moderator.id)
    except LookupError:
        raise web.HTTPNotFound(reason="no such ticket") from None
    except TransitionError as error:
        raise web.HTTPConflict(reason=str(error)) from None
    await request.app[keys.AUDIT].record(moderator, "ticket", f"ticket {ticket_id}", change=action)
    raise web.HTTPSeeOther(f"/console/tickets/{ticket_id}")
