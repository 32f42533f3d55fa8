"""Live takeover: the open WebSockets of patients (by conversation) and of moderators, and the
frames pushed to them outside a request.

While a moderator holds a conversation (conversations.held_by), web/conversation.py stores the
patient's messages and sends them here for the moderator instead of to Rasa; the moderator's
messages come back through the console's WebSocket and are pushed to the patient's widget.
One web process holds the registry (several processes would share it through Redis: issue 18).
"""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web

logger = logging.getLogger(__name__)
# The payload of the patient's "End this chat" button (on the message saying who answers).
END_LIVE = "/end_live"


class LiveHub:
    """Who is connected, and pushing frames to them."""

    def __init__(self) -> None:
        self._patients: dict[str, set[web.WebSocketResponse]] = {}
        self._moderators: dict[int, set[web.WebSocketResponse]] = {}

    def join_patient(self, conversation_id: str, socket: web.WebSocketResponse) -> None:
        """A widget connection follows this conversation."""
        self._patients.setdefault(conversation_id, set()).add(socket)

    def join_moderator(self, moderator_id: int, socket: web.WebSocketResponse) -> None:
        """A console connection of this moderator (they count as online)."""
        self._moderators.setdefault(moderator_id, set()).add(socket)

    def leave(self, socket: web.WebSocketResponse) -> None:
        """Forget a closed connection."""
        for registry in (self._patients, self._moderators):
            for key in [key for key, sockets in registry.items() if socket in sockets]:
                registry[key].discard(socket)
                if not registry[key]:
                    del registry[key]

    def moderators_online(self) -> int:
        """How many moderators have the console open."""
        return len(self._moderators)

    async def _send(self, sockets: set[web.WebSocketResponse], frame: dict[str, Any]) -> int:
        sent = 0
        for socket in list(sockets):
            if socket.closed:
                self.leave(socket)
                continue
            try:
                await socket.send_json(frame)
                sent += 1
            except ConnectionError:
                self.leave(socket)
        return sent

    async def to_patient(self, conversation_id: str, frame: dict[str, Any]) -> int:
        """Push a frame to the conversation's widgets; how many got it (0: it waits in the
        history, shown at the next reload)."""
        return await self._send(self._patients.get(conversation_id, set()), frame)

    async def to_moderators(self, frame: dict[str, Any]) -> int:
        """Push a frame to every moderator online; how many connections got it."""
        sent = 0
        for moderator_id in list(self._moderators):
            sent += await self.to_moderator(moderator_id, frame)
        return sent

    async def to_moderator(self, moderator_id: int, frame: dict[str, Any]) -> int:
        """Push a frame to one moderator's consoles."""
        return await self._send(self._moderators.get(moderator_id, set()), frame)
