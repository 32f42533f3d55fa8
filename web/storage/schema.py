"""The transcript tables (SQLAlchemy Core). Alembic migrations in ``migrations/`` create
and change them; a change here needs a new migration (tests/web/test_storage.py checks
that the two agree).

- ``conversations``    one per chat: the hash of its secret token, its language, what the
                       safety layer remembers, the button payloads last offered
- ``messages``         every patient, bot and system message, in order: direction
                       (``sender``), time, type, text (personal data redacted), intent and
                       confidence of a patient message, sources of an answer, the patient
                       message a reply answers (``reply_to``), the client's message id
- ``feedback``         thumbs up or down on a bot message, one per message
- ``moderators``       console accounts: email, name, role (moderator or admin), argon2 hash
- ``console_sessions`` server-side console sessions (by the hash of the cookie's key)
- ``reviews``          a conversation's review: reviewed by whom and when, tags, note
- ``annotations``      every change of a bot answer's review state, with the reason and the
                       expected answer or intent (the latest row is the current state)
- ``audit_log``        who viewed, exported or erased what, and when
- ``tickets``          handoff requests: state, who holds it, the conversation's summary, the
                       contact (encrypted, for this ticket alone) (migration 0004, which
                       replaced the table ``handoff_contacts``)
- ``ticket_events``    every state change of a ticket
- ``outbox``           notifications about tickets to deliver, with attempts and errors
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

conversations = Table(
    "conversations",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("token_hash", String(64), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("language", String(8)),
    Column("safety_context", JSON),
    Column("offered_payloads", JSON),
    # The moderator holding the conversation live (migration 0005): Rasa receives nothing then.
    Column("held_by", Integer, ForeignKey("moderators.id", ondelete="SET NULL")),
)

# The sender of a message written by a person of the team (messages.sender is at most 8 long).
STAFF = "staff"

messages = Table(
    "messages",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("conversation_id", String(32), ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False),
    Column("sender", String(8), nullable=False),  # patient | bot | system | STAFF
    Column("type", String(32), nullable=False),
    Column("text", Text, nullable=False),
    Column("details", JSON),  # the rest of the message: buttons, items, safety assessment...
    Column("intent", String(64)),
    Column("confidence", Float),
    Column("sources", JSON),
    Column("reply_to", Integer, ForeignKey("messages.id", ondelete="CASCADE")),
    Column("client_message_id", String(64)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # Of a patient message (migration 0002): what the console filters the review queue on.
    Column("entities", JSON),
    Column("safety_level", String(16)),  # none | ask | emergency
    Column("safety_near", Boolean),  # scored between the watch and the ask thresholds
    Column("actions", JSON),  # the dialogue's actions for the message (migration 0003)
    UniqueConstraint("conversation_id", "client_message_id", name="messages_client_id_once"),
)
Index("messages_by_conversation", messages.c.conversation_id, messages.c.id)

feedback = Table(
    "feedback",
    metadata,
    Column("message_id", Integer, ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True),
    Column("conversation_id", String(32), ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False),
    Column("value", String(8), nullable=False),  # up | down
    Column("created_at", DateTime(timezone=True), nullable=False),
)

moderators = Table(
    "moderators",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("email", String(254), nullable=False, unique=True),
    Column("name", String(120), nullable=False),
    Column("role", String(16), nullable=False),  # moderator | admin
    Column("password_hash", String(255), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

console_sessions = Table(
    "console_sessions",
    metadata,
    Column("key_hash", String(64), primary_key=True),
    Column("data", JSON, nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

reviews = Table(
    "reviews",
    metadata,
    Column(
        "conversation_id", String(32), ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("reviewed_at", DateTime(timezone=True)),
    Column("reviewed_by", Integer, ForeignKey("moderators.id", ondelete="SET NULL")),
    Column("tags", JSON),
    Column("note", Text),
)

annotations = Table(
    "annotations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("message_id", Integer, ForeignKey("messages.id", ondelete="CASCADE"), nullable=False),
    Column("conversation_id", String(32), ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False),
    Column("state", String(16), nullable=False),  # to_review | anomaly | resolved | wont_fix
    Column("reason", String(32)),
    Column("expected_intent", String(64)),
    Column("expected_answer", Text),
    Column("note", Text),
    Column("moderator_id", Integer, ForeignKey("moderators.id", ondelete="SET NULL")),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
Index("annotations_by_message", annotations.c.message_id, annotations.c.id)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("moderator_id", Integer, ForeignKey("moderators.id", ondelete="SET NULL")),
    Column("moderator_email", String(254)),  # kept when the account is removed
    Column("action", String(32), nullable=False),
    Column("target", String(200)),
    Column("detail", JSON),
)

tickets = Table(
    "tickets",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("conversation_id", String(32), ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False),
    Column("status", String(16), nullable=False),  # web/handoff/states.py
    Column("assigned_to", Integer, ForeignKey("moderators.id", ondelete="SET NULL")),
    Column("language", String(8)),
    Column("summary", JSON, nullable=False),
    Column("contact", LargeBinary),  # Fernet token of the email or phone number, for this ticket alone
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("first_reply_at", DateTime(timezone=True)),
)

ticket_events = Table(
    "ticket_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ticket_id", Integer, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("moderator_id", Integer, ForeignKey("moderators.id", ondelete="SET NULL")),
    Column("action", String(16), nullable=False),
    Column("from_status", String(16)),
    Column("to_status", String(16), nullable=False),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ticket_id", Integer, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False),
    Column("channel", String(16), nullable=False),  # email | webhook
    Column("payload", JSON, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False),
    Column("last_error", Text),
    Column("delivered_at", DateTime(timezone=True)),
)
