"""Rasa 3.6 opens a new HTTP session, so a new TCP connection, for every call to the action
server (`EndpointConfig.request` closes its session after each request): connection set-up
on both sides for every action of every turn. `install()` makes each endpoint reuse one
session per event loop, with its pooled keep-alive connections (closed by the client after
15 s idle, before the action server's 120 s, so a reused connection is never one the
server is closing). Headers, authentication and the timeout are the endpoint's own, as before.
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT
from rasa.utils.endpoints import EndpointConfig


class _SharedSession(aiohttp.ClientSession):
    """A session that `async with` does not close: the endpoint keeps it."""

    async def __aexit__(self, *exc_info: Any) -> None:
        return None


def install() -> None:
    """Make EndpointConfig.session return one shared session per endpoint and event loop."""

    def session(self: EndpointConfig) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        owner, shared = self.__dict__.get("_shared_session", (None, None))
        if shared is None or shared.closed or owner is not loop:
            login = self.basic_auth
            auth = aiohttp.BasicAuth(login["username"], login["password"]) if login else None
            shared = _SharedSession(
                headers=self.headers,
                auth=auth,
                timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
            )
            self.__dict__["_shared_session"] = (loop, shared)
        return shared

    EndpointConfig.session = session  # type: ignore[method-assign]
