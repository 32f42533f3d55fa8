"""Typed application keys for the objects the web app shares (no globals)."""

from __future__ import annotations

import weakref

from aiohttp import web

from safety.model import SafetyModel
from web.conversation import ConversationService
from web.handoff.live import LiveHub
from web.limits import RateLimiter
from web.metrics import Metrics
from web.rasa import RasaClient
from web.settings import Settings
from web.storage import Storage

SETTINGS = web.AppKey("settings", Settings)
STORAGE = web.AppKey("storage", Storage)
RASA = web.AppKey("rasa", RasaClient)
CLIENT_LIMITER = web.AppKey("client_limiter", RateLimiter)
METRICS = web.AppKey("metrics", Metrics)
SAFETY_MODEL = web.AppKey("safety_model", SafetyModel)
CONVERSATIONS = web.AppKey("conversations", ConversationService)
WEBSOCKETS = web.AppKey("websockets", weakref.WeakSet)
CONSOLE = web.AppKey("console", web.Application)
LIVE = web.AppKey("live", LiveHub)
