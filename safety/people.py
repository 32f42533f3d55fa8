"""Who a message is about ("my son" -> son, so the emergency message says "call now for your
son") and whether it names a disease that lowers the safety thresholds (vascular
Ehlers-Danlos, Marfan, Loeys-Dietz). Data: safety/vocabulary/people.yml."""

from __future__ import annotations

import functools
from pathlib import Path

import yaml

from safety.features import words
from safety.text import normalise

PEOPLE_FILE = Path(__file__).resolve().parent / "vocabulary" / "people.yml"
POSSESSIVE_WINDOW = 2  # words allowed between "my" and the relation ("my little boy")


@functools.cache
def _people() -> tuple[frozenset[str], dict[str, str], tuple[tuple[str, ...], ...]]:
    data = yaml.safe_load(PEOPLE_FILE.read_text(encoding="utf-8"))
    possessives = frozenset(normalise(str(p)) for p in data["possessives"])
    relations = {normalise(str(w)): key for key, ws in data["relations"].items() for w in ws}
    diseases = tuple(tuple(normalise(str(d)).split()) for d in data["high_risk_diseases"])
    return possessives, relations, diseases


def subject(text: str) -> str | None:
    """The relation the message speaks about ("son", "mother"...), or None for the writer."""
    possessives, relations, _ = _people()
    tokens = words(text)
    for i, token in enumerate(tokens):
        relation = relations.get(token)
        if relation and any(t in possessives for t in tokens[max(0, i - POSSESSIVE_WINDOW - 1) : i]):
            return relation
    return None


def names_high_risk_disease(text: str) -> bool:
    """Whether the message names vascular Ehlers-Danlos, Marfan or Loeys-Dietz."""
    _, _, diseases = _people()
    tokens = words(text)
    joined = f" {' '.join(tokens)} "
    return any(f" {' '.join(d)}" in joined for d in diseases)  # the last word may go on: "vasculaire"
