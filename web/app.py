"""The web app factory, shared by `python -m web` and the tests."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError

from safety.assess import load_model
from web import keys
from web.console.app import console_app
from web.conversation import ConversationService
from web.handoff.live import LiveHub
from web.handoff.notify import Notifier
from web.limits import RateLimiter
from web.metrics import Metrics
from web.middlewares import setup_middlewares
from web.rasa import RasaClient, RasaUnavailable
from web.retention import expire
from web.routes import setup_routes
from web.settings import Settings
from web.storage import Storage
from web.storage.database import Database
from web.storage.review import ReviewStore
from web.ws import track_websockets

logger = logging.getLogger(__name__)
RETENTION_PERIOD_SECONDS, RETENTION_RETRY_SECONDS = 24 * 60 * 60, 60 * 60
# Rasa loads its model after web starts: the first retention run waits for it.
RETENTION_FIRST_DELAY_SECONDS = 5 * 60
# Larger than the chat limit so that the handler, not aiohttp, answers 413 with a reason.
CLIENT_MAX_SIZE = 64 * 1024


def init_app(settings: Settings) -> web.Application:
    """Build the application for `settings`."""
    app = web.Application(client_max_size=CLIENT_MAX_SIZE)
    app[keys.SETTINGS] = settings
    app[keys.CLIENT_LIMITER] = RateLimiter(settings.rate_burst, settings.rate_per_second)
    app[keys.METRICS] = Metrics()
    app[keys.LIVE] = LiveHub()
    # Loaded before the first request: web answers red flags itself when the dialogue is down.
    app[keys.SAFETY_MODEL] = load_model()
    app.cleanup_ctx.append(_services)
    track_websockets(app)
    setup_middlewares(app)
    setup_routes(app)
    app[keys.CONSOLE] = console_app(app)
    app.add_subapp("/console", app[keys.CONSOLE])
    return app


async def _services(app: web.Application) -> AsyncIterator[None]:
    settings = app[keys.SETTINGS]
    app[keys.STORAGE] = Storage(settings.database_url, settings.secret_key)
    app[keys.RASA] = RasaClient.from_settings(settings)
    app[keys.CONVERSATIONS] = ConversationService(
        settings,
        app[keys.STORAGE],
        app[keys.RASA],
        app[keys.SAFETY_MODEL],
        app[keys.METRICS],
        RateLimiter(settings.conversation_burst, settings.conversation_per_second),
        app[keys.LIVE],
    )
    retention = asyncio.create_task(
        _retention(app[keys.STORAGE].database, app[keys.RASA], settings.retention_days)
    )
    notifier = asyncio.create_task(Notifier(settings, app[keys.STORAGE].tickets).run())
    yield
    retention.cancel()
    notifier.cancel()
    await app[keys.RASA].close()
    app[keys.STORAGE].close()


async def _retention(database: Database, rasa: RasaClient, days: int) -> None:
    """Delete conversations past the retention limit (web/retention.py) once the other
    processes had time to start, then once a day; again within the hour when Rasa could not
    erase its copy (down)."""
    await asyncio.sleep(RETENTION_FIRST_DELAY_SECONDS)
    while True:
        pause = RETENTION_PERIOD_SECONDS
        try:
            deleted = await expire(ReviewStore(database), rasa, days)
            if deleted:
                logger.info("retention: deleted %d conversations older than %d days", deleted, days)
        except RasaUnavailable:
            pause = RETENTION_RETRY_SECONDS
        except SQLAlchemyError:
            logger.exception("retention failed; trying again in a day")
        await asyncio.sleep(pause)
