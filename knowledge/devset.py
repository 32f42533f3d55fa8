"""The retrieval dev set: patient questions with the entries that answer them
(bench/devset/*.yml), read by the retrieval benchmark (bench/retrieval.py) and by the
calibration of the answer threshold (`python -m knowledge calibrate`).

Format: `questions: [{text, language, expected: [entry ids], disease}]`, where an empty
`expected` marks a question the content cannot answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from knowledge.settings import REPO_ROOT

DEVSET_DIR = REPO_ROOT / "bench" / "devset"


@dataclass(frozen=True)
class Question:
    """A dev-set question; `expected` lists the entry ids that answer it (empty: none)."""

    text: str
    language: str
    expected: tuple[str, ...]
    disease: str | None


def load_devset(directory: Path = DEVSET_DIR) -> list[Question]:
    """All questions of `directory`/*.yml, in file order."""
    questions: list[Question] = []
    for path in sorted(directory.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for number, item in enumerate(data.get("questions") or [], start=1):
            if not isinstance(item, dict) or not item.get("text") or not item.get("language"):
                raise ValueError(f"{path}: question {number} needs text and language")
            questions.append(
                Question(
                    text=str(item["text"]),
                    language=str(item["language"]),
                    expected=tuple(item.get("expected") or ()),
                    disease=item.get("disease"),
                )
            )
    return questions
