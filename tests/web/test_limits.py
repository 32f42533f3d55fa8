"""Rate limits per client (behind trusted proxies) and per conversation, in bounded memory."""

from __future__ import annotations

from web.limits import RateLimiter, client_address, parse_networks

PROXY = parse_networks(["10.0.0.0/8"])


def test_the_client_is_the_peer_unless_the_peer_is_a_trusted_proxy():
    assert client_address("203.0.113.5", "198.51.100.7", PROXY) == "203.0.113.5", "spoofed header ignored"
    assert client_address("10.0.0.2", "198.51.100.7", PROXY) == "198.51.100.7"
    assert client_address("10.0.0.2", "6.6.6.6, 198.51.100.7, 10.0.0.9", PROXY) == "198.51.100.7", (
        "only the hops our proxies added are trusted"
    )
    assert client_address("10.0.0.2", None, PROXY) == "10.0.0.2"


def test_a_flood_of_new_addresses_does_not_reset_an_active_clients_bucket():
    limiter = RateLimiter(burst=3, per_second=0.001)
    assert [limiter.retry_after("patient") for _ in range(4)][-1] > 0
    for i in range(10_000):
        limiter.retry_after(f"198.51.{i // 256}.{i % 256}")
    assert limiter.retry_after("patient") > 0


def test_memory_is_bounded_by_forgetting_the_longest_idle_client():
    limiter = RateLimiter(burst=1, per_second=0.001, max_keys=100)
    limiter.retry_after("active")
    for i in range(1000):
        limiter.retry_after(f"idle-{i}")
        limiter.retry_after("active")
    assert len(limiter) == 100
    assert limiter.retry_after("active") > 0, "the active client was remembered"


async def test_200_messages_a_minute_from_one_client_are_refused_after_the_burst(app_client):
    client = await app_client(rate_burst=30, rate_per_second=0.5)
    statuses = [(await client.post("/api/chat", json={"text": "hi"})).status for _ in range(200)]
    refused = statuses.count(429)
    assert statuses[:30] == [503] * 30  # served (the dialogue is down in these tests)
    assert refused >= 160
    response = await client.post("/api/chat", json={"text": "hi"})
    assert response.status == 429 and int(response.headers["Retry-After"]) >= 1
    assert "wait" in (await response.json())["error"]


async def test_50_patients_behind_one_proxy_address_each_get_their_own_bucket(app_client):
    client = await app_client(
        rate_burst=3, rate_per_second=0.01, trusted_proxies=parse_networks(["127.0.0.1"])
    )
    statuses = []
    for patient in range(50):
        for _ in range(2):
            headers = {"X-Forwarded-For": f"198.51.100.{patient}"}
            statuses.append((await client.post("/api/chat", json={"text": "hi"}, headers=headers)).status)
    assert 429 not in statuses
    same = [
        (
            await client.post("/api/chat", json={"text": "hi"}, headers={"X-Forwarded-For": "198.51.100.1"})
        ).status
        for _ in range(3)
    ]
    assert same[-1] == 429, "one patient still has their own limit"


async def test_one_conversation_is_limited_on_its_own(app_client):
    client = await app_client(conversation_burst=3, conversation_per_second=0.01)
    first = await (await client.post("/api/chat", json={"text": "hi"})).json()
    ids = {"conversation_id": first["conversation_id"], "conversation_token": first["conversation_token"]}
    statuses = [(await client.post("/api/chat", json={"text": "again", **ids})).status for _ in range(4)]
    assert statuses == [503, 503, 503, 429]
    other = await client.post("/api/chat", json={"text": "a new patient"})
    assert other.status == 503, "another conversation is not held back"
