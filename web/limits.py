"""Request limits: token buckets per client and per conversation (429 with Retry-After).

- ``RateLimiter``     a bucket per key, refilled continuously; at most ``max_keys`` buckets,
                      the least recently used one forgotten first (a forgotten bucket was
                      idle longest, so it is nearly full anyway): memory stays bounded and a
                      flood of new addresses never resets the buckets of active clients.
- ``TurnGate``        load shedding: turns at Rasa at once, and how many may wait
- ``client_address``  who is asking: the peer address, or, when the peer is one of the
                      trusted reverse proxies, the last address in X-Forwarded-For that is
                      not itself a trusted proxy.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import math
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """Allows `burst` requests at once per key, refilled at `per_second`."""

    def __init__(self, burst: int, per_second: float, max_keys: int = 50_000) -> None:
        self._burst = burst
        self._per_second = per_second
        self._max_keys = max_keys
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def __len__(self) -> int:
        return len(self._buckets)

    def retry_after(self, key: str) -> int:
        """0 if the request may go ahead (and count it), else seconds to wait."""
        now = time.monotonic()
        bucket = self._buckets.get(key)
        if bucket is None:
            while len(self._buckets) >= self._max_keys:
                self._buckets.popitem(last=False)
            bucket = self._buckets[key] = _Bucket(tokens=self._burst, updated=now)
        else:
            self._buckets.move_to_end(key)
        bucket.tokens = min(self._burst, bucket.tokens + (now - bucket.updated) * self._per_second)
        bucket.updated = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0
        return max(1, math.ceil((1 - bucket.tokens) / self._per_second))


def parse_networks(specs: Iterable[str]) -> tuple[Network, ...]:
    """Addresses or CIDR ranges ("10.0.0.0/8", "127.0.0.1") as networks."""
    return tuple(ipaddress.ip_network(spec.strip(), strict=False) for spec in specs if spec.strip())


def _trusted(address: str, proxies: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in proxies)


def client_address(peer: str | None, forwarded_for: str | None, proxies: tuple[Network, ...]) -> str:
    """The client's address, trusting X-Forwarded-For only as far as the proxies we run."""
    address = peer or "unknown"
    if not forwarded_for or not _trusted(address, proxies):
        return address
    for hop in reversed([part.strip() for part in forwarded_for.split(",") if part.strip()]):
        if not _trusted(hop, proxies):
            return hop
        address = hop
    return address


class TurnGate:
    """Load shedding for the dialogue: at most `concurrency` turns at Rasa at once, at most
    `queue` more waiting for a place; beyond that a turn is refused at once (429 naming the
    emergency number) rather than left to time out."""

    def __init__(self, concurrency: int, queue: int) -> None:
        self._semaphore = asyncio.Semaphore(max(1, concurrency))
        self._limit = max(1, concurrency) + max(0, queue)
        self._admitted = 0

    def full(self) -> bool:
        """True when a new turn would have to be refused."""
        return self._admitted >= self._limit

    @contextlib.asynccontextmanager
    async def admitted(self) -> AsyncIterator[None]:
        """Hold a place among the admitted turns for the whole turn."""
        self._admitted += 1
        try:
            yield
        finally:
            self._admitted -= 1

    @contextlib.asynccontextmanager
    async def at_rasa(self) -> AsyncIterator[None]:
        """Wait for one of the `concurrency` places at Rasa."""
        async with self._semaphore:
            yield
