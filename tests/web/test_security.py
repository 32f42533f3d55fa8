"""Security headers, the CORS allow-list, and the WebSocket's origin check."""

from __future__ import annotations

import aiohttp
import pytest

SITE = "https://www.vascern.eu"


async def test_every_response_carries_the_security_headers_and_no_server_version(app_client):
    client = await app_client(frame_ancestors="https://www.vascern.eu")
    for path in ("/", "/healthz", "/widget/vascern-chat.js", "/no/such/page"):
        response = await client.get(path)
        headers = response.headers
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "no-referrer"
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors https://www.vascern.eu" in csp
        assert "aiohttp" not in headers.get("Server", "") and "Python" not in headers.get("Server", "")


async def test_api_answers_are_never_cached(app_client):
    client = await app_client()
    response = await client.post("/api/chat", json={})
    assert response.headers["Cache-Control"] == "no-store"


async def test_an_allowed_site_gets_cors_headers_and_its_preflight_answered(app_client):
    client = await app_client(cors_origins=(SITE,))
    preflight = await client.options(
        "/api/chat",
        headers={
            "Origin": SITE,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == SITE
    assert "Content-Type" in preflight.headers["Access-Control-Allow-Headers"]
    response = await client.post("/api/chat", json={}, headers={"Origin": SITE})
    assert response.headers["Access-Control-Allow-Origin"] == SITE


async def test_another_site_is_refused_the_chat_api(app_client):
    client = await app_client(cors_origins=(SITE,))
    for method in ("OPTIONS", "POST"):
        response = await client.request(
            method, "/api/chat", json={"text": "hi"}, headers={"Origin": "https://evil.example"}
        )
        assert response.status == 403
        assert "Access-Control-Allow-Origin" not in response.headers


async def test_ws_rejects_cross_origin(app_client):
    client = await app_client(cors_origins=(SITE,))
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await client.ws_connect("/ws", headers={"Origin": "https://evil.example"})
    assert refused.value.status == 403
    socket = await client.ws_connect("/ws", headers={"Origin": SITE})
    await socket.close()


async def test_ws_answers_bad_frames_with_a_reason_and_stays_open(app_client):
    client = await app_client()
    socket = await client.ws_connect("/ws")
    await socket.send_str("{not json")
    assert (await socket.receive_json())["status"] == 400
    await socket.send_json({"type": "message", "text": "x\u0000", "client_message_id": "a1"})
    error = await socket.receive_json()
    assert error == {"type": "error", "status": 400, "error": error["error"], "client_message_id": "a1"}
    await socket.send_json({"type": "message", "text": "hello", "client_message_id": "a2"})
    assert (await socket.receive_json())["type"] == "typing"
    reply = await socket.receive_json()
    assert reply["client_message_id"] == "a2" and reply["status"] == 503 and reply["conversation_token"]
    await socket.close()
    metrics = await (await client.get("/metrics")).text()
    assert 'vascern_http_responses_total{path="/ws",status="400"} 2' in metrics


async def test_the_widgets_files_may_be_loaded_by_any_site_the_api_only_by_allowed_ones(app_client):
    client = await app_client(cors_origins=(SITE,))
    widget = await client.get("/widget/vascern-chat.js", headers={"Origin": "https://another.example"})
    assert widget.status == 200 and widget.headers["Access-Control-Allow-Origin"] == "*"
    api = await client.post("/api/chat", json={}, headers={"Origin": "https://another.example"})
    assert api.status == 403
