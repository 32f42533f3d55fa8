"""What the patient is told once their request is a ticket: "talk now" when a moderator has
the console open, with the wait measured on earlier requests; otherwise when a first answer
can be expected, measured on earlier tickets (or the promise in the settings while there are
too few). "Talk now" (the button's payload, answered here without Rasa) puts the patient in
the live queue and tells the moderators online."""

from __future__ import annotations

import math
import statistics
from datetime import timedelta
from typing import Any

from web.handoff.live import LiveHub
from web.replies import domain_message
from web.settings import Settings
from web.storage import Storage
from web.storage.database import now

TALK_NOW = "/talk_now"
# A median needs at least this many measures to be told to a patient.
MIN_MEASURES = 3
# The first answers measured for the expected answer time.
ANSWER_WINDOW = timedelta(days=30)


class HandoffOffer:
    """Builds the messages that follow a request, and handles "talk now"."""

    def __init__(self, settings: Settings, storage: Storage, live: LiveHub) -> None:
        self._settings = settings
        self._storage = storage
        self._live = live

    def _message(self, response: str, language: str, **fields: Any) -> dict[str, Any]:
        return domain_message(self._settings.domain_file, response, language, **fields)

    async def _wait_text(self, language: str) -> str:
        waits = await self._storage.tickets.live_waits()
        if len(waits) < MIN_MEASURES:
            return self._message("utter_wait_unknown", language)["text"]
        minutes = max(1, math.ceil(statistics.median(waits) / 60))
        return self._message("utter_wait_minutes", language, minutes=minutes)["text"]

    async def _expected(self, language: str) -> dict[str, Any]:
        delays = await self._storage.tickets.reply_delays(now() - ANSWER_WINDOW)
        if len(delays) >= MIN_MEASURES:
            hours = max(1, math.ceil(statistics.median(delays) / 3600))
        else:
            hours = self._settings.handoff_answer_hours
        if hours < 48:
            delay = self._message("utter_delay_hours", language, count=hours)["text"]
        else:
            delay = self._message("utter_delay_days", language, count=math.ceil(hours / 24))["text"]
        return self._message("utter_answer_expected", language, delay=delay)

    async def after_request(self, language: str) -> dict[str, Any]:
        """The message after a new ticket: the "talk now" offer, or the expected answer time."""
        if self._live.moderators_online():
            return self._message("utter_talk_now_offer", language, wait=await self._wait_text(language))
        return await self._expected(language)

    async def talk_now(self, conversation_id: str, language: str) -> dict[str, Any]:
        """The patient pressed "talk now": queue them, tell the moderators online, and say
        where they are in the queue (or, if nobody is online any more, when to expect an answer)."""
        tickets = self._storage.tickets
        ticket = await tickets.open_ticket_of(conversation_id)
        if ticket is None or not self._live.moderators_online():
            return await self._expected(language)
        await tickets.request_live(ticket["id"])
        queue = [waiting["ticket"] for waiting in await tickets.live_queue()]
        position = queue.index(ticket["id"]) + 1 if ticket["id"] in queue else len(queue) + 1
        await self._live.to_moderators(
            {"type": "live_request", "conversation_id": conversation_id, "ticket": ticket["id"]}
        )
        wait = await self._wait_text(language)
        return self._message("utter_talk_now_waiting", language, position=position, wait=wait)
