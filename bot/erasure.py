"""Erasing conversations from Rasa's tracker store: a patient's request, a moderator's
erasure, the retention limit (web calls it through the channel, bot/channel.py).

Rasa's own API replaces a tracker by saving the new one (`PUT .../tracker/events`), which
empties it in the in-memory store but not in the SQL store: that store only appends the
events it has not stored, so an empty tracker appends nothing and every message stays. The
SQL store here (bot/tracker_store.py) deletes the conversation's rows instead.
"""

from __future__ import annotations

from typing import Any

from rasa.shared.core.trackers import DialogueStateTracker

from bot.tracker_store import LeanSQLTrackerStore, primary_store


async def erase_conversations(agent: Any, conversation_ids: list[str]) -> None:
    """Remove each conversation's tracker, holding its lock as a turn does."""
    store = primary_store(agent.tracker_store)
    for conversation_id in conversation_ids:
        async with agent.lock_store.lock(conversation_id):
            if isinstance(store, LeanSQLTrackerStore):
                await store.delete(conversation_id)
            else:  # stores that keep one serialised tracker per conversation overwrite it
                await store.save(DialogueStateTracker(conversation_id, []))


async def sweep_before(agent: Any, timestamp: float) -> int:
    """Delete every event older than `timestamp` (Unix seconds) from the SQL tracker store;
    how many. Retention's sweep: each such event belongs to a conversation started before the
    limit, whose transcript web deletes, including conversations whose id web no longer knows
    (an earlier version's retention deleted only web's copy). Stores that keep no rows (Rasa's
    in-memory store) have nothing to sweep."""
    store = primary_store(agent.tracker_store)
    if not isinstance(store, LeanSQLTrackerStore):
        return 0
    return await store.delete_before(timestamp)
