"""Rasa sends the domain only to the actions that ask for it (domain.yml `send_domain`,
`enable_selective_domain` in every endpoints file); the others use the action server's copy."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = Domain.load(str(ROOT / "domain.yml"))
ENDPOINT = EndpointConfig("http://127.0.0.1:5055/webhook", enable_selective_domain=True)
FORM_VALIDATORS = ("validate_centre_form", "validate_organisation_form", "validate_handoff_form")


@pytest.mark.parametrize("name", ["action_answer_question", "action_find_centres", "action_emergency"])
def test_ordinary_actions_get_the_tracker_without_the_domain(name):
    assert name in DOMAIN.user_actions
    call = RemoteAction(name, ENDPOINT)._action_call_format(DialogueStateTracker("t", DOMAIN.slots), DOMAIN)
    assert "tracker" in call and "domain" not in call


@pytest.mark.parametrize("name", FORM_VALIDATORS)
def test_form_validators_still_get_the_domain(name):
    call = RemoteAction(name, ENDPOINT)._action_call_format(DialogueStateTracker("t", DOMAIN.slots), DOMAIN)
    assert call["domain"]["forms"]


@pytest.mark.parametrize("endpoints", ["endpoints.yml", "docker/endpoints.yml"])
def test_every_endpoints_file_enables_the_selective_domain(endpoints):
    config = yaml.safe_load((ROOT / endpoints).read_text(encoding="utf-8"))
    assert config["action_endpoint"]["enable_selective_domain"] is True


def test_the_action_servers_copy_has_the_responses_rasa_would_send():
    local = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    assert local["responses"] == DOMAIN.as_dict()["responses"]
