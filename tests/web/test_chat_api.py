"""The public chat API's answers to bad input and to a dependency being down (both databases)."""

from __future__ import annotations

import json

import pytest

from web import keys


async def post_raw(client, data: bytes, content_type: str = "application/json"):
    return await client.post("/api/chat", data=data, headers={"Content-Type": content_type})


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({}, "`text` is required"),
        ({"text": "   "}, "`text` is required"),
        ({"text": 42}, "`text` must be a string"),
        ({"text": {"nested": "object"}}, "`text` must be a string"),
        ({"text": "x" * 2001}, "longer than 2000"),
        ({"text": "hello", "language": "klingon"}, "`language` must be one of"),
        ({"text": "hello\u0000world"}, "control character"),
        ({"text": "hello", "client_message_id": "not valid!"}, "`client_message_id`"),
        ([1, 2], "JSON object"),
    ],
)
async def test_invalid_requests_get_400_with_a_reason(client_without_rasa, body, reason):
    response = await client_without_rasa.post("/api/chat", json=body)
    assert response.status == 400
    assert reason in (await response.json())["error"]


async def test_a_lone_surrogate_gets_400_not_500(client_without_rasa):
    response = await post_raw(client_without_rasa, b'{"text": "hello \\ud800 there"}')
    assert response.status == 400
    assert "lone surrogate" in (await response.json())["error"]


async def test_deeply_nested_json_gets_400_not_500(client_without_rasa):
    response = await post_raw(client_without_rasa, b"[" * 5000 + b"]" * 5000)
    assert response.status == 400
    response = await post_raw(client_without_rasa, b'{"text": ' + b"[" * 3000 + b"]" * 3000 + b"}")
    assert response.status == 400


async def test_invalid_json_and_invalid_utf8_get_400(client_without_rasa):
    for data in (b"{not json", b'{"text": "\xff\xfe"}'):
        response = await post_raw(client_without_rasa, data)
        assert response.status == 400
        assert "not valid JSON" in (await response.json())["error"]


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", ""])
async def test_a_body_that_is_not_declared_json_gets_415(client_without_rasa, content_type):
    response = await post_raw(client_without_rasa, json.dumps({"text": "hello"}).encode(), content_type)
    assert response.status == 415
    assert "application/json" in (await response.json())["error"]


async def test_bodies_over_16_kib_get_413(client_without_rasa):
    response = await post_raw(client_without_rasa, b'{"text": "' + b"a" * 17000 + b'"}')
    assert response.status == 413


async def test_another_conversations_id_without_its_token_gets_403(client_without_rasa):
    first = await (await client_without_rasa.post("/api/chat", json={"text": "hello"})).json()
    assert first["conversation_token"] and first["conversation_token"] != first["conversation_id"]
    for token in (None, "", "guessed", first["conversation_id"]):
        body = {"text": "what did I say?", "conversation_id": first["conversation_id"]}
        if token is not None:
            body["conversation_token"] = token
        response = await client_without_rasa.post("/api/chat", json=body)
        assert response.status == 403, token
        assert "conversation_token" in (await response.json())["error"]
    history = await client_without_rasa.post(
        "/api/history", json={"conversation_id": first["conversation_id"]}
    )
    assert history.status == 403


async def test_an_unknown_conversation_id_gets_the_same_403(client_without_rasa):
    response = await client_without_rasa.post(
        "/api/chat", json={"text": "hello", "conversation_id": "0" * 32, "conversation_token": "x"}
    )
    assert response.status == 403


async def test_with_its_token_the_conversation_goes_on_and_its_history_comes_back(client_without_rasa):
    first = await (
        await client_without_rasa.post("/api/chat", json={"text": "bonjour", "language": "fr"})
    ).json()
    ids = {"conversation_id": first["conversation_id"], "conversation_token": first["conversation_token"]}
    second = await client_without_rasa.post("/api/chat", json={"text": "encore moi", **ids})
    assert second.status == 503  # the dialogue is down in these tests, the conversation is not refused
    assert (await second.json())["conversation_token"] == first["conversation_token"]
    history = await (await client_without_rasa.post("/api/history", json=ids)).json()
    patient = [m["text"] for m in history["messages"] if m["sender"] == "patient"]
    assert patient == ["bonjour", "encore moi"]


async def test_rasa_down_gets_503_naming_the_emergency_number_and_keeps_the_message(client_without_rasa):
    response = await client_without_rasa.post(
        "/api/chat", json={"text": "bonjour, j'ai une question", "language": "fr"}
    )
    assert response.status == 503
    body = await response.json()
    assert body["language"] == "fr"
    assert "15" in body["messages"][0]["text"] and "112" in body["messages"][0]["text"]
    storage = client_without_rasa.app[keys.STORAGE]
    transcript = await storage.transcript(body["conversation_id"])
    assert [m["sender"] for m in transcript] == ["patient", "bot", "system"]
    assert transcript[0]["message"]["text"] == "bonjour, j'ai une question"
    assert all(m["reply_to"] == transcript[0]["id"] for m in transcript[1:]), "replies link to the question"


async def test_a_red_flag_while_the_dialogue_is_down_gets_the_emergency_message_first_in_german(
    client_without_rasa,
):
    text = "Mein Vater kann plötzlich nicht mehr sprechen und sein Mund hängt auf einer Seite"
    response = await client_without_rasa.post("/api/chat", json={"text": text})
    assert response.status == 503
    body = await response.json()
    types = [m["type"] for m in body["messages"]]
    assert types[0] == "emergency" and types[-1] == "error"
    assert {m["language"] for m in body["messages"]} == {"de"}, "nothing after it is in English"
    emergency = body["messages"][0]
    assert "112" in emergency["text"] and "Vater" in emergency["text"]


async def test_the_safety_context_of_a_conversation_is_remembered_between_messages(client_without_rasa):
    first = await (await client_without_rasa.post("/api/chat", json={"text": "I have vascular EDS"})).json()
    conversation = await client_without_rasa.app[keys.STORAGE].conversation(first["conversation_id"])
    assert conversation.safety_context["high_risk_disease"] is True


async def test_contact_details_are_redacted_in_the_stored_transcript(client_without_rasa):
    text = "je m'appelle Marie Lefèvre, mon mail est marie.lefevre@example.org, tel 06 12 34 56 78"
    body = await (await client_without_rasa.post("/api/chat", json={"text": text})).json()
    stored = await client_without_rasa.app[keys.STORAGE].transcript(body["conversation_id"])
    kept = stored[0]["message"]["text"]
    assert "Marie" not in kept and "example.org" not in kept and "56 78" not in kept
    assert "{{EMAIL}}" in kept and "{{PHONE}}" in kept and "{{NAME}}" in kept


async def test_a_resent_message_id_is_not_stored_twice(client_without_rasa):
    first = await (await client_without_rasa.post("/api/chat", json={"text": "hello"})).json()
    ids = {"conversation_id": first["conversation_id"], "conversation_token": first["conversation_token"]}
    for _ in range(2):
        await client_without_rasa.post("/api/chat", json={"text": "again", "client_message_id": "m-1", **ids})
    stored = await client_without_rasa.app[keys.STORAGE].transcript(first["conversation_id"])
    assert [m["message"]["text"] for m in stored if m["sender"] == "patient"] == ["hello", "again"]


async def test_feedback_is_refused_on_a_message_that_is_not_the_assistants(client_without_rasa):
    first = await (await client_without_rasa.post("/api/chat", json={"text": "hello"})).json()
    ids = {"conversation_id": first["conversation_id"], "conversation_token": first["conversation_token"]}
    bot_message = first["messages"][0]["id"]
    ok = await client_without_rasa.post(
        "/api/feedback", json={**ids, "message_id": bot_message, "value": "down"}
    )
    assert ok.status == 200
    assert await client_without_rasa.app[keys.STORAGE].feedback_of(first["conversation_id"]) == {
        int(bot_message): "down"
    }
    for wrong in ({"message_id": "999999", "value": "up"}, {"message_id": bot_message, "value": "meh"}):
        response = await client_without_rasa.post("/api/feedback", json={**ids, **wrong})
        assert response.status == 400


async def test_healthz_reports_each_dependency(client_without_rasa):
    response = await client_without_rasa.get("/healthz")
    assert response.status == 503
    body = await response.json()
    assert body["dependencies"] == {"rasa": False, "actions": False, "database": True}


async def test_every_request_error_is_counted_in_metrics(client_without_rasa):
    await client_without_rasa.post("/api/chat", json={})
    await post_raw(client_without_rasa, b"{}", "text/plain")
    await client_without_rasa.get("/no/such/page")
    text = await (await client_without_rasa.get("/metrics")).text()
    assert 'vascern_http_responses_total{path="/api/chat",status="400"} 1' in text
    assert 'vascern_http_responses_total{path="/api/chat",status="415"} 1' in text
    assert 'vascern_http_responses_total{path="other",status="404"} 1' in text
    assert "vascern_chat_seconds_count" in text


async def test_a_saturated_dialogue_sheds_load_with_429_naming_the_emergency_number(app_client):
    client = await app_client(turns_in_flight=1, turns_queued=0)
    gate = client.server.app[keys.CONVERSATIONS].gate
    async with gate.admitted():  # one turn in progress fills a gate of one
        busy = await client.post("/api/chat", json={"text": "what is HHT?", "language": "en"})
        assert busy.status == 429 and busy.headers["Retry-After"] == "5"
        body = await busy.json()
        assert "busy" in body["error"] and "112" in body["messages"][-1]["text"]
        red_flag = await client.post(
            "/api/chat", json={"text": "my wife has sudden tearing chest pain going to her back"}
        )
        assert (await red_flag.json())["messages"][0]["type"] == "emergency"
    after = await client.post("/api/chat", json={"text": "what is HHT?", "language": "en"})
    assert after.status == 503, "admitted again (Rasa is down in these tests)"
