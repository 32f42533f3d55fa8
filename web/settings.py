"""Web settings, read once from the environment, with defaults for a local run."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Settings:
    """Everything the web service needs to know about its environment."""

    host: str = "0.0.0.0"  # the one public process (ARCHITECTURE.md, Processes)
    port: int = 8080
    rasa_url: str = "http://127.0.0.1:5005"
    # The token Rasa's HTTP API was started with (make run writes it to var/rasa-token):
    # web uses it to erase a conversation's tracker when the patient asks.
    rasa_token: str = ""
    actions_url: str = "http://127.0.0.1:5055"
    database: Path = ROOT / "var" / "vascern.sqlite3"
    domain_file: Path = ROOT / "domain.yml"
    # Public URL of the privacy notice shown in the disclaimer.
    privacy_url: str = "/privacy"
    # Rasa answers a warm turn in well under a second; retrieval can take longer cold.
    rasa_timeout_seconds: float = 30.0
    # Per client: a burst of 20 messages, then one every 2 seconds on average.
    rate_burst: int = 20
    rate_per_second: float = 0.5


def _token_file(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def load_settings() -> Settings:
    """Settings from WEB_* environment variables; every one is optional."""
    env = os.environ
    defaults = Settings()
    return Settings(
        host=env.get("WEB_HOST", defaults.host),
        port=int(env.get("WEB_PORT", defaults.port)),
        rasa_url=env.get("WEB_RASA_URL", defaults.rasa_url),
        rasa_token=env.get("WEB_RASA_TOKEN") or _token_file(ROOT / "var" / "rasa-token"),
        actions_url=env.get("WEB_ACTIONS_URL", defaults.actions_url),
        database=Path(env.get("WEB_DATABASE", defaults.database)),
        privacy_url=env.get("WEB_PRIVACY_URL", defaults.privacy_url),
        rate_burst=int(env.get("WEB_RATE_BURST", defaults.rate_burst)),
        rate_per_second=float(env.get("WEB_RATE_PER_SECOND", defaults.rate_per_second)),
    )
