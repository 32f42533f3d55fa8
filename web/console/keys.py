"""Typed keys of the console sub-app and of its requests."""

from __future__ import annotations

from aiohttp import web

from web.handoff.live import LiveHub
from web.limits import RateLimiter
from web.rasa import RasaClient
from web.settings import Settings
from web.storage import Storage
from web.storage.accounts import Moderator, Moderators
from web.storage.audit import AuditLog
from web.storage.review import ReviewStore

SETTINGS = web.AppKey("console_settings", Settings)
STORAGE = web.AppKey("console_storage", Storage)
RASA = web.AppKey("console_rasa", RasaClient)
MODERATORS = web.AppKey("moderators", Moderators)
REVIEW = web.AppKey("review", ReviewStore)
AUDIT = web.AppKey("audit", AuditLog)
LOGIN_LIMITER = web.AppKey("login_limiter", RateLimiter)
LIVE = web.AppKey("console_live", LiveHub)
# Set on each request by the guard middleware: the signed-in moderator (None on public pages).
MODERATOR = web.RequestKey("moderator", Moderator | None)
