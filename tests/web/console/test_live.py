"""Live takeover (Rasa down in these tests, which proves it receives nothing while a person
holds the conversation: the patient gets 200, not the 503 of a dialogue that is down)."""

from __future__ import annotations

from tests.web.console.conftest import csrf_of
from web import keys


async def _patient(client):
    first = await (await client.post("/api/chat", json={"text": "bonjour", "language": "fr"})).json()
    return {"conversation_id": first["conversation_id"], "conversation_token": first["conversation_token"]}


async def test_a_moderator_takes_over_talks_with_the_patient_and_gives_the_conversation_back(
    console, anonymous
):
    moderator = await console()
    patient = await anonymous()
    ids = await _patient(patient)
    widget = await patient.ws_connect("/ws")
    await widget.send_json({"type": "subscribe", **ids})
    assert (await widget.receive_json())["type"] == "subscribed"
    live = await moderator.ws_connect("/console/ws")

    token = await csrf_of(moderator, f"/console/conversations/{ids['conversation_id']}")
    taken = await moderator.post(
        f"/console/conversations/{ids['conversation_id']}/take",
        data={"csrf_token": token},
        allow_redirects=False,
    )
    assert taken.status == 303
    joined = await widget.receive_json()
    assert joined["type"] == "push" and joined["messages"][0]["status"] == "live"
    assert "vous répond" in joined["messages"][0]["text"], "in the conversation's language"

    listing = await (await moderator.get("/console/conversations")).text()
    assert "you hold it" in listing
    asked = await patient.post("/api/chat", json={"text": "j'ai une question sur mon fils", **ids})
    assert asked.status == 200 and (await asked.json())["messages"] == [], "Rasa was not asked"
    heard = await live.receive_json()
    assert heard["type"] == "patient_message" and heard["text"] == "j'ai une question sur mon fils"

    await live.send_json({"type": "typing", "conversation_id": ids["conversation_id"]})
    assert (await live.receive_json())["type"] == "ok"
    assert (await widget.receive_json()) == {"type": "typing", "from": "moderator"}
    await live.send_json(
        {"type": "say", "conversation_id": ids["conversation_id"], "text": "Bonjour, je suis là."}
    )
    assert (await live.receive_json())["delivered"] is True
    said = await widget.receive_json()
    assert said["messages"][0]["text"] == "Bonjour, je suis là." and said["messages"][0]["type"] == "handoff"

    history = await (await patient.post("/api/history", json=ids)).json()
    assert "Bonjour, je suis là." in [m["text"] for m in history["messages"]]

    ended = await moderator.post(
        f"/console/conversations/{ids['conversation_id']}/end",
        data={"csrf_token": token},
        allow_redirects=False,
    )
    assert ended.status == 303
    assert (await widget.receive_json())["messages"][0]["status"] == "ended"
    back = await patient.post("/api/chat", json={"text": "merci", **ids})
    assert back.status == 503, "the next message goes to the dialogue again (down in this test)"
    await widget.close()
    await live.close()


async def test_an_emergency_during_takeover_reaches_the_patient_first_and_alerts_the_moderator(
    console, anonymous
):
    moderator = await console()
    patient = await anonymous()
    ids = await _patient(patient)
    live = await moderator.ws_connect("/console/ws")
    token = await csrf_of(moderator, f"/console/conversations/{ids['conversation_id']}")
    await moderator.post(f"/console/conversations/{ids['conversation_id']}/take", data={"csrf_token": token})
    reply = await (
        await patient.post(
            "/api/chat",
            json={"text": "mon mari a une douleur déchirante dans le dos et il a un Marfan", **ids},
        )
    ).json()
    assert reply["messages"][0]["type"] == "emergency" and "15" in reply["messages"][0]["text"]
    alert = await live.receive_json()
    assert alert["type"] == "patient_message" and alert["emergency"] is True
    await live.close()


async def test_only_the_moderator_holding_a_conversation_may_write_in_it(console, anonymous):
    first, second = await console(), await console()
    patient = await anonymous()
    ids = await _patient(patient)
    token = await csrf_of(first, f"/console/conversations/{ids['conversation_id']}")
    await first.post(f"/console/conversations/{ids['conversation_id']}/take", data={"csrf_token": token})
    other_token = await csrf_of(second, f"/console/conversations/{ids['conversation_id']}")
    refused = await second.post(
        f"/console/conversations/{ids['conversation_id']}/take", data={"csrf_token": other_token}
    )
    assert refused.status == 409
    live = await second.ws_connect("/console/ws")
    await live.send_json({"type": "say", "conversation_id": ids["conversation_id"], "text": "hello"})
    assert "take it first" in (await live.receive_json())["error"]
    await live.close()


async def test_the_console_websocket_refuses_anonymous_visitors(anonymous):
    client = await anonymous()
    response = await client.get("/console/ws", allow_redirects=False)
    assert response.status in (302, 401)


async def test_a_moderators_first_live_reply_is_the_tickets_first_human_reply(console, anonymous):
    moderator = await console()
    patient = await anonymous()
    ids = await _patient(patient)
    tickets = moderator.server.app[keys.STORAGE].tickets
    ticket_id = await tickets.open(ids["conversation_id"], "fr", {}, "marie@example.org", [])
    token = await csrf_of(moderator, f"/console/conversations/{ids['conversation_id']}")
    await moderator.post(f"/console/conversations/{ids['conversation_id']}/take", data={"csrf_token": token})
    assert (await tickets.ticket(ticket_id))["status"] == "assigned"
    live = await moderator.ws_connect("/console/ws")
    await live.send_json({"type": "say", "conversation_id": ids["conversation_id"], "text": "Bonjour"})
    assert (await live.receive_json())["type"] == "sent"
    assert (await tickets.ticket(ticket_id))["first_reply_at"] is not None
    await live.close()


async def test_the_patients_typing_reaches_the_moderator_and_unread_counts_follow_the_replies(
    console, anonymous
):
    moderator = await console()
    patient = await anonymous()
    ids = await _patient(patient)
    widget = await patient.ws_connect("/ws")
    live = await moderator.ws_connect("/console/ws")
    await widget.send_json({"type": "typing", **ids})  # nobody holds it: nobody is told
    token = await csrf_of(moderator, f"/console/conversations/{ids['conversation_id']}")
    await moderator.post(f"/console/conversations/{ids['conversation_id']}/take", data={"csrf_token": token})
    await widget.send_json({"type": "typing", **ids})
    assert (await live.receive_json()) == {
        "type": "patient_typing",
        "conversation_id": ids["conversation_id"],
    }, "the first typing frame (before the take-over) reached nobody"
    await widget.send_json({"type": "typing", "conversation_id": ids["conversation_id"]})
    assert (await widget.receive_json())["status"] == 403, "typing needs the conversation's token"

    for text in ("j'ai une question", "vous êtes là ?"):
        await patient.post("/api/chat", json={"text": text, **ids})
        assert (await live.receive_json())["type"] == "patient_message"
    listing = await (await moderator.get("/console/conversations")).text()
    assert "3 unread" in listing, "bonjour and the two messages: nobody of the team wrote yet"
    await live.send_json(
        {"type": "say", "conversation_id": ids["conversation_id"], "text": "Oui, je suis là"}
    )
    assert (await live.receive_json())["type"] == "sent"
    listing = await (await moderator.get("/console/conversations")).text()
    assert "unread" not in listing
    await patient.post("/api/chat", json={"text": "merci", **ids})
    assert "1 unread" in await (await moderator.get("/console/conversations")).text()
    await widget.close()
    await live.close()


async def test_the_patient_can_end_the_chat_with_the_person_and_the_moderator_is_told(console, anonymous):
    moderator = await console()
    patient = await anonymous()
    ids = await _patient(patient)
    widget = await patient.ws_connect("/ws")
    await widget.send_json({"type": "subscribe", **ids})
    assert (await widget.receive_json())["type"] == "subscribed"
    live = await moderator.ws_connect("/console/ws")
    token = await csrf_of(moderator, f"/console/conversations/{ids['conversation_id']}")
    await moderator.post(f"/console/conversations/{ids['conversation_id']}/take", data={"csrf_token": token})
    joined = (await widget.receive_json())["messages"][0]
    (button,) = joined["buttons"]
    assert button == {"title": "Terminer la discussion", "payload": "/end_live"}

    ended = await patient.post(
        "/api/chat", json={"text": button["title"], "payload": button["payload"], **ids}
    )
    (message,) = (await ended.json())["messages"]
    assert ended.status == 200 and message["status"] == "ended" and "Vous avez terminé" in message["text"]
    assert (await live.receive_json()) == {"type": "patient_ended", "conversation_id": ids["conversation_id"]}
    storage = moderator.server.app[keys.STORAGE]
    assert (await storage.conversation(ids["conversation_id"])).held_by is None
    back = await patient.post("/api/chat", json={"text": "merci", **ids})
    assert back.status == 503, "the next message goes to the dialogue again (down in this test)"
    await widget.close()
    await live.close()
