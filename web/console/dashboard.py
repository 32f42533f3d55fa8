"""The dashboard: how the assistant does, over the last days (charts and the same numbers
in tables)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from sqlalchemy import select

from web.console import keys
from web.storage.database import Database, aware, now
from web.storage.schema import conversations, feedback, messages

DEFAULT_DAYS = 30
ANSWER_TYPES = ("answer", "centres", "organisations")


def _percentile(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(fraction * len(ordered)))])


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 1)


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


async def figures(database: Database, days: int) -> dict[str, Any]:
    """Every figure of the dashboard for the conversations of the last `days` days."""
    since = now() - timedelta(days=days)

    def work(c: Any) -> dict[str, Any]:
        heads = c.execute(
            select(conversations.c.id, conversations.c.started_at, conversations.c.language).where(
                conversations.c.started_at >= since
            )
        ).all()
        rows = c.execute(
            select(
                messages.c.id,
                messages.c.conversation_id,
                messages.c.sender,
                messages.c.type,
                messages.c.intent,
                messages.c.reply_to,
                messages.c.created_at,
            )
            .join(conversations, conversations.c.id == messages.c.conversation_id)
            .where(conversations.c.started_at >= since)
            .order_by(messages.c.id)
        ).all()
        votes = Counter(
            value
            for (value,) in c.execute(
                select(feedback.c.value)
                .join(conversations, conversations.c.id == feedback.c.conversation_id)
                .where(conversations.c.started_at >= since)
            ).all()
        )
        return _compute(heads, rows, votes, days)

    return await database.run(work)


def _per_day(heads: list[Any], days: int) -> list[tuple[str, int]]:
    """Conversations started on each day of the window, days without any included."""
    counts = Counter(aware(h.started_at).date() for h in heads)
    today = now().date()
    return [
        (day.isoformat(), counts.get(day, 0))
        for day in (today - timedelta(days=n) for n in range(days - 1, -1, -1))
    ]


def _compute(heads: list[Any], rows: list[Any], votes: Counter, days: int) -> dict[str, Any]:
    patient = [row for row in rows if row.sender == "patient"]
    asked_at = {row.id: aware(row.created_at) for row in patient}
    replies: dict[int, list[Any]] = {}
    for row in rows:
        if row.sender in ("bot", "system") and row.reply_to in asked_at:
            replies.setdefault(row.reply_to, []).append(row)
    waits = [
        (aware(min(r.created_at for r in got)) - asked_at[asked]).total_seconds() * 1000
        for asked, got in replies.items()
    ]
    answered = sum(1 for got in replies.values() if any(r.type in ANSWER_TYPES for r in got))
    by_conversation: dict[str, set[str]] = {}
    for row in rows:
        by_conversation.setdefault(row.conversation_id, set()).add(row.type)
    handoffs = sum(1 for types in by_conversation.values() if "handoff" in types)
    unhappy = {row.conversation_id for row in rows if row.type in ("handoff", "feedback")}
    return {
        "days": days,
        "conversations": len(heads),
        "per_day": _per_day(heads, days),
        "languages": Counter(h.language or "--" for h in heads).most_common(),
        "top_intents": Counter(row.intent for row in patient if row.intent).most_common(10),
        "patient_messages": len(patient),
        "answer_rate": _rate(answered, len(patient)),
        "refusal_rate": _rate(sum(1 for row in rows if row.type == "unanswered"), len(patient)),
        "fallback_rate": _rate(sum(1 for row in patient if row.intent == "nlu_fallback"), len(patient)),
        "handoff_rate": _rate(handoffs, len(heads)),
        "emergencies": sum(1 for row in rows if row.type == "emergency"),
        "safety_questions": sum(1 for row in patient if row.intent == "safety_check"),
        "feedback_up": votes.get("up", 0),
        "feedback_down": votes.get("down", 0) + sum(1 for row in rows if row.type == "feedback"),
        "response_p50_ms": _percentile(waits, 0.5),
        "response_p95_ms": _percentile(waits, 0.95),
        "resolved_without_human": _rate(len(heads) - len(unhappy & {h.id for h in heads}), len(heads)),
    }


async def dashboard(request: web.Request) -> web.Response:
    """The dashboard page (`?days=` chooses the window)."""
    try:
        days = min(365, max(1, int(request.query.get("days", DEFAULT_DAYS))))
    except ValueError:
        raise web.HTTPBadRequest(reason="days must be a number") from None
    storage = request.app[keys.STORAGE]
    found = await figures(storage.database, days)
    delays = await storage.tickets.reply_delays(now() - timedelta(days=days))
    found["first_reply_p50_min"] = _minutes(_percentile(delays, 0.5))
    found["first_reply_p95_min"] = _minutes(_percentile(delays, 0.95))
    return aiohttp_jinja2.render_template("dashboard.html", request, {"f": found})
