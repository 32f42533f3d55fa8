"""Middlewares, installed by `setup_middlewares(app)`, outermost first:

- ``metrics``  counts every response by path and status (errors included) and times chat
- ``errors``   HTTP errors and crashes as JSON `{"error": ...}` with a reason, never HTML (503
  while the database is unreachable)
- ``cors``     (security.py) the allow-list of embedding sites for the chat API
"""

from __future__ import annotations

import logging
import time

from aiohttp import web

from web import keys
from web.security import Handler, cors, security_headers
from web.storage.database import StorageUnavailable

log = logging.getLogger(__name__)
# Paths counted under their own name in /metrics; anything else is one "other" label, so
# that random URLs cannot grow the metrics without bound.
KNOWN_PATHS = ("/api/chat", "/api/history", "/api/feedback", "/ws", "/healthz", "/metrics", "/")


@web.middleware
async def metrics(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Count each response (whatever its status) and time the chat endpoint."""
    started = time.perf_counter()
    response = await handler(request)
    if request.path != "/ws":  # the WebSocket counts each of its frames itself
        path = request.path if request.path in KNOWN_PATHS else "other"
        request.config_dict[keys.METRICS].observe(path, response.status, time.perf_counter() - started)
    return response


@web.middleware
async def errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """HTTP errors and crashes as JSON `{"error": ...}` instead of HTML pages."""
    try:
        return await handler(request)
    except web.HTTPException as error:
        if error.status < 400:
            raise
        return web.json_response({"error": error.reason}, status=error.status)
    except StorageUnavailable:
        return web.json_response(
            {"error": "The service is unavailable for a moment; please try again shortly."}, status=503
        )
    except Exception:
        log.exception("unhandled error on %s", request.path)
        return web.json_response({"error": "Internal error; please try again."}, status=500)


def setup_middlewares(app: web.Application) -> None:
    """Install the middlewares, outermost first, and the security headers."""
    app.middlewares.extend([metrics, errors, cors])
    app.on_response_prepare.append(security_headers)
