"""Fixtures for the console: the real web app and database (Rasa down), signed-in clients."""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import make_settings
from web import keys
from web.app import init_app
from web.storage.accounts import Moderators

PASSWORD = "correct horse battery staple"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


async def csrf_of(client, path: str = "/console/login") -> str:
    """The CSRF token of the form on `path`."""
    return CSRF.search(await (await client.get(path)).text()).group(1)


async def sign_in(client, email: str, password: str = PASSWORD):
    """Post the sign-in form as a browser would (with the page's CSRF token)."""
    token = await csrf_of(client)
    return await client.post(
        "/console/login",
        data={"email": email, "password": password, "csrf_token": token, "next": "/console/"},
        allow_redirects=False,
    )


@pytest.fixture
async def console_server(aiohttp_server, database_url):
    """The web app with its console, on each database, Rasa down."""
    return await aiohttp_server(init_app(make_settings(database_url, console_secure_cookies=False)))


@pytest.fixture
def anonymous(aiohttp_client, console_server):
    """A function -> a new client with no session."""

    async def client():
        return await aiohttp_client(console_server)

    return client


@pytest.fixture
def console(aiohttp_client, console_server):
    """A function role -> a new client signed in with a new account of that role."""
    made = []

    async def signed_in(role: str = "moderator"):
        client = await aiohttp_client(console_server)
        made.append(client)
        email = f"{role}-{len(made)}@vascern.test"
        await Moderators(console_server.app[keys.STORAGE].database).create(
            email, role.title(), PASSWORD, role
        )
        response = await sign_in(client, email)
        assert response.status == 302, await response.text()
        return client

    return signed_in
