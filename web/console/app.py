"""The console sub-app, mounted at /console by web/app.py."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web
from aiohttp_session import session_middleware

from web import keys as web_keys
from web.console import keys
from web.console.auth import (
    IDLE_SECONDS,
    Handler,
    csrf_token,
    guard,
    login,
    login_limiter,
    login_page,
    logout,
)
from web.console.dashboard import dashboard
from web.console.exports import export, story
from web.console.i18n import STRINGS, console_language
from web.console.live import end, take
from web.console.live import socket as live_socket
from web.console.tickets import change, inbox, ticket
from web.console.views import annotate, audit, conversation, conversations, erase, queue, review
from web.storage.accounts import Moderators, SessionStorage
from web.storage.audit import AuditLog
from web.storage.review import ReviewStore

HERE = Path(__file__).parent
COOKIE = "vascern_console"


class _LazySessionStorage(SessionStorage):
    """The session storage, whose database is known once web has started."""

    def __init__(self, secure: bool) -> None:
        super().__init__(None, max_age=IDLE_SECONDS, secure=secure, cookie_name=COOKIE)  # type: ignore[arg-type]


async def _context(request: web.Request) -> dict[str, Any]:
    language = console_language(request)
    moderator = request.get(keys.MODERATOR)
    return {
        "t": STRINGS[language],
        "lang": language,
        "moderator": moderator,
        "csrf_token": await csrf_token(request),
        "path": request.path,
        # patients waiting to talk now: an alert on every page until someone takes them
        "waiting": await request.app[keys.STORAGE].tickets.live_queue() if moderator else [],
    }


@web.middleware
async def html_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Console errors as a page with the reason (JSON for exports and API-like requests)."""
    try:
        return await handler(request)
    except web.HTTPException as error:
        if error.status < 400 or request.path.endswith((".json", ".csv", ".yml", ".jsonl", ".md")):
            raise
        # The guard may have refused before the context processors ran: give the page its words.
        context = {**await _context(request), "status": error.status, "reason": error.reason}
        return aiohttp_jinja2.render_template("error.html", request, context, status=error.status)


def console_app(parent: web.Application) -> web.Application:
    """Build the console; its stores are made when `parent` has opened the database."""
    settings = parent[web_keys.SETTINGS]
    sessions = _LazySessionStorage(secure=settings.console_secure_cookies)
    app = web.Application(middlewares=[html_errors, session_middleware(sessions), guard])
    app[keys.SETTINGS] = settings
    app[keys.LOGIN_LIMITER] = login_limiter()
    aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        context_processors=[_context],
        undefined=jinja2.StrictUndefined,
    )

    async def stores(app: web.Application) -> AsyncIterator[None]:
        storage = parent[web_keys.STORAGE]
        sessions._database = storage.database
        app[keys.STORAGE] = storage
        app[keys.RASA] = parent[web_keys.RASA]
        app[keys.LIVE] = parent[web_keys.LIVE]
        app[keys.MODERATORS] = Moderators(storage.database)
        app[keys.REVIEW] = ReviewStore(storage.database)
        app[keys.AUDIT] = AuditLog(storage.database)
        yield

    app.cleanup_ctx.append(stores)
    router = app.router
    router.add_get("/login", login_page)
    router.add_post("/login", login)
    router.add_post("/logout", logout)
    router.add_get("/", queue)
    router.add_get("/conversations", conversations)
    router.add_get("/conversations/{conversation_id}", conversation)
    router.add_post("/conversations/{conversation_id}/review", review)
    router.add_post("/conversations/{conversation_id}/annotate", annotate)
    router.add_post("/conversations/{conversation_id}/erase", erase)
    router.add_get("/conversations/{conversation_id}/story.yml", story)
    router.add_get("/exports/{name}", export)
    router.add_post("/conversations/{conversation_id}/take", take)
    router.add_post("/conversations/{conversation_id}/end", end)
    router.add_get("/ws", live_socket)
    router.add_get("/tickets", inbox)
    router.add_get("/tickets/{ticket_id}", ticket)
    router.add_post("/tickets/{ticket_id}/{action}", change)
    router.add_get("/dashboard", dashboard)
    router.add_get("/audit", audit)
    router.add_static("/static/", HERE / "static")
    return app
