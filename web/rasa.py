"""Client of Rasa's chat channel (bot/channel.py), and health probes of Rasa and the action server.

Several Rasa instances (WEB_RASA_URL is a comma-separated list) share one tracker store and
one lock store, so any of them can take any turn: turns go round-robin, and a turn whose
instance refuses the connection (down, restarting) goes to the next one, since nothing was
processed. A timeout is not retried: the turn may have been processed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import aiohttp

from web.settings import Settings

CHANNEL = "/webhooks/chat"
# Conversations erased per call (the channel takes at most 500).
ERASED_PER_CALL = 200


class RasaUnavailable(Exception):
    """Rasa (or, through it, the action server) did not answer."""


@dataclass
class Turn:
    """What Rasa made of one message: its reply elements and its parse of the text."""

    elements: list[dict[str, Any]]
    parse: dict[str, Any] = field(default_factory=dict)


class RasaClient:
    """Sends patient messages to Rasa's chat channel over one pooled session."""

    def __init__(self, rasa_url: str, actions_url: str, timeout_seconds: float, token: str = "") -> None:
        self._rasa_urls = [url.strip().rstrip("/") for url in rasa_url.split(",") if url.strip()]
        self._next = 0
        self._token = token
        self._actions_url = actions_url.rstrip("/")
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout_seconds))

    @classmethod
    def from_settings(cls, settings: Settings) -> RasaClient:
        """The client of the instances, action server, timeout and token in `settings`."""
        return cls(
            settings.rasa_url, settings.actions_url, settings.rasa_timeout_seconds, settings.rasa_token
        )

    async def close(self) -> None:
        """Close the pooled session."""
        await self._session.close()

    def _instances(self) -> list[str]:
        """Every instance, starting with the next one in turn."""
        start, self._next = self._next, (self._next + 1) % len(self._rasa_urls)
        return self._rasa_urls[start:] + self._rasa_urls[:start]

    async def send(self, conversation_id: str, text: str, metadata: dict[str, Any]) -> Turn:
        """The bot's replies to one message (REST elements) and the parse of the message."""
        body = {"sender": conversation_id, "message": text, "metadata": metadata}
        refused: aiohttp.ClientConnectorError | None = None
        for rasa_url in self._instances():
            try:
                async with self._session.post(f"{rasa_url}{CHANNEL}/webhook", json=body) as response:
                    if response.status != 200:
                        raise RasaUnavailable(f"Rasa answered HTTP {response.status}")
                    reply = await response.json()
                    return Turn(reply.get("messages") or [], reply.get("parse") or {})
            except aiohttp.ClientConnectorError as error:
                refused = error  # nothing was processed: the next instance takes the turn
            except (aiohttp.ClientError, TimeoutError) as error:
                raise RasaUnavailable(str(error) or type(error).__name__) from error
        raise RasaUnavailable(str(refused) or "no Rasa instance answered")

    async def _tracker_api(self, method: str, path: str, refused: str, body: Any = None) -> Any:
        """Call Rasa's HTTP API (with the token Rasa was started with) on one instance; the
        decoded answer. RasaUnavailable, saying `refused`, when Rasa answers other than 200."""
        try:
            async with self._session.request(
                method, f"{self._instances()[0]}{path}", params={"token": self._token}, json=body
            ) as response:
                if response.status != 200:
                    raise RasaUnavailable(f"Rasa refused {refused}: HTTP {response.status}")
                return await response.json()
        except (aiohttp.ClientError, TimeoutError) as error:
            raise RasaUnavailable(str(error) or type(error).__name__) from error

    async def erase(self, *conversation_ids: str, before: float | None = None) -> int:
        """Delete the conversations from Rasa's tracker store (the channel's /erase: Rasa's own
        replacement of a tracker leaves an SQL store's events in place), in batches; with
        `before` (Unix seconds), also every event older than that. How many events the
        `before` sweep deleted."""
        ids = list(conversation_ids)
        swept = 0
        for start in range(0, max(len(ids), 1), ERASED_PER_CALL):
            batch: dict[str, Any] = {"conversation_ids": ids[start : start + ERASED_PER_CALL]}
            if before is not None and start == 0:
                batch["before"] = before
            answer = await self._tracker_api("POST", f"{CHANNEL}/erase", "to erase", batch)
            swept += answer.get("swept", 0)
        return swept

    async def resume(self, conversation_id: str) -> None:
        """Let the conversation listen again after a turn that produced nothing. When the
        action server fails, Rasa retries the fallback until its limit of actions per turn
        and never logs `action_listen`; since it counts actions back to the last one, every
        later message would hit the limit at once and get no reply, for good."""
        await self._tracker_api(
            "POST",
            f"/conversations/{conversation_id}/tracker/events",
            "the event",
            [{"event": "action", "name": "action_listen"}],
        )

    async def tracker_events(self, conversation_id: str) -> list[dict[str, Any]]:
        """The events of the conversation's tracker."""
        tracker = await self._tracker_api("GET", f"/conversations/{conversation_id}/tracker", "the tracker")
        return tracker.get("events") or []

    async def _probe(self, url: str) -> bool:
        try:
            async with self._session.get(url, timeout=aiohttp.ClientTimeout(total=2)) as response:
                return response.status == 200
        except (aiohttp.ClientError, TimeoutError):
            return False

    async def health(self) -> dict[str, bool]:
        """Whether each Rasa instance (model loaded) and the action server answer: `rasa`
        alone for one instance, `rasa-1`, `rasa-2`... for several."""
        found = {}
        for number, rasa_url in enumerate(self._rasa_urls, start=1):
            name = "rasa" if len(self._rasa_urls) == 1 else f"rasa-{number}"
            found[name] = await self._probe(f"{rasa_url}{CHANNEL}/")
        found["actions"] = await self._probe(f"{self._actions_url}/health")
        return found
