"""Handoff tickets: an explicit state machine, a summary so nobody asks twice, and
notifications that are never lost (a real local SMTP server and webhook receiver)."""

from __future__ import annotations

import email

import pytest
from aiohttp import web
from aiosmtpd.controller import Controller
from cryptography.fernet import Fernet
from sqlalchemy import update

from scripts.stack import free_port
from tests.web.conftest import make_settings
from web.handoff.notify import Notifier, notifications
from web.handoff.summary import summarise
from web.storage import Storage
from web.storage.database import now
from web.storage.schema import outbox
from web.storage.ticket_states import ASSIGNED, CLOSED, OPEN, TRANSITIONS, TransitionError, next_state


@pytest.mark.parametrize(("state", "action", "after"), [(s, a, n) for (s, a), n in TRANSITIONS.items()])
def test_every_allowed_transition(state, action, after):
    assert next_state(state, action) == after


@pytest.mark.parametrize(
    ("state", "action"),
    [(CLOSED, "assign"), (CLOSED, "close"), (OPEN, "release"), (OPEN, "reopen"), (ASSIGNED, "reopen")],
)
def test_a_transition_that_is_not_allowed_is_refused(state, action):
    with pytest.raises(TransitionError):
        next_state(state, action)


async def test_a_ticket_keeps_its_history_and_who_holds_it(database_url):
    storage = Storage(database_url, Fernet.generate_key())
    conversation_id, _ = await storage.start_conversation("fr")
    tickets = storage.tickets
    ticket_id = await tickets.open(conversation_id, "fr", {"diseases": ["HHT"]}, "marie@example.org", [])
    assert await tickets.transition(ticket_id, "assign", None) == ASSIGNED
    assert await tickets.transition(ticket_id, "close", None) == CLOSED
    with pytest.raises(TransitionError):
        await tickets.transition(ticket_id, "close", None)
    assert await tickets.transition(ticket_id, "reopen", None) == OPEN
    found = await tickets.ticket(ticket_id)
    assert [event["action"] for event in found["history"]] == ["open", "assign", "close", "reopen"]
    assert found["status"] == OPEN and found["assigned_to"] is None
    storage.close()


def test_the_summary_says_what_was_asked_and_answered():
    transcript = [
        {"sender": "patient", "message": {"type": "text", "text": "is HHT inherited?"}},
        {
            "sender": "bot",
            "message": {
                "type": "answer",
                "text": "…",
                "sources": [{"id": "hht-genetics", "title": "HHT genetics"}],
            },
        },
        {"sender": "patient", "message": {"type": "text", "text": "I want to talk to someone"}},
    ]
    entities = [
        {"entity": "disease", "value": "HHT"},
        {"entity": "country", "value": "FR"},
        {"entity": "disease", "value": "HHT"},
    ]
    summary = summarise(transcript, entities, "my daughter's nosebleeds")
    assert summary["diseases"] == ["HHT"] and summary["countries"] == ["FR"]
    assert summary["questions"] == ["is HHT inherited?", "I want to talk to someone"]
    assert summary["answers"] == [{"type": "answer", "sources": ["HHT genetics"]}]
    assert summary["question"] == "my daughter's nosebleeds" and summary["emergency_shown"] is False


class Inbox:
    """aiosmtpd handler keeping every mail it receives."""

    def __init__(self) -> None:
        self.mails: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.mails.append(email.message_from_bytes(envelope.content))
        return "250 OK"


async def _ticket(storage: Storage, settings) -> int:
    conversation_id, _ = await storage.start_conversation("de")
    summary = {"diseases": ["MSA"], "question": "Termin in Berlin?", "emergency_shown": False}
    return await storage.tickets.open(
        conversation_id, "de", summary, "+49 30 1234567", notifications(settings, summary, "de")
    )


async def test_a_new_ticket_is_mailed_over_smtp_without_the_contact(database_url):
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings = make_settings(database_url, smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False)
        storage = Storage(settings.database_url, settings.secret_key)
        ticket_id = await _ticket(storage, settings)
        assert await Notifier(settings, storage.tickets).deliver_due() == 1
        (mail,) = inbox.mails
        assert f"#{ticket_id}" in mail["Subject"] and mail["To"] == settings.moderators_email
        body = mail.get_payload(decode=True).decode()
        assert "Termin in Berlin?" in body and f"/console/tickets/{ticket_id}" in body
        assert "1234567" not in body, "the contact stays in the console"
        assert await storage.tickets.due() == []
        storage.close()
    finally:
        controller.stop()


async def test_without_an_smtp_server_the_mail_is_written_to_the_outbox_folder(database_url, tmp_path):
    settings = make_settings(database_url, outbox_dir=tmp_path / "outbox")
    storage = Storage(settings.database_url, settings.secret_key)
    ticket_id = await _ticket(storage, settings)
    await Notifier(settings, storage.tickets).deliver_due()
    (written,) = (tmp_path / "outbox").glob("*.eml")
    assert f"ticket-{ticket_id}-" in written.name and b"Termin in Berlin?" in written.read_bytes()
    storage.close()


async def test_a_webhook_that_is_down_is_retried_with_back_off_until_it_is_back(
    database_url, tmp_path, aiohttp_server
):
    received: list[dict] = []

    async def receive(request: web.Request) -> web.Response:
        received.append(await request.json())
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_post("/hook", receive)
    port = free_port()
    settings = make_settings(
        database_url, outbox_dir=tmp_path, handoff_webhook_url=f"http://127.0.0.1:{port}/hook"
    )
    storage = Storage(settings.database_url, settings.secret_key)
    notifier = Notifier(settings, storage.tickets)
    ticket_id = await _ticket(storage, settings)
    assert await notifier.deliver_due() == 1, "the mail went out, the webhook is down"
    (failing,) = await storage.tickets.failing()
    assert failing["channel"] == "webhook" and failing["attempts"] == 1 and failing["last_error"]
    assert failing["next_attempt_at"] is not None and await storage.tickets.due() == []
    await aiohttp_server(app, port=port)
    await storage.database.run(lambda c: c.execute(update(outbox).values(next_attempt_at=now())))
    assert await notifier.deliver_due() == 1
    assert received[0]["ticket"] == ticket_id and "+49" not in str(received[0])
    assert await storage.tickets.failing() == []
    storage.close()
