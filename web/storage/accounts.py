"""Moderator accounts (argon2 password hashes) and server-side console sessions.

- ``Moderators``      create an account, check a password (argon2id, rehash when the
                      parameters change), look an account up
- ``SessionStorage``  aiohttp-session's storage, in the database: the cookie holds a random
                      key, the table the session under the key's SHA-256 (a leaked table
                      gives no valid cookie); expired sessions are deleted when met
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from aiohttp import web
from aiohttp_session import AbstractStorage, Session
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from web.storage.database import Database, aware, now
from web.storage.schema import console_sessions, moderators

ROLES = ("moderator", "admin")
MIN_PASSWORD_LENGTH = 12
_hasher = PasswordHasher()
# Verified against when the email is unknown, so that both cases take the same time.
_DUMMY_HASH = _hasher.hash("not a real password")


class AccountError(ValueError):
    """An account cannot be created as asked (the message says why)."""


@dataclass(frozen=True)
class Moderator:
    """A console account, without its password hash."""

    id: int
    email: str
    name: str
    role: str

    @property
    def is_admin(self) -> bool:
        """Admins also see the audit log."""
        return self.role == "admin"


class Moderators:
    """Console accounts."""

    def __init__(self, database: Database) -> None:
        self._database = database

    async def create(self, email: str, name: str, password: str, role: str = "moderator") -> Moderator:
        """A new account; AccountError for a bad role, a short password or a taken email."""
        email = email.strip().lower()
        if role not in ROLES:
            raise AccountError(f"role must be one of {', '.join(ROLES)}")
        if len(password) < MIN_PASSWORD_LENGTH:
            raise AccountError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
        if "@" not in email:
            raise AccountError("the email address is not valid")
        row = {
            "email": email,
            "name": name.strip() or email,
            "role": role,
            "password_hash": _hasher.hash(password),
            "active": True,
            "created_at": now(),
        }
        try:
            new_id = await self._database.run(
                lambda c: c.execute(insert(moderators).values(**row)).inserted_primary_key[0]
            )
        except IntegrityError:
            raise AccountError(f"an account for {email} exists already") from None
        return Moderator(new_id, email, row["name"], role)

    async def authenticate(self, email: str, password: str) -> Moderator | None:
        """The active account with this email and password, else None."""
        email = email.strip().lower()
        row = await self._database.run(
            lambda c: c.execute(
                select(moderators).where(moderators.c.email == email, moderators.c.active)
            ).first()
        )
        try:
            _hasher.verify(row.password_hash if row else _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            return None
        if row is None:
            return None
        if _hasher.check_needs_rehash(row.password_hash):
            rehashed = _hasher.hash(password)
            await self._database.run(
                lambda c: c.execute(
                    update(moderators).where(moderators.c.id == row.id).values(password_hash=rehashed)
                )
            )
        return Moderator(row.id, row.email, row.name, row.role)

    async def get(self, moderator_id: int) -> Moderator | None:
        """The active account with this id, else None."""
        row = await self._database.run(
            lambda c: c.execute(
                select(moderators).where(moderators.c.id == moderator_id, moderators.c.active)
            ).first()
        )
        return Moderator(row.id, row.email, row.name, row.role) if row else None


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class SessionStorage(AbstractStorage):
    """aiohttp-session storage in the `console_sessions` table."""

    def __init__(self, database: Database, *, max_age: int, secure: bool, cookie_name: str) -> None:
        super().__init__(
            cookie_name=cookie_name,
            max_age=max_age,
            path="/console",
            secure=secure,
            httponly=True,
            samesite="Strict",
        )
        self._database = database

    async def load_session(self, request: web.Request) -> Session:
        """The session of the request's cookie, or a new empty one."""
        key = self.load_cookie(request)
        if key is None:
            return Session(None, data=None, new=True, max_age=self.max_age)
        hashed = _key_hash(str(key))

        def work(c: Any) -> Any:
            row = c.execute(select(console_sessions).where(console_sessions.c.key_hash == hashed)).first()
            if row is not None and aware(row.expires_at) < now():
                c.execute(delete(console_sessions).where(console_sessions.c.key_hash == hashed))
                return None
            return row

        row = await self._database.run(work)
        if row is None:
            return Session(None, data=None, new=True, max_age=self.max_age)
        return Session(str(key), data=row.data, new=False, max_age=self.max_age)

    async def save_session(
        self, request: web.Request, response: web.StreamResponse, session: Session
    ) -> None:
        """Store the session (a new key for a new session) and set or clear the cookie."""
        key = session.identity
        if key is None:
            key = secrets.token_urlsafe(32)
        if session.empty:
            self.save_cookie(response, "", max_age=session.max_age)
            hashed = _key_hash(str(key))
            await self._database.run(
                lambda c: c.execute(delete(console_sessions).where(console_sessions.c.key_hash == hashed))
            )
            return
        self.save_cookie(response, str(key), max_age=session.max_age)
        hashed = _key_hash(str(key))
        data = json.loads(self._encoder(self._get_session_data(session)))
        expires = now() + timedelta(seconds=self.max_age or 0)

        def work(c: Any) -> None:
            c.execute(delete(console_sessions).where(console_sessions.c.key_hash == hashed))
            c.execute(insert(console_sessions).values(key_hash=hashed, data=data, expires_at=expires))

        await self._database.run(work)
