"""Action-server settings, read once from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_PORT = 5055
# Loopback only: Rasa is the action server's one client (ARCHITECTURE.md, Processes).
DEFAULT_HOST = "127.0.0.1"
# The responses actions render when Rasa does not send the domain (actions/executor.py).
DEFAULT_DOMAIN_FILE = Path(__file__).resolve().parents[1] / "domain.yml"


@dataclass(frozen=True)
class Settings:
    """What the action server needs to know about its environment."""

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    domain_file: Path = DEFAULT_DOMAIN_FILE


def load_settings() -> Settings:
    """Read ACTIONS_HOST, ACTIONS_PORT and ACTIONS_DOMAIN_FILE (all optional)."""
    return Settings(
        host=os.environ.get("ACTIONS_HOST", DEFAULT_HOST),
        port=int(os.environ.get("ACTIONS_PORT", DEFAULT_PORT)),
        domain_file=Path(os.environ.get("ACTIONS_DOMAIN_FILE", DEFAULT_DOMAIN_FILE)),
    )
