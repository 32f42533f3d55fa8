"""The database: schema, Alembic migrations, transcripts with redaction, and the console's stores.

- ``store``      ``Storage``: conversations, messages, feedback, handoff contacts
- ``schema``     the tables (SQLAlchemy Core)
- ``migrate``    the engine for a URL and the upgrade to the latest migration
- ``redact``     personal data out of stored text (scrubadub)
- ``database``   one engine at the latest migration, transactions off the event loop
- ``accounts``   moderator accounts (argon2) and console sessions
- ``review``     reviews, annotations, the queue, erasure and retention; ``filters`` its SQL
- ``audit``      the audit log
- ``tickets``    handoff tickets (``ticket_states``: their state machine) and the notification outbox
- ``migrations`` Alembic's scripts
"""

from __future__ import annotations

from web.storage.store import Conversation, Storage, token_hash

__all__ = ["Conversation", "Storage", "token_hash"]
