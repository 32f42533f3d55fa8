"""Print the content hash of everything the trained Rasa model depends on.

`make model` trains only when no model with this hash exists in models/. The hash covers
the Rasa project files, the training data, the code of the custom components and the data
files they read, and the pinned Rasa environment.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INPUTS = (
    "config.yml",
    "domain.yml",
    "data",
    "bot",
    "common",
    "knowledge/lexicon",
    "knowledge/lexicon.py",
    "knowledge/places.py",
    "knowledge/_text.py",
    "requirements/rasa.lock",
)
IGNORED_SUFFIXES = (".pyc",)


def model_hash(root: Path = ROOT) -> str:
    """A short hex digest over the paths and bytes of every input file, in sorted order."""
    digest = hashlib.sha256()
    for name in INPUTS:
        path = root / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if file.suffix in IGNORED_SUFFIXES or not file.exists():
                continue
            digest.update(str(file.relative_to(root)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


if __name__ == "__main__":
    sys.stdout.write(model_hash() + "\n")
