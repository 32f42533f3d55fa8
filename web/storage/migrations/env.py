"""Alembic environment: migrations run online, on the engine web/storage/migrate.py passes."""

from __future__ import annotations

from alembic import context

from web.storage.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
