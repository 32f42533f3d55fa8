"""Fixtures for the web service's own tests: the real app and database, Rasa down."""

from __future__ import annotations

import socket

import pytest
from cryptography.fernet import Fernet

from web.app import init_app
from web.settings import Settings


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_settings(database_url: str, **overrides) -> Settings:
    """Settings for a test app whose Rasa and action server are down."""
    port = closed_port()
    values = {
        "database_url": database_url,
        "secret_key": Fernet.generate_key(),
        "rasa_url": f"http://127.0.0.1:{port}",
        "actions_url": f"http://127.0.0.1:{port}",
        "rasa_timeout_seconds": 2.0,
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
async def client_without_rasa(aiohttp_client, database_url):
    """A client of the web app while Rasa and the action server are down (both databases)."""
    return await aiohttp_client(init_app(make_settings(database_url)))


@pytest.fixture
def app_client(aiohttp_client, tmp_path):
    """A function settings overrides -> client of a web app on SQLite, Rasa down."""

    async def start(**overrides):
        return await aiohttp_client(
            init_app(make_settings(f"sqlite:///{tmp_path / 'web.sqlite3'}", **overrides))
        )

    return start
