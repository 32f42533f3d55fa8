"""What the conversation is about: the condition the patient named within the disease in
context ("my dad has CADASIL" before "is there a test for me?")."""

from __future__ import annotations

from rasa_sdk import Tracker

from common.groups import OUTSIDE_NETWORK
from knowledge.route import condition_in_group

# How many of the patient's latest messages are searched for the condition in context.
CONTEXT_MESSAGES = 10


def condition_in_context(tracker: Tracker, disease: str | None) -> str | None:
    """The condition of the disease in context that the patient's latest message naming one
    named ("my dad has CADASIL" before "is there a test for me?"), or None."""
    if disease is None or disease == OUTSIDE_NETWORK:
        return None
    said = [event.get("text") or "" for event in tracker.events if event.get("event") == "user"]
    for text in reversed(said[-CONTEXT_MESSAGES:]):
        condition = condition_in_group(text, disease)
        if condition is not None:
            return condition
    return None
