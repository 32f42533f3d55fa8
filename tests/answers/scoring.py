"""Scoring the assistant's replies to a labelled question set (tests/answers/<set>/*.jsonl).

    load_set("blind")           the questions of a set, in file order
    score(question, messages)   right | wrong | refused | asked | alarm, for one reply (alarm:
                                an emergency message or a safety question)
    summarise(results)          the figures `make test` prints, per language and per kind

A content question is answered right when the first source of the `answer` message is an
entry that answers its (condition, topic) by tests/answers/expectations.yml; a centre or
organisation search when its cards are for the condition's working group (or, when the
message names no condition or no place, when the assistant asks for it); a network question
by network-wide content; an out-of-scope message by not answering from the content.
"""

from __future__ import annotations

import functools
import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from common.languages import LANGUAGES
from knowledge.entries import load_entries
from knowledge.settings import get_settings
from safety.messages import CONFIRM_PAYLOAD

SETS_DIR = Path(__file__).parent

ANSWERABLE = ("content", "centre", "organisation", "network")
CARD_TYPES = {"centre": "centres", "organisation": "organisations"}


@dataclass(frozen=True)
class Question:
    """One labelled message of a set (the fields of tests/answers/BRIEF.md)."""

    text: str
    language: str
    kind: str
    condition: str | None
    topic: str | None
    place: str | None
    context: str | None


@dataclass(frozen=True)
class Result:
    """How the assistant answered one question, and whether its reply was in its language."""

    question: Question
    outcome: str
    in_language: bool


def load_set(name: str) -> list[Question]:
    """The questions of tests/answers/<name>/, language by language."""
    questions = []
    for language in LANGUAGES:
        path = SETS_DIR / name / f"{language}.jsonl"
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                fields = {field: row.get(field) for field in Question.__dataclass_fields__}
                questions.append(Question(**fields))
    return questions


@functools.lru_cache(maxsize=1)
def expectations() -> dict[str, Any]:
    return yaml.safe_load((SETS_DIR / "expectations.yml").read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=1)
def entry_facts() -> dict[str, tuple[str | None, str | None, str]]:
    """Entry id -> (condition, disease group, topic) of the English entries."""
    entries, _problems = load_entries(get_settings().content_dir)
    english = [entry for entry in entries if entry.language == "en"]
    return {entry.id: (entry.condition, entry.disease, entry.topic) for entry in english}


def answers(question: Question, entry_id: str) -> bool:
    """Whether the entry `entry_id` answers `question` (a content or network question)."""
    expected = expectations()
    condition, disease, topic = entry_facts().get(entry_id, (None, None, None))
    if question.kind == "network":
        return disease is None and topic in expected["network_topics"]
    if question.kind != "content" or question.topic is None:
        return False
    if disease is None:  # network-wide content
        return topic in expected["general_topics"].get(question.topic, [])
    if topic not in expected["topics"][question.topic]:
        return False
    if question.condition is None:
        return True
    return condition in [question.condition, *expected["broader"].get(question.condition, [])]


def score(question: Question, messages: list[dict[str, Any]]) -> str:
    """right | wrong | refused | asked | alarm for the reply `messages` to `question`."""
    if any(is_alarm(message) for message in messages):
        return "alarm"
    answer = next((m for m in messages if m.get("type") == "answer" and m.get("sources")), None)
    cards = next((m for m in messages if m.get("type") in ("centres", "organisations")), None)
    if question.kind in CARD_TYPES:
        if cards is None:
            asked = bool(messages) and messages[-1].get("text", "").rstrip().endswith("?")
            return "asked" if asked else ("wrong" if answer else "refused")
        if cards["type"] != CARD_TYPES[question.kind]:
            return "wrong"
        group = expectations()["group"].get(question.condition or "")
        if group is None:
            return "right"
        items = cards.get("items") or []
        matching = items and all(group in item.get("working_groups", []) for item in items)
        return "right" if matching else "wrong"
    if question.kind == "out_of_scope":
        return "wrong" if answer or cards else "right"
    if answer is None:
        return "wrong" if cards else "refused"
    return "right" if answers(question, answer["sources"][0]["id"]) else "wrong"


def is_alarm(message: dict[str, Any]) -> bool:
    """An emergency message, or a safety question ("Is this happening now?", or whether the
    person is thinking of ending their life): a `text` with the "Yes" button that confirms."""
    buttons = message.get("buttons") or []
    return message.get("type") == "emergency" or any(b.get("payload") == CONFIRM_PAYLOAD for b in buttons)


def in_language(question: Question, messages: list[dict[str, Any]]) -> bool:
    """Whether every message of the reply that names a language names the question's."""
    return all(m.get("language") in (None, question.language) for m in messages)


def _counts_as_right(result: Result) -> bool:
    if result.outcome == "right":
        return True
    # Asking for the missing condition or place is the right move when the message lacks it.
    question = result.question
    lacking = question.condition is None or question.place is None
    return result.outcome == "asked" and question.kind in CARD_TYPES and lacking


def _figures(results: list[Result]) -> dict[str, float | int]:
    answerable = [r for r in results if r.question.kind in ANSWERABLE]
    outcomes = Counter(r.outcome for r in results)
    right = sum(1 for r in answerable if _counts_as_right(r))
    refused = sum(1 for r in answerable if r.outcome in ("refused", "asked") and not _counts_as_right(r))
    return {
        "n": len(results),
        "right": right / len(answerable) if answerable else 1.0,
        "refused": refused / len(answerable) if answerable else 0.0,
        "wrong": outcomes["wrong"] / len(results) if results else 0.0,
        "alarm": outcomes["alarm"] / len(results) if results else 0.0,
        "in_language": sum(r.in_language for r in results) / len(results) if results else 1.0,
    }


def summarise(results: list[Result]) -> dict[str, Any]:
    """Overall figures, then per language and per kind."""
    by_language: dict[str, list[Result]] = defaultdict(list)
    by_kind: dict[str, list[Result]] = defaultdict(list)
    for result in results:
        by_language[result.question.language].append(result)
        by_kind[result.question.kind].append(result)
    return {
        "overall": _figures(results),
        "language": {key: _figures(value) for key, value in sorted(by_language.items())},
        "kind": {key: _figures(value) for key, value in sorted(by_kind.items())},
    }


def report(name: str, summary: dict[str, Any]) -> str:
    """The figures of one set as a small text table."""
    header = f"{'':<14}{'n':>5}{'right':>8}{'refused':>9}{'wrong':>7}{'alarm':>7}{'in lang':>9}"
    lines = [f"answers on {name}: right = right entry (of answerable), wrong = of all", header]

    def row(label: str, figures: dict[str, float | int]) -> str:
        return (
            f"{label:<14}{figures['n']:>5}{figures['right']:>8.3f}{figures['refused']:>9.3f}"
            f"{figures['wrong']:>7.3f}{figures['alarm']:>7.3f}{figures['in_language']:>9.3f}"
        )

    lines.append(row("overall", summary["overall"]))
    lines += [row(f"lang {key}", value) for key, value in summary["language"].items()]
    lines += [row(f"kind {key}", value) for key, value in summary["kind"].items()]
    return "\n".join(lines)
