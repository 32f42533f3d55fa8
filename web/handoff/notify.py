"""Notifications about new tickets, from the outbox (web/storage/tickets.py), never lost:

- ``email``    to the moderators' address over SMTP (aiosmtplib); with no SMTP server set,
               the local mode writes each mail to var/outbox/ as an .eml file
- ``webhook``  a JSON POST to WEB_HANDOFF_WEBHOOK_URL, when set

A delivery that fails stays in the outbox with its error (shown in the console) and is tried
again with back-off. Mails and webhooks say that a ticket exists and link to the console;
the contact details stay in the console, behind sign-in.
"""

from __future__ import annotations

import asyncio
import logging
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import aiohttp
import aiosmtplib

from web.settings import Settings
from web.storage.tickets import TicketStore

logger = logging.getLogger(__name__)
# How often the worker looks for due notifications, and how long one delivery may take.
POLL_SECONDS = 5.0
DELIVERY_TIMEOUT_SECONDS = 20.0


class DeliveryError(Exception):
    """A notification could not be delivered this time."""


def notifications(
    settings: Settings, summary: dict[str, Any], language: str | None
) -> list[tuple[str, dict]]:
    """The outbox items for a new ticket: one email, and a webhook call when one is set."""
    payload = {
        "language": language,
        "diseases": summary.get("diseases"),
        "question": summary.get("question"),
        "channel": summary.get("channel"),
        "emergency_shown": summary.get("emergency_shown"),
    }
    items: list[tuple[str, dict]] = [("email", payload)]
    if settings.handoff_webhook_url:
        items.append(("webhook", payload))
    return items


def _mail(settings: Settings, payload: dict[str, Any]) -> EmailMessage:
    ticket = payload["ticket"]
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = settings.moderators_email
    message["Subject"] = (
        f"[VASCERN assistant] New handoff request #{ticket} ({payload.get('language') or '--'})"
    )
    lines = [
        f"A patient asked to be put in touch with a person (ticket #{ticket}).",
        "",
        f"Language: {payload.get('language') or 'unknown'}",
        f"Diseases named: {', '.join(payload.get('diseases') or []) or 'none'}",
        f"Their question: {payload.get('question') or '(not given)'}",
        f"Answer by: {payload.get('channel') or 'email or phone'}",
    ]
    if payload.get("emergency_shown"):
        lines.append("The assistant showed the emergency message in this conversation.")
    lines += [
        "",
        f"Open it in the console: {settings.public_url}/console/tickets/{ticket}",
        "(The contact details are in the console only.)",
    ]
    message.set_content("\n".join(lines))
    return message


class Notifier:
    """Delivers due outbox items; `run` loops until cancelled."""

    def __init__(self, settings: Settings, tickets: TicketStore) -> None:
        self._settings = settings
        self._tickets = tickets

    async def _email(self, payload: dict[str, Any], item_id: int) -> None:
        mail = _mail(self._settings, payload)
        if not self._settings.smtp_host:  # local mode
            outbox = Path(self._settings.outbox_dir)
            outbox.mkdir(parents=True, exist_ok=True)
            (outbox / f"ticket-{payload['ticket']}-{item_id}.eml").write_bytes(bytes(mail))
            return
        try:
            await aiosmtplib.send(
                mail,
                hostname=self._settings.smtp_host,
                port=self._settings.smtp_port,
                username=self._settings.smtp_user or None,
                password=self._settings.smtp_password or None,
                start_tls=self._settings.smtp_starttls,
                timeout=DELIVERY_TIMEOUT_SECONDS,
            )
        except (aiosmtplib.SMTPException, OSError) as error:
            raise DeliveryError(f"SMTP: {error}") from error

    async def _webhook(self, payload: dict[str, Any]) -> None:
        body = dict(payload, console_url=f"{self._settings.public_url}/console/tickets/{payload['ticket']}")
        timeout = aiohttp.ClientTimeout(total=DELIVERY_TIMEOUT_SECONDS)
        try:
            async with (
                aiohttp.ClientSession(timeout=timeout) as session,
                session.post(self._settings.handoff_webhook_url, json=body) as response,
            ):
                if response.status >= 300:
                    raise DeliveryError(f"webhook answered HTTP {response.status}")
        except (aiohttp.ClientError, TimeoutError) as error:
            raise DeliveryError(f"webhook: {error or type(error).__name__}") from error

    async def deliver_due(self) -> int:
        """Try every due item once; how many went out."""
        sent = 0
        for item in await self._tickets.due():
            try:
                if item["channel"] == "email":
                    await self._email(item["payload"], item["id"])
                else:
                    await self._webhook(item["payload"])
            except DeliveryError as error:
                later = await self._tickets.failed(item["id"], item["attempts"], str(error))
                logger.warning("notification %s failed (%s); next try at %s", item["id"], error, later)
                continue
            await self._tickets.delivered(item["id"])
            sent += 1
        return sent

    async def run(self) -> None:
        """Deliver due notifications every few seconds, until cancelled."""
        while True:
            try:
                await self.deliver_due()
            except Exception:  # a database hiccup must not stop the worker for good
                logger.exception("notification worker failed; trying again")
            await asyncio.sleep(POLL_SECONDS)
