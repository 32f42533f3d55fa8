"""GET /healthz (each dependency) and GET /metrics (Prometheus text)."""

from __future__ import annotations

from aiohttp import web

from web import keys


async def healthz(request: web.Request) -> web.Response:
    """200 with every dependency up, 503 naming the ones that are down."""
    dependencies = await request.app[keys.RASA].health()
    dependencies["database"] = await request.app[keys.STORAGE].ping()
    ok = all(dependencies.values())
    return web.json_response(
        {"status": "ok" if ok else "degraded", "dependencies": dependencies},
        status=200 if ok else 503,
    )


async def metrics(request: web.Request) -> web.Response:
    """Counters and latency histogram."""
    return web.Response(text=request.app[keys.METRICS].render(), content_type="text/plain")
