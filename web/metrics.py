"""Counters and a latency histogram, rendered as Prometheus text (GET /metrics)."""

from __future__ import annotations

from collections import Counter
from typing import Any

# Upper bounds (seconds) of the chat-latency histogram buckets.
LATENCY_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """In-process metrics of one web worker."""

    def __init__(self) -> None:
        self.responses: Counter[tuple[str, int]] = Counter()
        self.message_types: Counter[str] = Counter()
        self._latency_counts = [0] * len(LATENCY_BUCKETS)
        self._latency_sum = 0.0
        self._latency_total = 0

    def observe(self, path: str, status: int, seconds: float) -> None:
        """Count one response and its latency."""
        self.responses[(path, status)] += 1
        if path == "/api/chat":
            self._latency_total += 1
            self._latency_sum += seconds
            for i, bound in enumerate(LATENCY_BUCKETS):
                if seconds <= bound:
                    self._latency_counts[i] += 1

    def count_messages(self, messages: list[dict[str, Any]]) -> None:
        """Count the bot messages of one reply by type."""
        self.message_types.update(message.get("type", "text") for message in messages)

    def render(self) -> str:
        """The Prometheus text exposition."""
        lines = ["# TYPE vascern_http_responses_total counter"]
        for (path, status), count in sorted(self.responses.items()):
            lines.append(f'vascern_http_responses_total{{path="{path}",status="{status}"}} {count}')
        lines.append("# TYPE vascern_bot_messages_total counter")
        for kind, count in sorted(self.message_types.items()):
            lines.append(f'vascern_bot_messages_total{{type="{kind}"}} {count}')
        lines.append("# TYPE vascern_chat_seconds histogram")
        for bound, count in zip(LATENCY_BUCKETS, self._latency_counts, strict=False):
            lines.append(f'vascern_chat_seconds_bucket{{le="{bound}"}} {count}')
        lines.append(f'vascern_chat_seconds_bucket{{le="+Inf"}} {self._latency_total}')
        lines.append(f"vascern_chat_seconds_sum {self._latency_sum:.6f}")
        lines.append(f"vascern_chat_seconds_count {self._latency_total}")
        return "\n".join(lines) + "\n"
