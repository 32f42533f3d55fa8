"""Rasa's check of action-server answers, with the prebuilt validator (bot/action_results.py)."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction

from bot import action_results
from bot.action_results import ActionResultValidator

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


EVENTS = [
    {"event": "slot", "name": "disease", "value": "HHT", "timestamp": None},
    {"event": "action", "name": "action_listen"},
    {"event": "followup", "name": "utter_greet"},
    {"event": "active_loop", "name": None},
    {"event": "bot", "text": "hi", "data": {"custom": {}}},
    {"event": "user", "text": "x", "parse_data": {"intent": {"name": "greet", "confidence": 0.5}}},
    {"event": "restart"},
    {"event": "reset_slots"},
]
ANSWERS = [
    {"events": EVENTS, "responses": [{"custom": {"type": "text", "text": "hello"}}]},
    {"events": []},
    {},
    {"events": "not a list"},
    {"events": [{"event": "slot", "name": 3}]},
    {"events": [{"event": "no such event"}]},
    {"events": [{"name": "no event key"}]},
    {"events": [1]},
    {"events": [{"event": ["slot"]}]},
    {"events": [{"event": "user", "parse_data": {"entities": [{"entity": "city"}]}}]},
    {"events": [{"event": "slot", "name": "x", "timestamp": "now"}]},
    {"events": [{"event": "action", "name": 5}]},
    {"events": None},
    {"responses": [1]},
    [],
]


@pytest.mark.parametrize("answer", ANSWERS)
def test_per_event_type_checks_give_the_verdicts_of_the_whole_schema(answer):
    schema = RemoteAction.action_response_format_spec()
    reference = validator_for(schema)(schema)
    checked = ActionResultValidator(schema)
    expected = reference.is_valid(answer)
    if expected:
        checked.validate(answer)
    else:
        with pytest.raises(ValidationError):
            checked.validate(answer)
