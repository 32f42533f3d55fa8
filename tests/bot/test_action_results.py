"""Rasa's check of action-server answers, with the prebuilt validator (bot/action_results.py)."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from bot import action_results

VALID = {
    "events": [{"event": "slot", "name": "disease", "value": "HHT", "timestamp": None}],
    "responses": [{"custom": {"type": "answer", "text": "HHT is…"}}],
}


def test_valid_answers_pass_and_invalid_ones_are_still_refused():
    action_results.install()
    action = RemoteAction("action_answer_question", None)
    assert action._validate_action_result(VALID) is True
    for invalid in ({"events": "not a list"}, {"events": [{"event": "slot", "name": 3}]}, {"responses": [1]}):
        with pytest.raises(ValidationError) as refused:
            action._validate_action_result(invalid)
        assert "Failed to validate Action server response" in refused.value.message
