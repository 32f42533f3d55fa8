"""The knowledge index and the directory, loaded once when the action server starts."""

from __future__ import annotations

import functools

from knowledge.directory import Directory, load_directory
from knowledge.retrieve import Retriever


@functools.lru_cache(maxsize=1)
def retriever() -> Retriever:
    """The hybrid retriever over the built index (raises IndexNotReady if stale)."""
    return Retriever.load()


@functools.lru_cache(maxsize=1)
def directory() -> Directory:
    """Centres and patient organisations."""
    return load_directory()


def load_all() -> None:
    """Load everything now, so a missing or stale index stops the server at start."""
    retriever()
    directory()
