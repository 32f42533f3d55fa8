"""Web settings, read once from the environment, with defaults for a local run.

| variable | default | meaning |
|---|---|---|
| WEB_HOST, WEB_PORT | 0.0.0.0, 8080 | where web listens (the one public process) |
| WEB_RASA_URL, WEB_ACTIONS_URL | 127.0.0.1:5005, :5055 | Rasa (several: comma-separated), actions |
| WEB_RASA_TOKEN or RASA_TOKEN_FILE | var/rasa-token | Rasa's HTTP API token (to erase a tracker) |
| DATABASE_URL | sqlite:///var/vascern.sqlite3 | transcripts; `postgresql://…` for PostgreSQL |
| WEB_SECRET_KEY or WEB_SECRET_KEY_FILE | var/secret-key (made once) | Fernet key of handoff contacts |
| WEB_CORS_ORIGINS | (none) | sites that may embed the widget, comma-separated origins |
| WEB_FRAME_ANCESTORS | 'self' | CSP frame-ancestors of web's own pages |
| WEB_TRUSTED_PROXIES | (none) | addresses or CIDR ranges of our reverse proxies (X-Forwarded-For) |
| WEB_RATE_BURST, WEB_RATE_PER_SECOND | 30, 0.5 | per client: a burst, then a steady rate |
| WEB_CONVERSATION_BURST, WEB_CONVERSATION_PER_SECOND | 10, 0.25 | per conversation |
| WEB_PUBLIC_URL | http://localhost:8080 | the address patients reach web at (links in messages) |
| WEB_CONSOLE_SECURE_COOKIES | true | console cookies only over HTTPS (browsers treat localhost as secure) |
| WEB_RETENTION_DAYS | 180 | conversations older than this are deleted (daily; `python -m web retention`) |
| WEB_SMTP_HOST, WEB_SMTP_PORT | (none), 587 | SMTP server for ticket mails (none: to WEB_OUTBOX_DIR) |
| WEB_SMTP_USER, WEB_SMTP_PASSWORD, WEB_SMTP_STARTTLS | (none), (none), true | SMTP sign-in and STARTTLS |
| WEB_MAIL_FROM, WEB_MODERATORS_EMAIL | assistant@, moderators@localhost | ticket mails' sender, recipient |
| WEB_OUTBOX_DIR | var/outbox | where the local mode writes mails (.eml) |
| WEB_HANDOFF_WEBHOOK_URL | (none) | a JSON webhook told of each new ticket |
| WEB_TURNS_IN_FLIGHT, WEB_TURNS_QUEUED | 8, 400 | turns at Rasa at once, turns waiting; beyond: 429 |
| WEB_HANDOFF_ANSWER_HOURS | 48 | first-answer time told to patients while fewer than 3 tickets had one |
| WEB_PRIVACY_URL | /privacy | the privacy notice linked from the disclaimer (relative: on WEB_PUBLIC_URL) |
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

from cryptography.fernet import Fernet

from web.limits import Network, parse_networks

ROOT = Path(__file__).resolve().parents[1]
VAR = ROOT / "var"


@dataclass(frozen=True)
class Settings:
    """Everything the web service needs to know about its environment."""

    host: str = "0.0.0.0"  # the one public process (ARCHITECTURE.md, Processes)
    port: int = 8080
    rasa_url: str = "http://127.0.0.1:5005"
    # The token Rasa's HTTP API was started with (make run writes it to var/rasa-token):
    # web uses it to erase a conversation's tracker when the patient asks.
    rasa_token: str = field(default="", repr=False)
    actions_url: str = "http://127.0.0.1:5055"
    database_url: str = f"sqlite:///{VAR / 'vascern.sqlite3'}"
    secret_key: bytes = field(default=b"", repr=False)
    domain_file: Path = ROOT / "domain.yml"
    widget_dir: Path = ROOT / "widget"
    public_url: str = "http://localhost:8080"
    # Absolute, so that the widget on the network's website shows it as a link.
    privacy_url: str = "http://localhost:8080/privacy"
    cors_origins: tuple[str, ...] = ()
    frame_ancestors: str = "'self'"
    trusted_proxies: tuple[Network, ...] = ()
    console_secure_cookies: bool = True
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = field(default="", repr=False)
    smtp_starttls: bool = True
    mail_from: str = "assistant@localhost"
    moderators_email: str = "moderators@localhost"
    outbox_dir: Path = VAR / "outbox"
    handoff_webhook_url: str = ""
    # Told to patients as the expected time to a first answer until 3 tickets have had one.
    handoff_answer_hours: int = 48
    retention_days: int = 180
    # Rasa answers a warm turn in well under a second; retrieval can take longer cold.
    rasa_timeout_seconds: float = 30.0
    # Turns at Rasa at once, and turns that may wait for a place; beyond: 429 at once.
    turns_in_flight: int = 8
    turns_queued: int = 400
    # Per client address: a burst of 30 messages, then one every 2 seconds on average.
    rate_burst: int = 30
    rate_per_second: float = 0.5
    # Per conversation: nobody types more than 10 messages at once, or one every 4 s for long.
    conversation_burst: int = 10
    conversation_per_second: float = 0.25


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def secret_key(env: os._Environ | dict[str, str]) -> bytes:
    """WEB_SECRET_KEY, else the key in WEB_SECRET_KEY_FILE (var/secret-key), made once if missing."""
    if env.get("WEB_SECRET_KEY"):
        return env["WEB_SECRET_KEY"].encode()
    path = Path(env.get("WEB_SECRET_KEY_FILE", VAR / "secret-key"))
    key = _read(path)
    if not key:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = Fernet.generate_key().decode()
        path.write_text(key + "\n", encoding="utf-8")
        path.chmod(0o600)
    return key.encode()


def _flag(value: str) -> bool:
    return value.strip().lower() not in ("0", "false", "no", "off")


def _list(value: str) -> tuple[str, ...]:
    return tuple(part.strip().rstrip("/") for part in value.split(",") if part.strip())


def load_settings() -> Settings:
    """Settings from the environment (table above); every one is optional."""
    env = os.environ
    defaults = Settings()
    public_url = env.get("WEB_PUBLIC_URL", defaults.public_url).rstrip("/")
    return Settings(
        host=env.get("WEB_HOST", defaults.host),
        port=int(env.get("WEB_PORT", defaults.port)),
        rasa_url=env.get("WEB_RASA_URL", defaults.rasa_url),
        rasa_token=env.get("WEB_RASA_TOKEN") or _read(Path(env.get("RASA_TOKEN_FILE", VAR / "rasa-token"))),
        actions_url=env.get("WEB_ACTIONS_URL", defaults.actions_url),
        database_url=env.get("DATABASE_URL", defaults.database_url),
        secret_key=secret_key(env),
        public_url=public_url,
        privacy_url=urljoin(public_url + "/", env.get("WEB_PRIVACY_URL", "/privacy")),
        cors_origins=_list(env.get("WEB_CORS_ORIGINS", "")),
        console_secure_cookies=_flag(env.get("WEB_CONSOLE_SECURE_COOKIES", "true")),
        retention_days=int(env.get("WEB_RETENTION_DAYS", defaults.retention_days)),
        smtp_host=env.get("WEB_SMTP_HOST", ""),
        smtp_port=int(env.get("WEB_SMTP_PORT", defaults.smtp_port)),
        smtp_user=env.get("WEB_SMTP_USER", ""),
        smtp_password=env.get("WEB_SMTP_PASSWORD", ""),
        smtp_starttls=_flag(env.get("WEB_SMTP_STARTTLS", "true")),
        mail_from=env.get("WEB_MAIL_FROM", defaults.mail_from),
        moderators_email=env.get("WEB_MODERATORS_EMAIL", defaults.moderators_email),
        outbox_dir=Path(env.get("WEB_OUTBOX_DIR", defaults.outbox_dir)),
        handoff_webhook_url=env.get("WEB_HANDOFF_WEBHOOK_URL", ""),
        handoff_answer_hours=int(env.get("WEB_HANDOFF_ANSWER_HOURS", defaults.handoff_answer_hours)),
        frame_ancestors=env.get("WEB_FRAME_ANCESTORS", defaults.frame_ancestors),
        trusted_proxies=parse_networks(_list(env.get("WEB_TRUSTED_PROXIES", ""))),
        rate_burst=int(env.get("WEB_RATE_BURST", defaults.rate_burst)),
        rate_per_second=float(env.get("WEB_RATE_PER_SECOND", defaults.rate_per_second)),
        conversation_burst=int(env.get("WEB_CONVERSATION_BURST", defaults.conversation_burst)),
        turns_in_flight=int(env.get("WEB_TURNS_IN_FLIGHT", defaults.turns_in_flight)),
        turns_queued=int(env.get("WEB_TURNS_QUEUED", defaults.turns_queued)),
        conversation_per_second=float(
            env.get("WEB_CONVERSATION_PER_SECOND", defaults.conversation_per_second)
        ),
    )
