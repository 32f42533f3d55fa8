"""Action-server settings, read once from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULT_PORT = 5055
# Loopback only: Rasa is the action server's one client (ARCHITECTURE.md, Processes).
DEFAULT_HOST = "127.0.0.1"


@dataclass(frozen=True)
class Settings:
    """What the action server needs to know about its environment."""

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT


def load_settings() -> Settings:
    """Read ACTIONS_HOST and ACTIONS_PORT (both optional)."""
    return Settings(
        host=os.environ.get("ACTIONS_HOST", DEFAULT_HOST),
        port=int(os.environ.get("ACTIONS_PORT", DEFAULT_PORT)),
    )
