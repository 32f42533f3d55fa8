"""Put a question set to the running assistant and print its figures.

    MODEL=models/<hash>.tar.gz .venv/bin/python -m tests.answers.run dev [blind]

Starts the real stack (scripts/stack.py), sends each question in a fresh conversation (its
`context` message first, for a follow-up), scores the reply (tests/answers/scoring.py) and
writes the figures to var/reports/answers.txt. The blind set is read for its figures only.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from scripts.stack import ROOT, Stack, running_stack
from tests.answers.scoring import Result, in_language, load_set, report, score, summarise

REPORT = ROOT / "var" / "reports" / "answers.txt"


def ask(stack: Stack, text: str, conversation_id: str | None) -> tuple[str | None, list[dict]]:
    """One turn through POST /api/chat: the conversation id and the reply's messages."""
    status, body = stack.chat(text, conversation_id)
    if status != 200:
        return conversation_id, [{"type": "error", "text": str(body)}]
    return body["conversation_id"], body["messages"]


def evaluate(stack: Stack, name: str) -> list[Result]:
    """The outcome of every question of the set `name`."""
    results = []
    for question in load_set(name):
        conversation = None
        if question.context:
            conversation, _ = ask(stack, question.context, None)
        _, messages = ask(stack, question.text, conversation)
        results.append(Result(question, score(question, messages), in_language(question, messages)))
    return results


def main(names: list[str]) -> None:
    model = ROOT / os.environ["MODEL"]
    with tempfile.TemporaryDirectory() as work, running_stack(model, Path(work)) as stack:
        texts = [report(name, summarise(evaluate(stack, name))) for name in names]
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text("\n\n".join(texts) + "\n", encoding="utf-8")
    print("\n\n".join(texts))


if __name__ == "__main__":
    main(sys.argv[1:] or ["dev"])
