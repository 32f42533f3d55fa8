"""RulePolicy's fitting rules found with less work (bot/rule_policy.py) are exactly the ones
Rasa's own search finds, on the trained model's rules and conversations made of them."""

from __future__ import annotations

import json
import os
import random

import pytest
from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH, RulePolicy
from rasa.engine import loader
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.shared.core.constants import PREVIOUS_ACTION

from bot import rule_policy
from tests.bot.conftest import ROOT

CONVERSATIONS = 3000


@pytest.fixture(scope="module")
def policy(tmp_path_factory) -> RulePolicy:
    _, runner = loader.load_predict_graph_runner(
        tmp_path_factory.mktemp("model"), ROOT / os.environ["MODEL"], LocalModelStorage, DaskGraphRunner
    )
    found = [node._component for name, node in runner._instantiated_nodes.items() if "RulePolicy" in name]
    assert len(found) == 1
    return found[0]


def _conversations(lookup: dict, seed: int) -> list[list[dict]]:
    """State sequences made of the rules' own states: one to five rules in a row, some with
    the last state's previous action taken away (a conversation's first state)."""
    pick = random.Random(seed)
    rules = [json.loads(key) for key in lookup]
    made = [[]]
    for _ in range(CONVERSATIONS):
        states = [state for _ in range(pick.randint(1, 5)) for state in pick.choice(rules)]
        if pick.random() < 0.1:
            states[-1] = {k: v for k, v in states[-1].items() if k != PREVIOUS_ACTION}
        made.append(states)
    return made


@pytest.mark.parametrize("table", [RULES, RULES_FOR_LOOP_UNHAPPY_PATH])
def test_the_same_rules_fit_every_conversation(policy, table: str):
    lookup = policy.lookup[table]
    fitting = 0
    for states in _conversations(lookup, seed=len(table)):
        ours = rule_policy.possible_keys(policy, lookup, states)
        assert ours == RulePolicy._get_possible_keys(policy, lookup, states), states
        fitting += bool(ours)
    assert fitting > CONVERSATIONS / 10  # conversations that some rule fits, not only misses


def test_install_puts_the_search_in_rule_policys_place(policy):
    original = RulePolicy._get_possible_keys
    try:
        rule_policy.install()
        lookup = policy.lookup[RULES]
        states = json.loads(next(iter(lookup)))
        assert policy._get_possible_keys(lookup, states) == original(policy, lookup, states)
        assert RulePolicy._get_possible_keys is not original
    finally:
        RulePolicy._get_possible_keys = original
