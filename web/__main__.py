"""Run the web service, or one of its commands (settings from the environment, web/settings.py):

python -m web                      serve (the chat API, the widget, the console)
python -m web migrate              bring the database to the latest schema
python -m web create-moderator --email EMAIL --name NAME [--role admin]
                                   a console account; the password is asked for (or read
                                   from MODERATOR_PASSWORD, for scripts)
python -m web retention [--days N] delete conversations older than N days (default: the
                                   WEB_RETENTION_DAYS setting; web also does it daily), here
                                   and in Rasa's tracker store (Rasa must be up)
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import os
import sys

from aiohttp import web

from web.app import init_app
from web.rasa import RasaClient, RasaUnavailable
from web.retention import expire
from web.settings import Settings, load_settings
from web.storage.accounts import AccountError, Moderators
from web.storage.database import Database
from web.storage.review import ReviewStore

# On SIGTERM, turns in progress get this long to finish before web stops.
SHUTDOWN_SECONDS = 10.0


def _create_moderator(settings: Settings, arguments: argparse.Namespace) -> int:
    password = os.environ.get("MODERATOR_PASSWORD") or getpass.getpass("Password (12 characters or more): ")
    database = Database(settings.database_url)
    try:
        created = asyncio.run(
            Moderators(database).create(arguments.email, arguments.name, password, arguments.role)
        )
    except AccountError as error:
        print(f"not created: {error}", file=sys.stderr)
        return 1
    finally:
        database.close()
    print(f"created {created.role} {created.email}; sign in at /console/")
    return 0


def _retention(settings: Settings, days: int | None) -> int:
    days = days or settings.retention_days
    database = Database(settings.database_url)

    async def run() -> int:
        rasa = RasaClient.from_settings(settings)
        try:
            return await expire(ReviewStore(database), rasa, days)
        finally:
            await rasa.close()

    try:
        deleted = asyncio.run(run())
    except RasaUnavailable as error:
        print(f"nothing deleted: Rasa did not erase its copy ({error}); run it again", file=sys.stderr)
        return 1
    finally:
        database.close()
    print(f"deleted {deleted} conversations older than {days} days (here and in Rasa's tracker store)")
    return 0


def main(argv: list[str]) -> int:
    """Serve until interrupted, or run a command."""
    parser = argparse.ArgumentParser(prog="python -m web", description="The VASCERN assistant's web service.")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("migrate", help="bring the database to the latest schema")
    create = commands.add_parser("create-moderator", help="a console account")
    create.add_argument("--email", required=True)
    create.add_argument("--name", required=True)
    create.add_argument("--role", choices=("moderator", "admin"), default="moderator")
    retention = commands.add_parser("retention", help="delete old conversations")
    retention.add_argument("--days", type=int)
    arguments = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    settings = load_settings()
    if arguments.command == "migrate":
        Database(settings.database_url).close()
        print("database at the latest schema")
        return 0
    if arguments.command == "create-moderator":
        return _create_moderator(settings, arguments)
    if arguments.command == "retention":
        return _retention(settings, arguments.days)
    web.run_app(
        init_app(settings),
        host=settings.host,
        port=settings.port,
        print=None,
        access_log=None,
        shutdown_timeout=SHUTDOWN_SECONDS,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
