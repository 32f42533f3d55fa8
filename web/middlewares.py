"""Middlewares, installed by `setup_middlewares(app)`.

Order matters: `errors` is outermost so that every failure, including one in `timing`,
becomes a JSON error; `timing` then measures the handlers.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

from aiohttp import web

from web import keys

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
log = logging.getLogger(__name__)


@web.middleware
async def errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """HTTP errors and crashes as JSON `{"error": ...}` instead of HTML pages."""
    try:
        return await handler(request)
    except web.HTTPException as error:
        if error.status < 400:
            raise
        return web.json_response({"error": error.reason}, status=error.status)
    except Exception:
        log.exception("unhandled error on %s", request.path)
        return web.json_response({"error": "Internal error; please try again."}, status=500)


@web.middleware
async def timing(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Count each response and time the chat endpoint (GET /metrics)."""
    started = time.perf_counter()
    response = await handler(request)
    request.app[keys.METRICS].observe(request.path, response.status, time.perf_counter() - started)
    return response


def setup_middlewares(app: web.Application) -> None:
    """Install the middlewares, outermost first."""
    app.middlewares.extend([errors, timing])
