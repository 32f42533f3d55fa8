"""Rasa's tracker events encrypted at rest (bot/tracker_store.py).

Rasa's copy of a conversation holds what web's transcript does not: the messages as the
patient wrote them (web stores them with e-mail addresses, phone numbers, street addresses
and self-introduced names taken out) and the contact given for a handoff (web keeps it
encrypted on the ticket only). Each event's JSON is therefore stored as a Fernet token
(AES-128-CBC with an HMAC) under the key of RASA_TRACKER_KEY, else of the file
RASA_TRACKER_KEY_FILE (default var/tracker-key). Several comma-separated keys rotate: the
first encrypts, every one decrypts. A row stored before encryption (plain JSON) still reads.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

DEFAULT_KEY_FILE = Path(__file__).resolve().parents[1] / "var" / "tracker-key"


class TrackerKeyMissing(RuntimeError):
    """No usable key: Rasa must not store conversations unencrypted."""


class EventSeal:
    """Encrypts an event's JSON for storage and decrypts it back."""

    def __init__(self, keys: str) -> None:
        try:
            self._fernet = MultiFernet([Fernet(key.strip()) for key in keys.split(",") if key.strip()])
        except ValueError as error:  # no key, or one that is not a Fernet key
            raise TrackerKeyMissing(f"the tracker key is not a Fernet key: {error}") from error

    @classmethod
    def from_environment(cls) -> EventSeal:
        """The seal of RASA_TRACKER_KEY, else of the key file; TrackerKeyMissing without one."""
        keys = os.environ.get("RASA_TRACKER_KEY", "").strip()
        if not keys:
            path = Path(os.environ.get("RASA_TRACKER_KEY_FILE", DEFAULT_KEY_FILE))
            try:
                keys = path.read_text(encoding="utf-8").strip()
            except OSError as error:
                raise TrackerKeyMissing(
                    f"no tracker key: set RASA_TRACKER_KEY or write one to {path} ({error})"
                ) from error
        return cls(keys)

    def seal(self, data: str) -> str:
        """The stored form of an event's JSON."""
        return self._fernet.encrypt(data.encode("utf-8")).decode("ascii")

    def open(self, stored: str) -> str:
        """An event's JSON from its stored form (plain JSON stored before encryption as is)."""
        if stored.startswith("{"):
            return stored
        try:
            return self._fernet.decrypt(stored.encode("ascii")).decode("utf-8")
        except InvalidToken as error:
            raise TrackerKeyMissing("a stored event does not open with the tracker key") from error
