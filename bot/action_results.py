"""Rasa checks every answer of the action server against a JSON schema with
`jsonschema.validate`, which validates the schema itself and builds a new validator on every
call: about 32 ms of CPU per action call here, two or three calls per turn, the largest share
of Rasa's time under load (bench/profile.py). `install()` makes Rasa run the same check with
one validator built once (under 1 ms); an invalid answer is refused exactly as before.
"""

from __future__ import annotations

from typing import Any

from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


def install() -> None:
    """Replace RemoteAction's check of action-server answers by a prebuilt validator."""
    schema = RemoteAction.action_response_format_spec()
    validator = validator_for(schema)(schema)

    def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
        try:
            validator.validate(result)
        except ValidationError as error:
            error.message += (
                ". Failed to validate Action server response from API, make sure your "
                "response from the Action endpoint is valid. For more information visit "
                f"{DOCS_BASE_URL}/custom-actions"
            )
            raise
        return True

    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]
