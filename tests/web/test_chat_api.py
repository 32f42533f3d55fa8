"""The public chat API's answers to bad input and to a dependency being down."""

from __future__ import annotations

import pytest

from web import keys


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({}, "`text` is required"),
        ({"text": "   "}, "`text` is required"),
        ({"text": 42}, "`text` is required"),
        ({"text": "x" * 2001}, "longer than 2000"),
        ({"text": "hello", "language": "klingon"}, "`language` must be one of"),
        ({"text": "hello", "conversation_id": ""}, "`conversation_id` must be"),
        ([1, 2], "JSON object"),
    ],
)
async def test_invalid_requests_get_400_with_a_reason(client_without_rasa, body, reason):
    response = await client_without_rasa.post("/api/chat", json=body)
    assert response.status == 400
    assert reason in (await response.json())["error"]


async def test_invalid_json_gets_400(client_without_rasa):
    response = await client_without_rasa.post(
        "/api/chat", data=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status == 400
    assert "not valid JSON" in (await response.json())["error"]


async def test_bodies_over_16_kib_get_413(client_without_rasa):
    response = await client_without_rasa.post(
        "/api/chat", data=b'{"text": "' + b"a" * 17000 + b'"}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status == 413


async def test_unknown_conversation_id_gets_400(client_without_rasa):
    response = await client_without_rasa.post(
        "/api/chat", json={"text": "hello", "conversation_id": "nope"}
    )
    assert response.status == 400
    assert "Unknown `conversation_id`" in (await response.json())["error"]


async def test_rasa_down_gets_503_naming_the_emergency_number_and_keeps_the_message(
    client_without_rasa,
):
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
    assert transcript[0]["text"] == "bonjour, j'ai une question"
    assert transcript[0]["safety"]["level"] == "none"


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
    assert emergency["category"] in ("adult_stroke", "vision_loss", "sudden_headache")


async def test_the_safety_context_of_a_conversation_is_remembered_between_messages(client_without_rasa):
    first = await (await client_without_rasa.post("/api/chat", json={"text": "I have vascular EDS"})).json()
    storage = client_without_rasa.app[keys.STORAGE]
    assert (await storage.safety_context(first["conversation_id"]))["high_risk_disease"] is True


async def test_too_many_messages_get_429_with_retry_after(client_with_tight_rate_limit):
    statuses = []
    for _ in range(3):
        response = await client_with_tight_rate_limit.post("/api/chat", json={})
        statuses.append(response.status)
    assert statuses == [400, 400, 429]
    assert int(response.headers["Retry-After"]) >= 1


async def test_healthz_reports_each_dependency(client_without_rasa):
    response = await client_without_rasa.get("/healthz")
    assert response.status == 503
    body = await response.json()
    assert body["dependencies"] == {"rasa": False, "actions": False, "database": True}


async def test_metrics_are_prometheus_text(client_without_rasa):
    await client_without_rasa.post("/api/chat", json={})
    response = await client_without_rasa.get("/metrics")
    text = await response.text()
    assert 'vascern_http_responses_total{path="/api/chat",status="400"} 1' in text
    assert "vascern_chat_seconds_count" in text
