"""The story export (web/console/exports.py) from Rasa's tracker, which holds the messages as
the patient wrote them: redacted as the transcript is, and corrected by the stored text."""

from __future__ import annotations

import yaml

from web.console.exports import story_yaml
from web.storage.redact import redact

EMAILED = "please write to ana.lopez@example.org about HHT"


def test_a_story_shows_no_contact_detail_and_takes_the_moderators_correction():
    events = [
        {"event": "action", "name": "action_session_start"},
        {"event": "user", "text": EMAILED, "parse_data": {"intent": {"name": "inform"}}},
        {"event": "action", "name": "action_answer_question"},
        {"event": "user", "text": "thanks", "parse_data": {"intent": {"name": "thank"}}},
    ]
    stored = redact(EMAILED)  # what the transcript, and so the moderator's correction, holds
    assert "ana.lopez" not in stored

    story = story_yaml("c1", events, {stored: "request_human"})

    assert "ana.lopez" not in story
    steps = yaml.safe_load(story)["stories"][0]["steps"]
    assert steps == [
        {"user": stored, "intent": "request_human"},
        {"action": "action_answer_question"},
        {"user": "thanks", "intent": "thank"},
    ]
