"""The safety layer inside `web`: every patient message is assessed here too, so that

- the conversation's safety context (a vEDS / Marfan / Loeys-Dietz mention, red-flag kinds
  already seen) goes to Rasa with the message (metadata ``safety_context``), and
- when Rasa or the action server is down or times out, a red-flag message still gets the
  `emergency` message first, then the unavailable notice, in the patient's language.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from common.languages import LANGUAGES
from safety import messages
from safety.assess import NONE, Assessment, Context, assess, next_context
from safety.model import SafetyModel
from safety.numbers import numbers_book


def check(text: str, stored: dict[str, Any], model: SafetyModel) -> tuple[Assessment, dict[str, Any], dict]:
    """The assessment of ``text``, the context to send with it, and the context to store."""
    context = Context.from_dict(stored)
    assessment = assess(text, context, model)
    return assessment, asdict(context), asdict(next_context(context, assessment))


def patient_language(assessment: Assessment, hint: str | None) -> str:
    """The language to answer a safety message in: the message's own, else the hint."""
    if assessment.language in LANGUAGES:
        return assessment.language
    return hint if hint in LANGUAGES else "en"


def emergency_messages(assessment: Assessment, language: str) -> list[dict[str, Any]]:
    """The emergency message when the text holds a possible red flag and nobody can ask the
    safety question (the dialogue is down, or a person holds the conversation); else none."""
    if assessment.level == NONE:
        return []
    numbers = numbers_book().numbers_for(None, language)
    return [messages.emergency_message(assessment.kind, assessment.subject, language, numbers)]


def dialogue_down_messages(assessment: Assessment, language: str) -> list[dict[str, Any]]:
    """What the patient gets while the dialogue is down: the emergency message first when the
    message holds a possible red flag, then the notice."""
    numbers = numbers_book().numbers_for(None, language)
    return emergency_messages(assessment, language) + [messages.unavailable_message(language, numbers)]
