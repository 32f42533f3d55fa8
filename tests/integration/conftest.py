"""The real stack for integration tests (needs live services: see scripts/stack.py).

Starts Rasa, the action server and web once per session with the model named by $MODEL
(make test sets it) and the built knowledge index, with transcripts in PostgreSQL (the
production database; the browser tests run on SQLite as well).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from scripts.stack import ROOT, Stack, StackFailed, running_stack
from tests.conftest import fresh_postgres_database


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
