"""Rasa's calls to the action server reuse one session and its connections (bot/keep_alive.py)."""

from __future__ import annotations

import asyncio

from aiohttp import web
from rasa.utils.endpoints import EndpointConfig

from bot import keep_alive


async def _serve(connections: list) -> tuple[web.AppRunner, int]:
    async def webhook(request: web.Request) -> web.Response:
        connections.append(id(request.transport))
        body = await request.json()
        auth = request.headers.get("Authorization")
        return web.json_response({"events": [], "echo": body["n"], "auth": auth})

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, site._server.sockets[0].getsockname()[1]


def test_calls_share_one_connection_and_keep_the_endpoints_auth_and_answers():
    original = EndpointConfig.session
    keep_alive.install()

    async def scenario() -> tuple[list, list]:
        connections: list = []
        runner, port = await _serve(connections)
        endpoint = EndpointConfig(
            f"http://127.0.0.1:{port}/webhook", basic_auth={"username": "u", "password": "p"}
        )
        try:
            answers = [await endpoint.request(json={"n": n}) for n in range(5)]
        finally:
            await endpoint.session().close()
            await runner.cleanup()
        return connections, answers

    try:
        connections, answers = asyncio.run(scenario())
    finally:
        EndpointConfig.session = original
    assert [answer["echo"] for answer in answers] == list(range(5))
    assert all(answer["auth"].startswith("Basic ") for answer in answers)
    assert len(set(connections)) == 1, "every call reused the first connection"
