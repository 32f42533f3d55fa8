"""Fixtures for the web service's own tests."""

from __future__ import annotations

import socket

import pytest

from web.app import init_app
from web.settings import Settings


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_settings(tmp_path, **overrides) -> Settings:
    """Settings for a test app whose Rasa and action server are down."""
    port = closed_port()
    values = {
        "database": tmp_path / "test.sqlite3",
        "rasa_url": f"http://127.0.0.1:{port}",
        "actions_url": f"http://127.0.0.1:{port}",
        "rasa_timeout_seconds": 2.0,
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
async def client_without_rasa(aiohttp_client, tmp_path):
    """A client of the web app while Rasa and the action server are down."""
    return await aiohttp_client(init_app(make_settings(tmp_path)))


@pytest.fixture
async def client_with_tight_rate_limit(aiohttp_client, tmp_path):
    """A client of a web app that allows two messages, then refills slowly."""
    settings = make_settings(tmp_path, rate_burst=2, rate_per_second=0.01)
    return await aiohttp_client(init_app(settings))
