"""The lean SQL tracker store stores and reads exactly what Rasa's SQLTrackerStore does
(bot/tracker_store.py), on SQLite and on PostgreSQL, with less work per turn."""

from __future__ import annotations

import asyncio
import copy
import itertools
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.tracker_seal import TrackerKeyMissing
from bot.tracker_store import LeanSQLTrackerStore
from tests.bot.conftest import ROOT

_names = itertools.count()
KEY, OLD_KEY = Fernet.generate_key().decode(), Fernet.generate_key().decode()


@pytest.fixture(autouse=True)
def tracker_key(monkeypatch) -> None:
    monkeypatch.setenv("RASA_TRACKER_KEY", KEY)


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


@pytest.fixture(params=["sqlite", "postgresql"])
def settings(request, tmp_path) -> Iterator:
    """Tracker-store settings for a new database: `settings(name)` gives one per name."""
    if request.param == "sqlite":
        yield lambda name: {"dialect": "sqlite", "db": str(tmp_path / f"{name}.sqlite3")}
        return
    server = urlsplit(request.getfixturevalue("postgres_server"))
    yield lambda name: {
        "dialect": "postgresql",
        "host": server.hostname,
        "port": server.port,
        "username": server.username,
        "db": f"trackers_{name}_{next(_names)}",
        "login_db": server.path.lstrip("/"),  # Rasa creates `db` from there
    }


def _turn(text: str, *actions: str) -> list[Event]:
    events: list[Event] = [UserUttered(text, {"name": "ask", "confidence": 0.9})]
    for action in (*actions, "action_listen"):
        events.append(ActionExecuted(action))
    return events


def _as_dicts(tracker, timestamps: bool = True) -> list[dict]:
    """The tracker's events; without `timestamps`, without the time each was made."""
    dicts = [event.as_dict() for event in tracker.events]
    return dicts if timestamps else [{k: v for k, v in d.items() if k != "timestamp"} for d in dicts]


def test_every_kind_of_save_stores_what_rasas_store_stores(domain, settings):
    """New conversations, turns, a new session, a second save of one tracker and a stale copy
    saved after its original: both stores end with the same events, session and history."""
    ours = LeanSQLTrackerStore(domain, **settings("ours"))
    rasa = SQLTrackerStore(domain, **settings("rasa"))
    script = [
        ("a", _turn("hello", "utter_greet")),
        ("b", _turn("what is HHT?", "action_answer")),
        ("a", [SlotSet("language", "fr"), *_turn("et chez l'enfant ?", "action_answer")]),
        ("a", [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]),
        ("a", _turn("bonjour", "utter_greet")),
        ("b", _turn("thanks", "utter_welcome")),
    ]

    async def play(store) -> None:
        for sender, events in script:
            tracker = await store.get_or_create_tracker(sender)
            stale_copy = copy.deepcopy(tracker)
            for event in events:
                tracker.update(event)
            await store.save(tracker)
            await store.save(tracker)  # a second save adds nothing
            await store.save(stale_copy)  # an older copy adds nothing either

    async def read(store) -> list:
        found = []
        for sender in ("a", "b", "nobody"):
            latest, full = await store.retrieve(sender), await store.retrieve_full_tracker(sender)
            # each store's new conversations begin with their own `action_listen`, made when
            # the store created them: the times differ, so compare without them
            found.append((latest and _as_dicts(latest, False), full and _as_dicts(full, False)))
        return found

    asyncio.run(play(ours))
    asyncio.run(play(rasa))
    ours_found, rasa_found = asyncio.run(read(ours)), asyncio.run(read(rasa))
    assert ours_found == rasa_found
    latest_a, full_a = ours_found[0]
    assert latest_a[0]["event"] == "action" and latest_a[1]["event"] == "session_started"
    assert len(full_a) > len(latest_a)
    assert ours_found[2] == (None, None)


def test_a_read_tracker_saves_without_counting_and_two_instances_share_it(domain, settings):
    """A turn's save uses the count it was read with (no count query; a new conversation's
    tracker was not read, so it is counted), and two stores on one
    database (two Rasa instances) take turns on a conversation without losing an event."""
    shared = settings("shared")
    first, second = LeanSQLTrackerStore(domain, **shared), LeanSQLTrackerStore(domain, **shared)
    statements: list[str] = []
    for store in (first, second):
        sa.event.listen(
            store.engine, "before_cursor_execute", lambda *args: statements.append(args[2].lower())
        )

    async def turns() -> list[dict]:
        sent = []
        for number in range(6):
            store = (first, second)[number % 2]
            tracker = await store.get_or_create_tracker("c")
            statements.clear()
            events = _turn(f"message {number}", "action_answer")
            for event in events:
                tracker.update(event)
            await store.save(tracker)
            counted = any("count(" in statement for statement in statements)
            assert any("insert" in statement for statement in statements)
            assert counted == (number == 0)  # only a new conversation's tracker is counted
            sent += [event.as_dict() for event in events]
        return sent

    sent = asyncio.run(turns())
    stored = asyncio.run(first.retrieve("c"))
    assert _as_dicts(stored)[-len(sent):] == sent
    assert [event["text"] for event in _as_dicts(stored) if event["event"] == "user"] == [
        f"message {number}" for number in range(6)
    ]


def test_delete_erases_every_session_of_one_conversation_only(domain, settings):
    store = LeanSQLTrackerStore(domain, **settings("erase"))

    async def play() -> tuple:
        for sender in ("gone", "kept"):
            tracker = await store.get_or_create_tracker(sender)
            for event in [*_turn("my name is Ana", "utter_greet"), SessionStarted(), *_turn("hello again")]:
                tracker.update(event)
            await store.save(tracker)
        await store.delete("gone")
        return (
            await store.retrieve("gone"),
            await store.retrieve_full_tracker("gone"),
            await store.retrieve_full_tracker("kept"),
        )

    latest, full, kept = asyncio.run(play())
    assert latest is None and full is None
    assert [event["text"] for event in _as_dicts(kept) if event["event"] == "user"] == [
        "my name is Ana",
        "hello again",
    ]


def test_delete_before_removes_only_older_events_of_every_conversation(domain, settings):
    store = LeanSQLTrackerStore(domain, **settings("sweep"))

    async def play() -> tuple:
        for sender, age in (("old", 200 * 86400), ("recent", 0)):
            tracker = DialogueStateTracker(sender, domain.slots)
            for event in _turn(f"a message from {sender}", "utter_greet"):
                event.timestamp -= age
                tracker.update(event)
            await store.save(tracker)
        swept = await store.delete_before(time.time() - 180 * 86400)
        return swept, await store.retrieve_full_tracker("old"), await store.retrieve("recent")

    swept, old, recent = asyncio.run(play())
    assert swept == 3 and old is None  # the user message, utter_greet and action_listen
    assert "a message from recent" in [event.get("text") for event in _as_dicts(recent)]


def test_the_channel_takes_the_tracker_a_turn_saved_once(domain, settings):
    store = LeanSQLTrackerStore(domain, **settings("taken"))

    async def play() -> tuple:
        tracker = await store.get_or_create_tracker("t")
        for event in _turn("what is HHT?", "action_answer"):
            tracker.update(event)
        await store.save(tracker)
        first, again = store.take_saved("t"), store.take_saved("t")
        await store.save(tracker)
        await store.delete("t")
        return tracker, first, again, store.take_saved("t")

    tracker, first, again, after_erasure = asyncio.run(play())
    assert first is tracker and first.latest_message.text == "what is HHT?"
    assert again is None and after_erasure is None


def test_events_are_stored_encrypted_and_read_under_a_rotated_key(domain, settings, monkeypatch):
    """No text of the conversation in the database; rows stored before encryption (Rasa's
    plain JSON) and rows under the previous key still read; without a key, no store."""
    shared = settings("sealed")
    rasa = SQLTrackerStore(domain, **shared)
    monkeypatch.setenv("RASA_TRACKER_KEY", OLD_KEY)
    old = LeanSQLTrackerStore(domain, **shared)

    async def turn(store, text: str) -> None:
        tracker = await store.get_or_create_tracker("s")
        for event in _turn(text, "utter_greet"):
            tracker.update(event)
        await store.save(tracker)

    asyncio.run(turn(rasa, "plain, before encryption"))
    asyncio.run(turn(old, "my e-mail is ana@example.org"))
    monkeypatch.setenv("RASA_TRACKER_KEY", f"{KEY},{OLD_KEY}")
    rotated = LeanSQLTrackerStore(domain, **shared)
    asyncio.run(turn(rotated, "under the new key"))

    with rotated.engine.connect() as connection:
        stored = [row.data for row in connection.execute(sa.text("SELECT data FROM events"))]
    assert not any("ana@example.org" in data or "new key" in data for data in stored)
    assert sum(data.startswith("{") for data in stored) == 4  # Rasa's own rows, as it wrote them
    texts = [
        event["text"]
        for event in _as_dicts(asyncio.run(rotated.retrieve("s")))
        if event["event"] == "user"
    ]
    assert texts == ["plain, before encryption", "my e-mail is ana@example.org", "under the new key"]

    monkeypatch.setenv("RASA_TRACKER_KEY", KEY)  # the old key dropped too early
    with pytest.raises(TrackerKeyMissing):
        asyncio.run(LeanSQLTrackerStore(domain, **shared).retrieve("s"))
    monkeypatch.delenv("RASA_TRACKER_KEY")
    monkeypatch.setenv("RASA_TRACKER_KEY_FILE", str(ROOT / "var" / "no-such-key"))
    with pytest.raises(TrackerKeyMissing):
        LeanSQLTrackerStore(domain, **shared)
