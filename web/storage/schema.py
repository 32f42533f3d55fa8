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
- ``handoff_contacts`` contact details given for a handoff, encrypted, apart from the
                       transcript
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
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
)

messages = Table(
    "messages",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("conversation_id", String(32), ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False),
    Column("sender", String(8), nullable=False),  # patient | bot | system
    Column("type", String(32), nullable=False),
    Column("text", Text, nullable=False),
    Column("details", JSON),  # the rest of the message: buttons, items, safety assessment...
    Column("intent", String(64)),
    Column("confidence", Float),
    Column("sources", JSON),
    Column("reply_to", Integer, ForeignKey("messages.id", ondelete="CASCADE")),
    Column("client_message_id", String(64)),
    Column("created_at", DateTime(timezone=True), nullable=False),
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

handoff_contacts = Table(
    "handoff_contacts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("conversation_id", String(32), ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False),
    Column("contact", LargeBinary, nullable=False),  # Fernet token of the email or phone number
    Column("created_at", DateTime(timezone=True), nullable=False),
)
