"""The action executor renders from its own domain.yml when Rasa sends none (selective domain)."""

from __future__ import annotations

import pytest

from actions.executor import LocalDomainExecutor
from actions.settings import DEFAULT_DOMAIN_FILE


@pytest.fixture
def executor() -> LocalDomainExecutor:
    found = LocalDomainExecutor(DEFAULT_DOMAIN_FILE)
    found.register_package("actions")
    return found


def _call(name: str, **extra) -> dict:
    tracker = {
        "sender_id": "t",
        "slots": {"language": "fr"},
        "latest_message": {"text": "xyz", "intent": {"name": "out_of_scope"}},
        "events": [],
        "active_loop": {},
        "latest_action_name": "action_listen",
    }
    return {"next_action": name, "sender_id": "t", "tracker": tracker, "version": "3.6.21", **extra}


async def test_an_action_called_without_the_domain_renders_from_the_local_copy(executor):
    result = await executor.run(_call("action_out_of_scope"))
    texts = [response.get("custom", {}).get("text", "") for response in result.model_dump()["responses"]]
    assert texts and all(texts), result
    assert any(response["custom"]["language"] == "fr" for response in result.model_dump()["responses"])


async def test_a_domain_sent_with_the_call_is_the_one_used(executor):
    variant = {"custom": {"type": "text", "language": "en", "text": "sent"}}
    sent = {"responses": {"utter_out_of_scope": [variant]}}
    assert executor.update_and_return_domain({"domain": sent}, "validate_centre_form") is sent
    assert executor.update_and_return_domain({}, "action_answer_question") is executor.local_domain
