"""RulePolicy looks for the rules that fit the conversation by checking every rule (185 here)
against the current state, then every rule left against each earlier state of the whole
conversation: about a tenth of Rasa's time per turn in the profile (bench/README.md).

`possible_keys` returns the same rules with less work:
- a rule whose last state follows a named action can only fit a conversation whose current
  state follows that action, so only those rules and the ones without a named action are
  checked against the current state;
- a rule is never checked against a state earlier than its own length (RulePolicy counts it
  as fitting there), and the walk back stops once no rule is left to check.

`install()` puts it in place of RulePolicy._get_possible_keys where Rasa serves (bot.serve);
training keeps Rasa's own.
"""

from __future__ import annotations

import json
from typing import Any

from rasa.core.policies.rule_policy import RulePolicy
from rasa.shared.core.constants import PREVIOUS_ACTION, SHOULD_NOT_BE_SET
from rasa.shared.nlu.constants import ACTION_NAME

# The bucket of rules whose last state follows no named action: checked in every state.
ANY_ACTION = None
# Per lookup table: {action its last state follows, or ANY_ACTION: [(rule key, its length)]}.
_INDEX_ATTRIBUTE = "_vascern_rule_index"


def possible_keys(policy: RulePolicy, lookup: dict[str, Any], states: list[dict]) -> set[str]:
    """The keys of `lookup` whose rules fit `states`, as RulePolicy._get_possible_keys."""
    if not states:
        return set(lookup)
    index = _index(policy, lookup)
    current = states[-1]
    followed = (current.get(PREVIOUS_ACTION) or {}).get(ACTION_NAME)
    candidates = index[ANY_ACTION] if followed is None else [*index.get(followed, ()), *index[ANY_ACTION]]
    open_rules = [(key, length) for key, length in candidates if policy._is_rule_applicable(key, 0, current)]
    fitting: set[str] = set()
    for turn, state in enumerate(reversed(states[:-1]), start=1):
        if not open_rules:
            break
        fitting.update(key for key, length in open_rules if length <= turn)
        open_rules = [
            (key, length)
            for key, length in open_rules
            if length > turn and policy._is_rule_applicable(key, turn, state)
        ]
    return fitting | {key for key, _ in open_rules}


def _index(policy: RulePolicy, lookup: dict[str, Any]) -> dict[Any, list[tuple[str, int]]]:
    """The rules of `lookup` by the action their last state follows (built once per table)."""
    indexes: dict[int, tuple[dict, dict]] = policy.__dict__.setdefault(_INDEX_ATTRIBUTE, {})
    built = indexes.get(id(lookup))
    if built is None or built[0] is not lookup:
        index: dict[Any, list[tuple[str, int]]] = {ANY_ACTION: []}
        for key in lookup:
            rule_states = json.loads(key)
            action = (rule_states[-1].get(PREVIOUS_ACTION) or {}).get(ACTION_NAME)
            bucket = action if action and action != SHOULD_NOT_BE_SET else ANY_ACTION
            index.setdefault(bucket, []).append((key, len(rule_states)))
        built = (lookup, index)
        indexes[id(lookup)] = built
    return built[1]


def install() -> None:
    """Make RulePolicy find the fitting rules with `possible_keys`."""

    def _get_possible_keys(self: RulePolicy, lookup: dict[str, Any], states: list[dict]) -> set[str]:
        return possible_keys(self, lookup, states)

    RulePolicy._get_possible_keys = _get_possible_keys  # type: ignore[method-assign]
