"""The console against the real stack: its exports are accepted by the tools a developer
merges them with (corrected intents by `rasa data validate`, a conversation's story by
`rasa test`, safety lines by the safety set loader), each turn shows the actions the dialogue
took, and erasure reaches Rasa's tracker store."""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
import subprocess
import urllib.error
import urllib.request
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import update

from safety.labelled import load_set
from scripts.stack import ROOT, rasa_token
from tests.integration.conftest import CSRF
from web.rasa import RasaClient
from web.retention import expire
from web.storage.database import Database, now
from web.storage.review import ReviewStore
from web.storage.schema import conversations


async def annotate(session, conversation_id: str, **fields) -> None:
    page = await (await session.get(f"/console/conversations/{conversation_id}")).text()
    bot_id = re.findall(r'name="message_id" value="(\d+)"', page)[-1]
    token = CSRF.search(page).group(1)
    response = await session.post(
        f"/console/conversations/{conversation_id}/annotate",
        data={"csrf_token": token, "message_id": bot_id, **fields},
    )
    assert response.status == 200, await response.text()


async def test_the_exports_are_accepted_by_rasa_and_the_safety_loader(stack, console, tmp_path):
    status, asked = stack.chat("what are the signs of HHT?")
    assert status == 200
    conversation_id = asked["conversation_id"]
    await annotate(
        console, conversation_id, state="anomaly", reason="wrong_entry", expected_intent="ask_symptoms"
    )
    status, missed = stack.chat("my chest is a bit tight since this morning and I have vascular EDS")
    await annotate(
        console,
        missed["conversation_id"],
        state="anomaly",
        reason="missed_emergency",
        expected_intent="aortic_dissection",
    )

    nlu = tmp_path / "nlu.yml"
    nlu.write_text(await (await console.get("/console/exports/nlu.yml")).text(), encoding="utf-8")
    assert "- intent: ask_symptoms" in nlu.read_text()
    rasa = str(ROOT / ".venv-rasa" / "bin" / "rasa")
    checked = subprocess.run(
        [rasa, "data", "validate", "--domain", "domain.yml", "--data", str(nlu)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout[-2000:] + checked.stderr[-2000:]

    story = tmp_path / "story.yml"
    story.write_text(await (await console.get(f"/console/conversations/{conversation_id}/story.yml")).text())
    assert "intent: ask_symptoms" in story.read_text()
    tested = subprocess.run(
        [
            rasa,
            "test",
            "core",
            "--stories",
            str(story),
            "--model",
            str(ROOT / os.environ["MODEL"]),
            "--out",
            str(tmp_path / "core"),
            "--fail-on-prediction-errors",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert tested.returncode == 0, tested.stdout[-2000:] + tested.stderr[-2000:]

    lines = tmp_path / "console.written.jsonl"
    lines.write_text(await (await console.get("/console/exports/safety.jsonl")).text(), encoding="utf-8")
    labelled = load_set(tmp_path)  # the folder of the exported lines
    assert any(item.emergency and item.kind == "aortic_dissection" for item in labelled)

    audit = await (await console.get("/console/audit")).text()
    assert audit.count("export") >= 3


async def test_a_conversation_shows_the_dialogues_actions_and_erasure_reaches_rasas_tracker(stack, console):
    status, body = stack.chat("I have Marfan syndrome, what is it?")
    conversation_id = body["conversation_id"]
    page = await (await console.get(f"/console/conversations/{conversation_id}")).text()
    assert "action_answer_question" in page
    token = CSRF.search(page).group(1)
    erased = await console.post(
        f"/console/conversations/{conversation_id}/erase", data={"csrf_token": token, "confirm": "ERASE"}
    )
    assert erased.status == 200 and "/console/conversations" in str(erased.url)
    assert stack.stored(conversation_id) == []
    status, tracker = stack.rasa_tracker(conversation_id)
    assert not any("Marfan" in (event.get("text") or "") for event in tracker.get("events", []))


def _rasa_texts(stack, conversation_id: str) -> list[str]:
    """The patient texts in Rasa's tracker of the conversation."""
    status, tracker = stack.rasa_tracker(conversation_id)
    assert status == 200
    return [event.get("text") or "" for event in tracker.get("events", []) if event.get("event") == "user"]


@contextlib.asynccontextmanager
async def _retention_clients(stack) -> AsyncIterator[tuple[Database, RasaClient]]:
    """The stack's database and a client of its Rasa, as the retention job has them."""
    database = Database(stack.database_url)
    rasa = RasaClient(stack.rasa_url, "http://127.0.0.1:9", 30, rasa_token())
    try:
        yield database, rasa
    finally:
        await rasa.close()
        database.close()


async def test_retention_deletes_old_conversations_here_and_in_rasas_tracker_store(stack):
    status, old = stack.chat("what is Loeys-Dietz syndrome?")
    status, recent = stack.chat("what is HHT?")
    old_id, recent_id = old["conversation_id"], recent["conversation_id"]
    async with _retention_clients(stack) as (database, rasa):
        await database.run(
            lambda c: c.execute(
                update(conversations)
                .where(conversations.c.id == old_id)
                .values(started_at=now() - timedelta(days=200))
            )
        )
        assert await expire(ReviewStore(database), rasa, 180) == 1
    assert stack.stored(old_id) == []
    assert not any("Loeys" in text for text in _rasa_texts(stack, old_id))
    assert stack.stored(recent_id) and "what is HHT?" in _rasa_texts(stack, recent_id)


async def test_retention_sweeps_rasas_old_events_whose_conversation_web_no_longer_knows(stack):
    status, orphan = stack.chat("what is fibromuscular dysplasia?")
    status, recent = stack.chat("what is lymphoedema?")
    orphan_id, recent_id = orphan["conversation_id"], recent["conversation_id"]
    async with _retention_clients(stack) as (database, rasa):
        # as an earlier version's retention left it: gone from web, kept (and old) in Rasa
        assert await ReviewStore(database).delete_conversations([orphan_id]) == 1
        with sqlite3.connect(stack.logs / "rasa-tracker.sqlite3") as tracker_store:
            tracker_store.execute(
                "UPDATE events SET timestamp = timestamp - ? WHERE sender_id = ?",
                (200 * 86400, orphan_id),
            )
        assert "what is fibromuscular dysplasia?" in _rasa_texts(stack, orphan_id)
        assert await expire(ReviewStore(database), rasa, 180) == 0
    assert _rasa_texts(stack, orphan_id) == []
    assert "what is lymphoedema?" in _rasa_texts(stack, recent_id)


def test_rasas_erase_route_refuses_without_its_token_and_checks_the_ids(stack):
    status, body = stack.chat("what is Marfan syndrome?")
    conversation_id = body["conversation_id"]
    calls = [
        ("wrong-token", {"conversation_ids": [conversation_id]}),
        (None, {"conversation_ids": "all"}),
        (None, {"conversation_ids": [], "before": "yesterday"}),
    ]
    answers = []
    for token, payload in calls:
        token = token or rasa_token()
        request = urllib.request.Request(
            f"{stack.rasa_url}/webhooks/chat/erase?token={token}",
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json"},
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=30)
        answers.append(refused.value.code)
    assert answers == [401, 400, 400]
    assert "what is Marfan syndrome?" in _rasa_texts(stack, conversation_id)


def test_rasas_copy_of_a_conversation_is_stored_encrypted(stack):
    status, body = stack.chat("my email is zoe.martin@example.org, what is vascular EDS?")
    assert status == 200 and "vascular EDS" in " ".join(_rasa_texts(stack, body["conversation_id"]))
    with sqlite3.connect(stack.logs / "rasa-tracker.sqlite3") as tracker_store:
        stored = [data for (data,) in tracker_store.execute("SELECT data FROM events")]
    assert stored and not any("zoe.martin" in data or "vascular EDS" in data for data in stored)
