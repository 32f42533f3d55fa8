"""The handoff inbox in the console: tickets, their contact (audited), state changes."""

from __future__ import annotations

import re

from tests.web.console.conftest import csrf_of
from web import keys


async def _ticket(client) -> int:
    storage = client.server.app[keys.STORAGE]
    conversation_id, _ = await storage.start_conversation("fr")
    summary = {
        "diseases": ["HHT"],
        "countries": ["FR"],
        "question": "saignements de nez",
        "questions": ["aide"],
        "answers": [],
        "emergency_shown": False,
    }
    return await storage.tickets.open(conversation_id, "fr", summary, "marie@example.org", [("email", {})])


async def test_a_moderator_sees_the_ticket_with_its_summary_and_contact_and_the_view_is_audited(console):
    client = await console("admin")
    ticket_id = await _ticket(client)
    inbox = await (await client.get("/console/tickets")).text()
    assert f"/console/tickets/{ticket_id}" in inbox and "marie@example.org" not in inbox
    page = await (await client.get(f"/console/tickets/{ticket_id}")).text()
    assert "marie@example.org" in page and "saignements de nez" in page and "HHT" in page
    audit = await (await client.get("/console/audit")).text()
    assert f"ticket {ticket_id}" in audit


async def test_assign_close_and_a_refused_transition(console):
    client = await console()
    ticket_id = await _ticket(client)
    token = await csrf_of(client, f"/console/tickets/{ticket_id}")
    for action in ("assign", "close"):
        response = await client.post(
            f"/console/tickets/{ticket_id}/{action}", data={"csrf_token": token}, allow_redirects=False
        )
        assert response.status == 303
    refused = await client.post(f"/console/tickets/{ticket_id}/release", data={"csrf_token": token})
    assert refused.status == 409 and "cannot" in await refused.text()
    page = await (await client.get(f"/console/tickets/{ticket_id}")).text()
    assert re.search(r"assign: open → assigned", page) and re.search(r"close: assigned → closed", page)


async def test_a_failing_notification_is_shown_in_the_inbox(console):
    client = await console()
    ticket_id = await _ticket(client)
    tickets = client.server.app[keys.STORAGE].tickets
    (item,) = await tickets.due()
    await tickets.failed(item["id"], 0, "SMTP: connection refused")
    inbox = await (await client.get("/console/tickets")).text()
    assert "SMTP: connection refused" in inbox and f"#{ticket_id}" in inbox


async def test_the_first_human_reply_is_recorded_once_and_shown_on_the_dashboard(console):
    client = await console()
    ticket_id = await _ticket(client)
    token = await csrf_of(client, f"/console/tickets/{ticket_id}")
    for _ in range(2):
        response = await client.post(
            f"/console/tickets/{ticket_id}/replied", data={"csrf_token": token}, allow_redirects=False
        )
        assert response.status == 303
    found = await client.server.app[keys.STORAGE].tickets.ticket(ticket_id)
    assert found["first_reply_at"] is not None
    assert [event["action"] for event in found["history"]].count("replied") == 1
    dashboard = await (await client.get("/console/dashboard")).text()
    assert re.search(r"first reply p50 min</th><td>0\.\d", dashboard)
