"""The transcript store on SQLite and on PostgreSQL (web/storage/)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from cryptography.fernet import Fernet
from sqlalchemy import select, text

from web.storage import Storage, token_hash
from web.storage.migrate import make_engine
from web.storage.schema import conversations, metadata, tickets


async def test_the_migrations_build_exactly_the_schema_the_code_uses(database_url):
    Storage(database_url, Fernet.generate_key()).close()
    engine = make_engine(database_url)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    engine.dispose()
    assert differences == []


async def test_only_a_hash_of_the_conversation_token_is_stored(database_url):
    storage = Storage(database_url, Fernet.generate_key())
    conversation_id, token = await storage.start_conversation("en")
    with storage._engine.connect() as connection:
        stored = connection.execute(select(conversations.c.token_hash)).scalar()
    assert stored == token_hash(token) and token not in stored
    conversation = await storage.conversation(conversation_id)
    assert (
        conversation.accepts(token)
        and not conversation.accepts(token + "x")
        and not conversation.accepts(None)
    )
    storage.close()


async def test_a_handoff_contact_is_kept_encrypted_on_its_ticket_apart_from_the_transcript(database_url):
    storage = Storage(database_url, Fernet.generate_key())
    conversation_id, _ = await storage.start_conversation("fr")
    ticket_id = await storage.tickets.open(conversation_id, "fr", {}, "marie.dupont@example.org", [])
    with storage._engine.connect() as connection:
        raw = connection.execute(select(tickets.c.contact)).scalar()
        transcript_text = connection.execute(text("SELECT count(*) FROM messages")).scalar()
    assert b"example.org" not in bytes(raw) and transcript_text == 0
    assert (await storage.tickets.ticket(ticket_id))["contact"] == "marie.dupont@example.org"
    storage.close()


async def test_erasing_a_conversation_removes_messages_feedback_and_tickets(database_url):
    storage = Storage(database_url, Fernet.generate_key())
    conversation_id, token = await storage.start_conversation("en")
    asked = await storage.add_patient_message(conversation_id, {"type": "text", "text": "hello"}, "m1")
    (answer,) = await storage.add_messages(
        conversation_id, "bot", [{"type": "text", "text": "hi"}], reply_to=asked
    )
    await storage.set_feedback(conversation_id, answer, "up")
    ticket_id = await storage.tickets.open(conversation_id, "en", {}, "+33 6 12 34 56 78", [("email", {})])
    await storage.erase(conversation_id)
    assert await storage.history(conversation_id) == []
    assert await storage.feedback_of(conversation_id) == {}
    assert await storage.tickets.ticket(ticket_id) is None
    assert (await storage.conversation(conversation_id)).accepts(token), "the conversation itself goes on"
    storage.close()


async def test_a_reply_is_found_again_by_the_client_message_id_it_answers(database_url):
    storage = Storage(database_url, Fernet.generate_key())
    conversation_id, _ = await storage.start_conversation("en")
    asked = await storage.add_patient_message(
        conversation_id, {"type": "text", "text": "what is HHT?"}, "c-1"
    )
    await storage.add_reply(
        conversation_id,
        asked,
        [("bot", {"type": "answer", "text": "HHT is…", "sources": [{"id": "hht-overview"}]})],
        {"intent": "ask_disease_info", "confidence": 0.93},
    )
    found, replies = await storage.answered(conversation_id, "c-1")
    assert found == asked and replies[0]["sources"] == [{"id": "hht-overview"}]
    transcript = await storage.transcript(conversation_id)
    assert (transcript[0]["intent"], transcript[0]["confidence"]) == ("ask_disease_info", 0.93)
    assert await storage.answered(conversation_id, "never-sent") == (None, [])
    storage.close()


async def test_a_turn_is_two_transactions_the_message_with_its_context_then_the_whole_reply(database_url):
    storage = Storage(database_url, Fernet.generate_key())
    conversation_id, _ = await storage.start_conversation("en")
    asked = await storage.add_patient_message(
        conversation_id, {"type": "text", "text": "centre HHT Lyon"}, "c-2", safety_context={"asked": True}
    )
    assert (await storage.conversation(conversation_id)).safety_context == {"asked": True}
    reply = [
        ("bot", {"type": "text", "text": "Here are the centres:"}),
        ("system", {"type": "error", "text": "the finder is slow"}),
    ]
    parse = {"intent": "find_centre", "confidence": 0.8, "entities": [{"entity": "city", "value": "Lyon"}]}
    ids = await storage.add_reply(
        conversation_id, asked, reply, parse, language="fr", offered_payloads=["/affirm"]
    )
    transcript = await storage.transcript(conversation_id)
    assert [row["id"] for row in transcript] == [asked, *ids]
    assert [(row["sender"], row["reply_to"]) for row in transcript[1:]] == [("bot", asked), ("system", asked)]
    assert (transcript[0]["intent"], transcript[0]["confidence"]) == ("find_centre", 0.8)
    assert await storage.entities(conversation_id) == [{"entity": "city", "value": "Lyon"}]
    conversation = await storage.conversation(conversation_id)
    assert (conversation.language, conversation.offered_payloads) == ("fr", ["/affirm"])
    storage.close()
