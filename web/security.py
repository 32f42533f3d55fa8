"""Security headers on every response, and the CORS allow-list of the embedding sites.

- ``security_headers``  CSP without inline script, nosniff, Referrer-Policy, frame-ancestors
                        from the settings, no cache for API answers, no server version; the
                        widget's files may be loaded by any site (they are public)
- ``cors``              the chat API answers browsers on the allowed origins only (preflight
                        included); a request from any other site is refused with 403
- ``origin_allowed``    the same rule, for the WebSocket handshake
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from web import keys

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

API_PREFIX = "/api/"
# The widget's files are public and load as ES modules, which browsers fetch with CORS.
WIDGET_PREFIX = "/widget/"
# The widget's own files, the demo page and the privacy notice load nothing from elsewhere.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors {frame_ancestors}"
)
PREFLIGHT_MAX_AGE = "600"


def _same_origin(request: web.Request, origin: str) -> bool:
    return origin in (f"http://{request.host}", f"https://{request.host}")


def origin_allowed(request: web.Request) -> bool:
    """True for clients that send no Origin (not a browser), this site, or an allowed site."""
    origin = request.headers.get("Origin")
    if origin is None or _same_origin(request, origin):
        return True
    return origin in request.config_dict[keys.SETTINGS].cors_origins


@web.middleware
async def cors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """CORS for the chat API: allowed origins get the headers, others a 403."""
    if not request.path.startswith(API_PREFIX):
        return await handler(request)
    origin = request.headers.get("Origin")
    if not origin_allowed(request):
        return web.json_response({"error": "This site may not use the chat API."}, status=403)
    if request.method == "OPTIONS":
        response: web.StreamResponse = web.Response(status=204)
    else:
        response = await handler(request)
    if origin is not None and not _same_origin(request, origin):
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Methods"] = "POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "Content-Type"
        response.headers["Access-Control-Expose-Headers"] = "Retry-After"
        response.headers["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE
    response.headers["Vary"] = "Origin"
    return response


async def security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """Signal handler (on_response_prepare): the headers every response carries."""
    settings = request.config_dict[keys.SETTINGS]
    headers = response.headers
    headers["Server"] = "vascern-assistant"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"
    headers["Content-Security-Policy"] = CSP.format(frame_ancestors=settings.frame_ancestors)
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if request.path.startswith(API_PREFIX):
        headers["Cache-Control"] = "no-store"
    elif request.path.startswith(WIDGET_PREFIX):
        headers["Access-Control-Allow-Origin"] = "*"
        headers["Cross-Origin-Resource-Policy"] = "cross-origin"
