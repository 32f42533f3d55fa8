"""The retention limit: a conversation started more than WEB_RETENTION_DAYS ago is deleted
from web's database and from Rasa's tracker store (its messages are in both).

Rasa's copy goes first: the expired conversations by id, then every event older than the
limit (and an hour), which also reaches conversations whose id web no longer knows (an
earlier version's retention deleted only web's copy). When Rasa cannot erase, nothing is
deleted and the next run (an hour later, or `python -m web retention`) tries again, so no
tracker outlives the transcript whose id would find it.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from web.rasa import RasaClient, RasaUnavailable
from web.storage.database import now
from web.storage.review import ReviewStore

logger = logging.getLogger(__name__)
# Rasa's sweep stops this much short of the limit: clocks of separate hosts may differ, and a
# conversation started just after the limit keeps every event.
SWEEP_MARGIN = timedelta(hours=1)


async def expire(review: ReviewStore, rasa: RasaClient, days: int) -> int:
    """Erase, then delete, every conversation started more than `days` days ago; how many.
    RasaUnavailable when Rasa did not erase them (nothing was deleted)."""
    expired = await review.started_before(days)
    sweep_before = (now() - timedelta(days=days) - SWEEP_MARGIN).timestamp()
    try:
        swept = await rasa.erase(*expired, before=sweep_before)
    except RasaUnavailable:
        logger.error(
            "retention postponed: Rasa could not erase %d conversations older than %d days",
            len(expired),
            days,
        )
        raise
    if swept:
        logger.info("retention: %d of Rasa's events older than %d days deleted", swept, days)
    return await review.delete_conversations(expired) if expired else 0
