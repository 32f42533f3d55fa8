"""Rasa's SQL tracker store, with its pooled connections checked before use.

After a database restart, every pooled connection is stale. Rasa wraps the tracker store in a
fail-safe store that answers a failed read with *no* tracker: the turn then runs on an empty
conversation (disease, language and form forgotten) and Rasa saves it as if new. Checking a
connection before use (SQLAlchemy's pool_pre_ping) replaces a stale one instead, so a restart
of PostgreSQL costs no conversation its state. Named in endpoints as
`type: bot.tracker_store.PingingSQLTrackerStore`, with the same settings as `type: SQL`.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs


class PingingSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore whose engine pings a pooled connection before handing it out."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
