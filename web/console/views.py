"""The console's pages: the review queue, the conversation list, one conversation, and the
forms that review, annotate and erase it. Every transcript view is audited."""

from __future__ import annotations

from datetime import date
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from common.groups import WORKING_GROUPS
from common.languages import LANGUAGES
from web.console import keys
from web.console.auth import admin_only
from web.rasa import RasaUnavailable
from web.storage.filters import FLAGS, PAGE_SIZE, Filters
from web.storage.review import REASONS, STATES


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise web.HTTPBadRequest(reason=f"not a date: {value!r} (use YYYY-MM-DD)") from None


def filters_from(query: Any) -> Filters:
    """The list's filters from a query string; 400 for a malformed value."""
    language = query.get("language") or None
    disease = query.get("disease") or None
    if language and language not in LANGUAGES or disease and disease not in WORKING_GROUPS:
        raise web.HTTPBadRequest(reason="unknown language or disease")
    reviewed = {"yes": True, "no": False}.get(query.get("reviewed", ""))
    try:
        page = max(1, int(query.get("page", "1")))
    except ValueError:
        raise web.HTTPBadRequest(reason="page must be a number") from None
    return Filters(
        date_from=_date(query.get("from")),
        date_to=_date(query.get("to")),
        language=language,
        disease=disease,
        intent=(query.get("intent") or "").strip() or None,
        flags=tuple(flag for flag in query.getall("flag", []) if flag in FLAGS),
        reviewed=reviewed,
        search=(query.get("q") or "").strip()[:200] or None,
        page=page,
    )


@aiohttp_jinja2.template("queue.html")
async def queue(request: web.Request) -> dict:
    """What needs a human first."""
    return {"items": await request.app[keys.REVIEW].queue()}


@aiohttp_jinja2.template("conversations.html")
async def conversations(request: web.Request) -> dict:
    """Filtered, searchable, paginated list."""
    filters = filters_from(request.query)
    review = request.app[keys.REVIEW]
    rows, total = await review.conversations(filters)
    pages = max(1, -(-total // PAGE_SIZE))
    return {
        "rows": rows,
        "unread": await review.unread([row["id"] for row in rows if row["held_by"]]),
        "total": total,
        "filters": filters,
        "page": filters.page,
        "pages": pages,
        "languages": LANGUAGES,
        "diseases": WORKING_GROUPS,
        "flags": list(FLAGS),
        "query": request.query,
        "query_string": request.query_string,
    }


async def _conversation_or_404(request: web.Request) -> dict:
    conversation = await request.app[keys.REVIEW].conversation(request.match_info["conversation_id"])
    if conversation is None:
        raise web.HTTPNotFound(reason="no such conversation (erased, or past the retention limit)")
    return conversation


async def conversation(request: web.Request) -> web.Response:
    """One conversation in full (audited)."""
    found = await _conversation_or_404(request)
    await request.app[keys.AUDIT].record(request[keys.MODERATOR], "view", found["id"])
    context = {
        "conversation": found,
        "states": STATES,
        "reasons": REASONS,
        "saved": "saved" in request.query,
    }
    return aiohttp_jinja2.render_template("conversation.html", request, context)


async def review(request: web.Request) -> web.StreamResponse:
    """Mark reviewed (or not), with tags and a note."""
    found = await _conversation_or_404(request)
    form = await request.post()
    tags = [tag.strip()[:40] for tag in str(form.get("tags", "")).split(",") if tag.strip()][:20]
    moderator = request[keys.MODERATOR]
    await request.app[keys.REVIEW].set_review(
        found["id"], moderator.id, form.get("reviewed") == "yes", tags, str(form.get("note", ""))[:4000]
    )
    await request.app[keys.AUDIT].record(moderator, "review", found["id"])
    raise web.HTTPSeeOther(f"/console/conversations/{found['id']}?saved=1")


async def annotate(request: web.Request) -> web.StreamResponse:
    """A state, a reason and the expected answer or intent for one bot answer."""
    found = await _conversation_or_404(request)
    form = await request.post()
    state, reason = str(form.get("state", "")), str(form.get("reason", "")) or None
    if state not in STATES or (reason and reason not in REASONS):
        raise web.HTTPBadRequest(reason="unknown state or reason")
    try:
        message_id = int(str(form.get("message_id", "")))
    except ValueError:
        raise web.HTTPBadRequest(reason="message_id must be a number") from None
    moderator = request[keys.MODERATOR]
    done = await request.app[keys.REVIEW].annotate(
        found["id"],
        message_id,
        moderator.id,
        state,
        reason,
        str(form.get("expected_intent", "")).strip()[:64],
        str(form.get("expected_answer", "")).strip()[:4000],
        str(form.get("note", "")).strip()[:4000],
    )
    if not done:
        raise web.HTTPBadRequest(reason="that message is not part of this conversation")
    await request.app[keys.AUDIT].record(
        moderator, "annotate", found["id"], message_id=message_id, state=state
    )
    raise web.HTTPSeeOther(f"/console/conversations/{found['id']}?saved=1#message-{message_id}")


async def erase(request: web.Request) -> web.StreamResponse:
    """Erase a conversation everywhere: transcript, feedback, contacts, reviews, Rasa's tracker."""
    conversation_id = request.match_info["conversation_id"]
    form = await request.post()
    if form.get("confirm") != "ERASE":
        raise web.HTTPBadRequest(reason="type ERASE to confirm the erasure")
    moderator = request[keys.MODERATOR]
    if not await request.app[keys.REVIEW].delete_conversation(conversation_id):
        raise web.HTTPNotFound(reason="no such conversation")
    tracker = "erased"
    try:
        await request.app[keys.RASA].erase(conversation_id)
    except RasaUnavailable:
        tracker = "failed: Rasa unavailable"
    await request.app[keys.AUDIT].record(moderator, "erase", conversation_id, rasa_tracker=tracker)
    raise web.HTTPSeeOther("/console/conversations?erased=1")


@aiohttp_jinja2.template("audit.html")
async def audit(request: web.Request) -> dict:
    """The audit log, for admins."""
    admin_only(request)
    return {"records": await request.app[keys.AUDIT].latest()}
