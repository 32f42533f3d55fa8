"""The name of the domain's form (domain.yml) that both the dialogue (bot/) and the actions
name in code."""

from __future__ import annotations

# Collects consent, channel, contact, language and question for a person to answer.
HANDOFF_FORM = "handoff_form"
