"""The labelled safety sets (tests/safety/{train,dev,blind,blind2}/*.jsonl): one JSON object per
line with `text`, `language`, `emergency` and `kind` (safety/kinds.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from common.languages import LANGUAGES
from safety.kinds import ALL_KINDS, EMERGENCY_KINDS

SETS_DIR = Path(__file__).resolve().parents[1] / "tests" / "safety"
# Sets written from the brief alone and read only as figures, each held to the floors:
# blind (2026-12-06) and blind2 (2026-12-07, the same brief and counts, other writers).
BLIND_SETS = ("blind", "blind2")


@dataclass(frozen=True)
class Labelled:
    """One labelled message."""

    text: str
    language: str
    emergency: bool
    kind: str


def load_set(name: str | Path) -> list[Labelled]:
    """Every message of a set (a folder name under tests/safety, or a path), checked."""
    folder = Path(name) if isinstance(name, Path) else SETS_DIR / name
    messages: list[Labelled] = []
    for path in sorted(folder.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            row = json.loads(line)
            where = f"{path}:{number}"
            if row.get("language") not in LANGUAGES:
                raise ValueError(f"{where}: unknown language {row.get('language')!r}")
            if row.get("kind") not in ALL_KINDS:
                raise ValueError(f"{where}: unknown kind {row.get('kind')!r}")
            if bool(row.get("emergency")) != (row["kind"] in EMERGENCY_KINDS):
                raise ValueError(f"{where}: `emergency` does not match kind {row['kind']!r}")
            messages.append(Labelled(str(row["text"]), row["language"], bool(row["emergency"]), row["kind"]))
    if not messages:
        raise FileNotFoundError(f"no labelled messages in {folder}")
    return messages
