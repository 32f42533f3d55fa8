"""The safety layer's messages in six languages (safety/messages/<lang>.yml), as public-API
messages: the emergency message fitted to the kind and to who it is about, the safety
question, the reply after "not now", the distress reply and the unavailable notice.

Sources for every kind's first actions: safety/messages/sources.yml.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

from common.languages import LANGUAGES
from safety.kinds import SUICIDAL
from safety.numbers import Numbers

MESSAGES_DIR = Path(__file__).resolve().parent / "messages"
CONFIRM_PAYLOAD = "/confirm_emergency"  # "Yes, now" after the safety question
DENY_PAYLOAD = "/deny_emergency"  # "No" after the safety question
HUMAN_PAYLOAD = "/request_human"


@functools.cache
def phrases(language: str) -> dict[str, Any]:
    """The phrases of ``language`` (English for a language the assistant does not write)."""
    code = language if language in LANGUAGES else "en"
    return yaml.safe_load((MESSAGES_DIR / f"{code}.yml").read_text(encoding="utf-8"))


def _numbers_text(numbers: Numbers, words: dict[str, Any]) -> str:
    return numbers.call_text(words["or_word"])


def crisis_lines_text(numbers: Numbers, language: str) -> str:
    """The country's crisis lines in one line, or where else to find a listening ear."""
    lines = []
    for line in numbers.crisis_lines:
        details = [line.number] if line.number not in line.name else []
        details += [line.hours] if line.hours else []
        lines.append(f"{line.name} ({', '.join(details)})" if details else line.name)
    return "; ".join(lines) if lines else phrases(language)["no_crisis_line"]


def emergency_message(
    kind: str | None, subject: str | None, language: str, numbers: Numbers
) -> dict[str, Any]:
    """The `emergency` message: what it may be, whom to call and the first actions."""
    words = phrases(language)
    number = _numbers_text(numbers, words)
    if kind == SUICIDAL:
        template = words["suicidal_other"] if subject else words["suicidal"]
        text = template.format(number=number, crisis_lines=crisis_lines_text(numbers, language))
        buttons = [{"title": words["talk_to_person"], "payload": HUMAN_PAYLOAD}]
    else:
        for_subject = words["for_subject"].get(subject, "") if subject else ""
        if kind in words["what"]:
            call = words["call"].format(what=words["what"][kind], number=number, for_subject=for_subject)
        else:
            call = words["call_unknown"].format(number=number, for_subject=for_subject)
        steps = [*words["actions"].get(kind, ()), words["tell_disease"]]
        text = "\n".join([call, *(f"• {step}" for step in steps)])
        buttons = []
    message: dict[str, Any] = {
        "type": "emergency",
        "language": words["language"],
        "text": text,
        "number": numbers.number,
        "category": kind,
    }
    if buttons:
        message["buttons"] = buttons
    return message


def safety_question(language: str, kind: str | None = None) -> dict[str, Any]:
    """"Is this happening now?" with "Yes, now" and "No"; for possible suicidal intent, the
    direct question whether the person is thinking of ending their life."""
    words = phrases(language)
    suicidal = kind == SUICIDAL
    return {
        "type": "text",
        "language": words["language"],
        "text": words["safety_question_suicidal" if suicidal else "safety_question"],
        "buttons": [
            {"title": words["yes" if suicidal else "yes_now"], "payload": CONFIRM_PAYLOAD},
            {"title": words["no_not_now"], "payload": DENY_PAYLOAD},
        ],
    }


def cleared_message(language: str, numbers: Numbers) -> dict[str, Any]:
    """The reply to "No, not now": call at once if it starts or gets worse."""
    words = phrases(language)
    text = words["cleared"].format(number=_numbers_text(numbers, words))
    return {"type": "text", "language": words["language"], "text": text}


def distress_message(language: str) -> dict[str, Any]:
    """Warmth and a person offered; never a suicide line."""
    words = phrases(language)
    return {
        "type": "text",
        "language": words["language"],
        "text": words["distress"],
        "buttons": [{"title": words["talk_to_person"], "payload": HUMAN_PAYLOAD}],
    }


def unavailable_message(language: str, numbers: Numbers) -> dict[str, Any]:
    """The notice when the dialogue is down, with the emergency number."""
    words = phrases(language)
    text = words["unavailable"].format(number=_numbers_text(numbers, words))
    return {"type": "error", "language": words["language"], "text": text}
