"""What a moderator reads on a ticket, so that nobody asks the patient twice: the diseases
and places named, the questions asked and the answers given (stored text, redacted)."""

from __future__ import annotations

from typing import Any

# Enough of a conversation to pick it up; the console shows the whole transcript.
MAX_QUESTIONS = 10


def summarise(
    transcript: list[dict[str, Any]],
    entities: list[dict[str, Any]],
    question: str | None,
    channel: str | None = None,
) -> dict[str, Any]:
    """The summary of a conversation from its stored transcript and the entities of its
    patient messages; `question` is the patient's own line about what they need, `channel`
    how they asked to be answered (email or phone)."""

    def values(name: str) -> list[str]:
        found: list[str] = []
        for entity in entities:
            if entity.get("entity") == name and entity.get("value") not in found:
                found.append(str(entity.get("value")))
        return found

    questions = [turn["message"]["text"] for turn in transcript if turn["sender"] == "patient"]
    answers = []
    for turn in transcript:
        message = turn["message"]
        if turn["sender"] == "bot" and message["type"] in (
            "answer",
            "centres",
            "organisations",
            "emergency",
        ):
            cited = [source.get("title") or source.get("id") for source in message.get("sources") or []]
            answers.append({"type": message["type"], "sources": cited})
    return {
        "diseases": values("disease"),
        "countries": values("country"),
        "cities": values("city"),
        "question": question,
        "channel": channel if channel in ("email", "phone") else None,
        "questions": questions[-MAX_QUESTIONS:],
        "answers": answers[-MAX_QUESTIONS:],
        "emergency_shown": any(answer["type"] == "emergency" for answer in answers),
    }
