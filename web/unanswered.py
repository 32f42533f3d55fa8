"""Questions without an answer, for curators: `python -m web.unanswered [--limit N] [--json]`.

Every time the assistant says it has no reliable answer in the curated content, web keeps the
patient's question (a `system` message of type `unanswered` beside the transcript). This lists
the latest ones, newest first, with their language and conversation id: what to write next.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from web.settings import load_settings
from web.storage import Storage


def main(argv: list[str] | None = None) -> int:
    """Print the latest questions without an answer."""
    parser = argparse.ArgumentParser(prog="python -m web.unanswered", description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=100, help="how many (default 100)")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    arguments = parser.parse_args(argv)
    settings = load_settings()
    storage = Storage(settings.database_url, settings.secret_key)
    try:
        questions = asyncio.run(storage.unanswered(arguments.limit))
    finally:
        storage.close()
    for question in questions:
        if arguments.json:
            print(json.dumps(question, ensure_ascii=False))
        else:
            print(f"{question['created_at'][:16]}  {question['language'] or '--'}  {question['text']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
