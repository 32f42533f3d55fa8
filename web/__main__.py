"""Run the web service: `python -m web` (settings from WEB_* environment variables)."""

from __future__ import annotations

import logging

from aiohttp import web

from web.app import init_app
from web.settings import load_settings


def main() -> None:
    """Serve until interrupted."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    settings = load_settings()
    web.run_app(init_app(settings), host=settings.host, port=settings.port, print=None)


if __name__ == "__main__":
    main()
