"""The action executor, with this server's own copy of the domain.

Rasa sends the whole domain (every response in six languages, about 100 KB of JSON) with
each action call unless the endpoint enables its selective domain; encoding it in Rasa and
parsing it here was a quarter of the action server's time (bench/profile.py). With
`enable_selective_domain: true` (endpoints.yml) Rasa sends it only to the actions marked
`send_domain: true` in domain.yml (the form validators, which read its forms and slots);
every other action renders its responses from domain.yml as deployed with this server,
the same file Rasa was trained on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rasa_sdk.executor import ActionExecutor

from common.responses import load_domain


class LocalDomainExecutor(ActionExecutor):
    """An ActionExecutor that falls back to a local domain.yml when a call has none."""

    def __init__(self, domain_file: Path) -> None:
        super().__init__()
        self.local_domain = load_domain(domain_file)

    def update_and_return_domain(self, payload: dict[str, Any], action_name: str) -> dict[str, Any]:
        """The domain Rasa sent with this call, else this server's copy."""
        return payload.get("domain") or self.local_domain
