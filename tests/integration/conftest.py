"""The real stack for integration tests (needs live services: see scripts/stack.py).

Starts Rasa, the action server and web once per session with the model named by $MODEL
(make test sets it) and the built knowledge index, with transcripts in PostgreSQL (the
production database; the browser tests run on SQLite as well).
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator

import aiohttp
import pytest
from yarl import URL

from scripts.stack import ROOT, Stack, StackFailed, running_stack
from tests.conftest import fresh_postgres_database

PASSWORD = "a long enough export password"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="session")
def stack(tmp_path_factory, postgres_server) -> Iterator[Stack]:
    """Rasa + actions + web, started once per test session."""
    model = os.environ.get("MODEL")
    if not model or not (ROOT / model).exists():
        pytest.fail("MODEL must name a trained model: run the suite through `make test`")
    try:
        database = fresh_postgres_database(postgres_server)
        with running_stack(ROOT / model, tmp_path_factory.mktemp("stack"), database) as started:
            yield started
    except StackFailed as error:
        pytest.fail(str(error))


@pytest.fixture
def new_conversation(stack):
    """Send messages in one fresh conversation; returns a function text -> body."""
    state: dict[str, str | None] = {"id": None}

    def send(text: str, language: str | None = None, payload: str | None = None) -> dict:
        status, body = stack.chat(text, state["id"], language, payload)
        assert status == 200, body
        state["id"] = body["conversation_id"]
        return body

    return send


def types(body: dict) -> list[str]:
    """The message types of a reply, in order."""
    return [message["type"] for message in body["messages"]]


@pytest.fixture
async def console(stack):
    """An aiohttp session signed in to the stack's console as a new admin."""
    email = f"console-{uuid.uuid4().hex[:8]}@vascern.test"
    assert stack.create_moderator(email, PASSWORD).returncode == 0
    jar = aiohttp.CookieJar(unsafe=True, treat_as_secure_origin=[URL(stack.web_url)])
    async with aiohttp.ClientSession(base_url=stack.web_url, cookie_jar=jar) as session:
        token = CSRF.search(await (await session.get("/console/login")).text()).group(1)
        signed = await session.post(
            "/console/login",
            data={"email": email, "password": PASSWORD, "csrf_token": token, "next": "/console/"},
        )
        assert signed.status == 200 and "/console/login" not in str(signed.url)
        yield session
