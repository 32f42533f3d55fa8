"""Run the web service: `python -m web` (settings from the environment, web/settings.py).

`python -m web migrate` only brings the database to the latest schema (the service does
that itself at start-up too).
"""

from __future__ import annotations

import logging
import sys

from aiohttp import web

from web.app import init_app
from web.settings import load_settings
from web.storage.migrate import make_engine, upgrade

# On SIGTERM, turns in progress get this long to finish before web stops.
SHUTDOWN_SECONDS = 10.0


def main(argv: list[str]) -> None:
    """Serve until interrupted, or run a command."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    settings = load_settings()
    if argv[:1] == ["migrate"]:
        engine = make_engine(settings.database_url)
        upgrade(engine)
        engine.dispose()
        print("database at the latest schema")
        return
    if argv:
        sys.exit(f"unknown command {argv[0]!r}; usage: python -m web [migrate]")
    web.run_app(
        init_app(settings),
        host=settings.host,
        port=settings.port,
        print=None,
        access_log=None,
        shutdown_timeout=SHUTDOWN_SECONDS,
    )


if __name__ == "__main__":
    main(sys.argv[1:])
