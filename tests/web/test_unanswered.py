"""Questions without an answer, kept for curators (web/storage/, python -m web.unanswered)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

from web.storage import Storage

ROOT = Path(__file__).resolve().parents[2]


def test_the_curators_list_shows_the_latest_questions_without_an_answer(database_url):
    storage = Storage(database_url, Fernet.generate_key())

    async def fill() -> None:
        conversation, _ = await storage.start_conversation("fr")
        question = "le prix d'une embolisation ?"
        await storage.add_patient_message(conversation, {"type": "text", "text": question})
        await storage.add_messages(conversation, "system", [{"type": "unanswered", "text": question}])
        await storage.add_patient_message(conversation, {"type": "text", "text": "merci"})

    asyncio.run(fill())
    storage.close()
    result = subprocess.run(
        [sys.executable, "-m", "web.unanswered", "--json"],
        env=dict(
            os.environ,
            DATABASE_URL=database_url,
            WEB_SECRET_KEY=Fernet.generate_key().decode(),
            PYTHONPATH=str(ROOT),
        ),
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row["text"] for row in rows] == ["le prix d'une embolisation ?"]
    assert rows[0]["language"] == "fr"
