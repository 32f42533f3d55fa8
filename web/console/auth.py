"""Who may use the console: sign-in with login rate limits, server-side sessions with idle
and absolute expiry, CSRF tokens on every form, roles.

Every console URL but the sign-in page and the static files refuses an anonymous visitor:
a page request is redirected to the sign-in page, a JSON or export request gets 401.
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections.abc import Awaitable, Callable
from urllib.parse import quote

import aiohttp_jinja2
from aiohttp import web
from aiohttp_session import get_session, new_session

from web.console import keys
from web.console.i18n import STRINGS, console_language
from web.limits import RateLimiter, client_address

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
# A session ends after this long without a request, and this long after sign-in whatever happens.
IDLE_SECONDS = 30 * 60
ABSOLUTE_SECONDS = 12 * 60 * 60
# Five sign-in attempts at once per address and per account, then one a minute.
LOGIN_BURST = 5
LOGIN_PER_SECOND = 1 / 60
PUBLIC_PATHS = ("/console/login",)
PUBLIC_PREFIXES = ("/console/static/",)
UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def login_limiter() -> RateLimiter:
    """The sign-in attempt limiter (per address and per account)."""
    return RateLimiter(LOGIN_BURST, LOGIN_PER_SECOND)


async def csrf_token(request: web.Request) -> str:
    """The session's CSRF token, made on first use."""
    session = await get_session(request)
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def _wants_json(request: web.Request) -> bool:
    return request.path.endswith(
        (".json", ".csv", ".yml", ".jsonl", ".md")
    ) or "application/json" in request.headers.get("Accept", "")


@web.middleware
async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Sign-in required (with expiry), CSRF checked on every form, the moderator known."""
    public = request.path in PUBLIC_PATHS or request.path.startswith(PUBLIC_PREFIXES)
    session = await get_session(request)
    if request.method in UNSAFE_METHODS:
        form = await request.post()
        expected = session.get("csrf")
        if not expected or not hmac.compare_digest(str(form.get("csrf_token", "")), expected):
            raise web.HTTPForbidden(
                reason="The form expired or did not come from the console; reload the page."
            )
    request[keys.MODERATOR] = None
    if not public:
        now = time.time()
        moderator_id = session.get("moderator_id")
        fresh = (
            now - session.get("seen", 0) < IDLE_SECONDS
            and now - session.get("login_at", 0) < ABSOLUTE_SECONDS
        )
        moderator = await request.app[keys.MODERATORS].get(moderator_id) if moderator_id and fresh else None
        if moderator is None:
            session.invalidate()
            if _wants_json(request):
                raise web.HTTPUnauthorized(reason="Sign in to the console first.")
            raise web.HTTPFound(f"/console/login?next={quote(request.path_qs)}")
        session["seen"] = now
        request[keys.MODERATOR] = moderator
    return await handler(request)


def admin_only(request: web.Request) -> None:
    """403 unless the moderator is an admin."""
    moderator = request[keys.MODERATOR]
    if moderator is None or not moderator.is_admin:
        raise web.HTTPForbidden(reason=STRINGS[console_language(request)]["forbidden"])


def _safe_next(target: str) -> str:
    return target if target.startswith("/console") and not target.startswith("//") else "/console/"


@aiohttp_jinja2.template("login.html")
async def login_page(request: web.Request) -> dict:
    """The sign-in form."""
    return {"next": _safe_next(request.query.get("next", "/console/")), "error": None}


async def login(request: web.Request) -> web.StreamResponse:
    """Check the password; a new session (new key: no fixation) on success."""
    form = await request.post()
    email, password = str(form.get("email", "")), str(form.get("password", ""))
    target = _safe_next(str(form.get("next", "/console/")))
    settings = request.app[keys.SETTINGS]
    client = client_address(request.remote, request.headers.get("X-Forwarded-For"), settings.trusted_proxies)
    limiter, audit = request.app[keys.LOGIN_LIMITER], request.app[keys.AUDIT]
    words = STRINGS[console_language(request)]
    if limiter.retry_after(f"ip:{client}") or limiter.retry_after(f"email:{email.strip().lower()}"):
        context = {"next": target, "error": words["too_many_logins"]}
        return aiohttp_jinja2.render_template("login.html", request, context, status=429)
    moderator = await request.app[keys.MODERATORS].authenticate(email, password)
    if moderator is None:
        await audit.record(None, "login_failed", email=email.strip().lower()[:254], client=client)
        return aiohttp_jinja2.render_template(
            "login.html", request, {"next": target, "error": words["login_failed"]}, status=401
        )
    session = await new_session(request)
    session.update(
        {
            "moderator_id": moderator.id,
            "login_at": time.time(),
            "seen": time.time(),
            "csrf": secrets.token_urlsafe(32),
        }
    )
    await audit.record(moderator, "login", client=client)
    raise web.HTTPFound(target)


async def logout(request: web.Request) -> web.StreamResponse:
    """End the session."""
    await request.app[keys.AUDIT].record(request[keys.MODERATOR], "logout")
    (await get_session(request)).invalidate()
    raise web.HTTPFound("/console/login")
