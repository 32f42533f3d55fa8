"""Handing a conversation to a person (issue 17): tickets and the notifications about them.

- summary.py  what a moderator needs to know without asking twice, from the transcript
- notify.py   the outbox worker: email (SMTP, or files in var/outbox/) and a JSON webhook,
              with retries and back-off
"""
