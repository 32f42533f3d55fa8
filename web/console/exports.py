"""Exports a developer merges without editing (every download is audited):

- corrected intents as Rasa NLU YAML (known intents only, so `rasa data validate` accepts it)
- a conversation as a Rasa test story, from Rasa's tracker, with corrected intents
- missed emergencies and false alarms as labelled lines for tests/safety/train/
- missing content and questions without an answer as a curator's to-do list (Markdown)
- a filtered list of conversations as CSV or JSON (stored text is already redacted)
"""

from __future__ import annotations

import csv
import io
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from aiohttp import web

from safety.kinds import ALL_KINDS, EMERGENCY_KINDS
from web.console import keys
from web.console.views import filters_from
from web.rasa import RasaUnavailable
from web.storage.filters import PAGE_SIZE
from web.storage.redact import redact

# Bot events that are not the assistant's own steps in a story.
_SKIPPED_ACTIONS = ("action_listen", "action_session_start")


@lru_cache(maxsize=2)
def domain_intents(domain_file: Path) -> frozenset[str]:
    """The intents of domain.yml."""
    domain = yaml.safe_load(domain_file.read_text(encoding="utf-8"))
    return frozenset(
        intent if isinstance(intent, str) else next(iter(intent)) for intent in domain["intents"]
    )


def _download(body: str, name: str, content_type: str) -> web.Response:
    return web.Response(
        text=body,
        content_type=content_type,
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def nlu_yaml(rows: list[dict[str, Any]], known: frozenset[str]) -> str:
    """Rasa NLU YAML of the patient messages whose intent a moderator corrected."""
    examples: dict[str, list[str]] = {}
    for row in rows:
        text = " ".join((row.get("patient_text") or "").split())
        intent = row.get("expected_intent")
        if text and intent in known and text not in examples.setdefault(intent, []):
            examples[intent].append(text)
    lines = ['version: "3.1"', "nlu:"]
    for intent in sorted(examples):
        lines += [f"- intent: {intent}", "  examples: |"] + [f"    - {text}" for text in examples[intent]]
    return "\n".join(lines) + "\n" if examples else 'version: "3.1"\nnlu: []\n'


def safety_lines(rows: list[dict[str, Any]]) -> str:
    """tests/safety/train lines: a missed emergency is an emergency, a false alarm is not."""
    lines = []
    for row in rows:
        emergency = row["reason"] == "missed_emergency"
        given = row.get("expected_intent")
        kinds = EMERGENCY_KINDS if emergency else ALL_KINDS - EMERGENCY_KINDS
        kind = given if given in kinds else (None if emergency else "ordinary")
        if kind and row.get("patient_text"):
            line = {
                "text": row["patient_text"],
                "language": row.get("language") or "en",
                "emergency": emergency,
                "kind": kind,
            }
            lines.append(json.dumps(line, ensure_ascii=False))
    return "\n".join(lines) + ("\n" if lines else "")


def story_yaml(conversation_id: str, events: list[dict[str, Any]], corrected: dict[str, str]) -> str:
    """A Rasa test story from a tracker's events; `corrected` maps patient text (as stored:
    redacted) to intent. Rasa's tracker holds the messages as written: each is redacted here as
    in the transcript, so an export shows moderators no more than the transcript does."""
    steps: list[dict[str, Any]] = []
    for event in events:
        if event.get("event") == "user":
            text = redact(event.get("text") or "")
            intent = corrected.get(text) or (event.get("parse_data") or {}).get("intent", {}).get("name")
            if text and intent:
                steps.append({"user": text, "intent": intent})
        elif event.get("event") == "action" and event.get("name") not in _SKIPPED_ACTIONS:
            steps.append({"action": event["name"]})
    story = {"stories": [{"story": f"conversation {conversation_id}", "steps": steps}]}
    return 'version: "3.1"\n' + yaml.safe_dump(story, allow_unicode=True, sort_keys=False)


def todo_markdown(annotated: list[dict[str, Any]], unanswered: list[dict[str, Any]]) -> str:
    """What curators should write next."""
    lines = ["# Content to write", "", "## Marked “missing content” by moderators", ""]
    for row in annotated:
        lines.append(
            f"- [{row.get('language') or '--'}] {row.get('patient_text') or ''}"
            + (f" — expected: {row['expected_answer']}" if row.get("expected_answer") else "")
        )
    lines += ["", "## Questions the assistant had no reliable answer to", ""]
    lines += [f"- [{q['language'] or '--'}] {q['text']}" for q in unanswered]
    return "\n".join(lines) + "\n"


async def export(request: web.Request) -> web.Response:
    """One export, by name (see the module docstring)."""
    name = request.match_info["name"]
    app, moderator = request.app, request[keys.MODERATOR]
    review = app[keys.REVIEW]
    if name == "nlu.yml":
        body = nlu_yaml(await review.annotated(), domain_intents(app[keys.SETTINGS].domain_file))
        response = _download(body, "corrected_intents.yml", "application/yaml")
    elif name == "safety.jsonl":
        rows = await review.annotated("missed_emergency") + await review.annotated("false_alarm")
        response = _download(safety_lines(rows), "console.written.jsonl", "application/jsonl")
    elif name == "todo.md":
        body = todo_markdown(
            await review.annotated("missing_content"), await app[keys.STORAGE].unanswered(500)
        )
        response = _download(body, "content_todo.md", "text/markdown")
    elif name in ("conversations.csv", "conversations.json"):
        response = await _conversations(request, name)
    else:
        raise web.HTTPNotFound(reason="no such export")
    await app[keys.AUDIT].record(moderator, "export", name, query=request.query_string)
    return response


async def _conversations(request: web.Request, name: str) -> web.Response:
    filters = filters_from(request.query)
    review, rows = request.app[keys.REVIEW], []
    filters.page = 1
    while True:
        page, total = await review.conversations(filters)
        for summary in page:
            detail = await review.conversation(summary["id"])
            for message in detail["messages"]:
                rows.append(
                    {
                        "conversation_id": detail["id"],
                        "language": detail["language"],
                        "at": message["at"].isoformat(),
                        "sender": message["sender"],
                        "type": message["type"],
                        "text": message["text"],
                        "intent": message["intent"],
                        "confidence": message["confidence"],
                    }
                )
        if not page or filters.page * PAGE_SIZE >= total:
            break
        filters.page += 1
    if name.endswith(".json"):
        return _download(json.dumps(rows, ensure_ascii=False, indent=1), name, "application/json")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]) if rows else ["conversation_id"])
    writer.writeheader()
    writer.writerows(rows)
    return _download(buffer.getvalue(), name, "text/csv")


async def story(request: web.Request) -> web.Response:
    """A conversation as a Rasa test story (from Rasa's tracker, with corrected intents)."""
    conversation_id = request.match_info["conversation_id"]
    found = await request.app[keys.REVIEW].conversation(conversation_id)
    if found is None:
        raise web.HTTPNotFound(reason="no such conversation")
    try:
        events = await request.app[keys.RASA].tracker_events(conversation_id)
    except RasaUnavailable:
        raise web.HTTPServiceUnavailable(
            reason="Rasa's tracker of this conversation is not available"
        ) from None
    corrected = {}
    for message in found["messages"]:
        latest = message["annotations"][-1] if message["annotations"] else None
        if latest and latest["expected_intent"] and message["reply_to"]:
            asked = next((m for m in found["messages"] if m["id"] == message["reply_to"]), None)
            if asked:
                corrected[asked["text"]] = latest["expected_intent"]
    await request.app[keys.AUDIT].record(request[keys.MODERATOR], "export", f"story {conversation_id}")
    return _download(
        story_yaml(conversation_id, events, corrected), f"story_{conversation_id}.yml", "application/yaml"
    )
