"""The retention limit: a conversation started more than WEB_RETENTION_DAYS ago is deleted
from web's database and from Rasa's tracker store (its messages are in both).

Rasa's copy goes first. When Rasa cannot erase, nothing is deleted and the next run (a day
later, or `python -m web retention`) tries again, so no tracker outlives the transcript whose
id would find it.
"""

from __future__ import annotations

import logging

from web.rasa import RasaClient, RasaUnavailable
from web.storage.review import ReviewStore

logger = logging.getLogger(__name__)


async def expire(review: ReviewStore, rasa: RasaClient, days: int) -> int:
    """Erase, then delete, every conversation started more than `days` days ago; how many.
    RasaUnavailable when Rasa did not erase them (nothing was deleted)."""
    expired = await review.started_before(days)
    if not expired:
        return 0
    try:
        await rasa.erase(*expired)
    except RasaUnavailable:
        logger.error(
            "retention postponed: Rasa could not erase %d conversations older than %d days",
            len(expired),
            days,
        )
        raise
    return await review.delete_conversations(expired)
