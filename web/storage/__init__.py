"""Transcript storage: schema, Alembic migrations, redaction and the async store.

- ``store``      ``Storage``: conversations, messages, feedback, handoff contacts
- ``schema``     the tables (SQLAlchemy Core)
- ``migrate``    the engine for a URL and the upgrade to the latest migration
- ``redact``     personal data out of stored text (scrubadub)
- ``migrations`` Alembic's scripts
"""

from __future__ import annotations

from web.storage.store import Conversation, Storage, token_hash

__all__ = ["Conversation", "Storage", "token_hash"]
