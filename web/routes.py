"""Every route of the web service, on one screen."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from web import keys
from web.chat import chat, feedback, history
from web.health import healthz, metrics
from web.ws import PATH as WS_PATH
from web.ws import websocket

STATIC = Path(__file__).with_name("static")


async def privacy(request: web.Request) -> web.FileResponse:
    """The privacy notice linked from the disclaimer."""
    return web.FileResponse(STATIC / "privacy.html")


async def demo(request: web.Request) -> web.FileResponse:
    """The demo page that embeds the widget."""
    return web.FileResponse(request.app[keys.SETTINGS].widget_dir / "index.html")


async def console_home(request: web.Request) -> web.StreamResponse:
    """/console → /console/ (the review queue)."""
    raise web.HTTPFound("/console/")


def setup_routes(app: web.Application) -> None:
    """Add the routes, each named so URLs can be built from them."""
    app.router.add_post("/api/chat", chat, name="chat")
    app.router.add_post("/api/history", history, name="history")
    app.router.add_post("/api/feedback", feedback, name="feedback")
    app.router.add_get(WS_PATH, websocket, name="ws")
    app.router.add_get("/healthz", healthz, name="healthz")
    app.router.add_get("/metrics", metrics, name="metrics")
    app.router.add_get("/privacy", privacy, name="privacy")
    app.router.add_get("/", demo, name="demo")
    app.router.add_get("/console", console_home, name="console_home")
    app.router.add_static("/widget/", app[keys.SETTINGS].widget_dir, name="widget")
