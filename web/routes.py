"""Every route of the web service, on one screen."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from web.chat import chat
from web.health import healthz, metrics

STATIC = Path(__file__).with_name("static")


async def privacy(request: web.Request) -> web.FileResponse:
    """The privacy notice linked from the disclaimer."""
    return web.FileResponse(STATIC / "privacy.html")


def setup_routes(app: web.Application) -> None:
    """Add the routes, each named so URLs can be built from them."""
    app.router.add_post("/api/chat", chat, name="chat")
    app.router.add_get("/healthz", healthz, name="healthz")
    app.router.add_get("/metrics", metrics, name="metrics")
    app.router.add_get("/privacy", privacy, name="privacy")
