"""Write the dev question set as a retrieval dev set for the calibration of the knowledge
engine, so the confidence model of each language (de, it, es, nl included) is fitted on
questions written from the brief, never on the blind set:

    .venv/bin/python -m tests.answers.devset    # writes bench/devset/answers_dev.yml

Content and network questions list every entry that answers them (tests/answers/scoring.py);
out-of-scope questions list none (the assistant must refuse them); centre and organisation
searches are not retrieval questions and are left out.
"""

from __future__ import annotations

import yaml

from knowledge.settings import REPO_ROOT
from tests.answers.scoring import answers, entry_facts, expectations, load_set

TARGET = REPO_ROOT / "bench" / "devset" / "answers_dev.yml"
HEADER = (
    "# Generated from tests/answers/dev/ by `python -m tests.answers.devset`: do not edit.\n"
    "# The dev question set (written from tests/answers/BRIEF.md) as retrieval questions.\n"
)


def main() -> None:
    """Write bench/devset/answers_dev.yml."""
    questions = []
    for question in load_set("dev"):
        if question.kind in ("centre", "organisation"):
            continue
        expected = (
            []
            if question.kind == "out_of_scope"
            else sorted(entry_id for entry_id in entry_facts() if answers(question, entry_id))
        )
        if question.kind != "out_of_scope" and not expected:
            continue  # no entry for it yet: a content gap, not a retrieval question
        group = expectations()["group"].get(question.condition or "")
        questions.append(
            {
                "text": question.text,
                "language": question.language,
                "expected": expected,
                "disease": group if question.context else None,
            }
        )
    body = yaml.safe_dump({"questions": questions}, allow_unicode=True, sort_keys=False)
    TARGET.write_text(HEADER + body, encoding="utf-8")
    print(f"{len(questions)} questions written to {TARGET}")


if __name__ == "__main__":
    main()
