"""Fixtures for action tests: SDK trackers (the real domain is a fixture of tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rasa_sdk import Tracker

ROOT = Path(__file__).resolve().parents[2]


def make_tracker(
    text: str = "",
    slots: dict[str, Any] | None = None,
    intent: str = "inform",
    entities: list[dict[str, Any]] | None = None,
    active_loop: str | None = None,
    **latest: Any,
) -> Tracker:
    """A tracker whose latest user message is `text`, with `slots` set."""
    latest_message = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0},
        "entities": entities or [],
        **latest,
    }
    return Tracker(
        sender_id="test",
        slots={"language": "en", **(slots or {})},
        latest_message=latest_message,
        events=[],
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )
