"""The prediction graph run node by node gives what dask gives (bot/graph_runner.py): the same
parse of every message and the same prediction of every policy, on the trained model."""

from __future__ import annotations

import json
import os

import pytest
from rasa.core.channels.channel import UserMessage
from rasa.engine import loader
from rasa.engine.constants import PLACEHOLDER_MESSAGE, PLACEHOLDER_TRACKER
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.graph_runner import SequentialGraphRunner
from tests.bot.conftest import ROOT

MESSAGES = [
    "hello",
    "what is HHT?",
    "my son has Marfan, can he play football?",
    "je cherche un centre expert pour le syndrome de Marfan à Lyon",
    "Gibt es eine Selbsthilfegruppe für Lymphödem in München?",
    "mio marito ha la bocca storta e non muove il braccio da mezz'ora",
    "¿guardáis lo que escribo aquí?",
    "ik wil met een mens praten",
    "I want to end it all tonight",
    "thanks, bye",
]


@pytest.fixture(scope="module")
def runners(tmp_path_factory) -> tuple:
    model = ROOT / os.environ["MODEL"]
    loaded = []
    for runner_class in (DaskGraphRunner, SequentialGraphRunner):
        metadata, runner = loader.load_predict_graph_runner(
            tmp_path_factory.mktemp(runner_class.__name__), model, LocalModelStorage, runner_class
        )
        loaded.append(runner)
    return metadata, *loaded


def _parse(runner, metadata, text: str) -> str:
    message = UserMessage(text, sender_id="t", message_id="m")
    inputs = {PLACEHOLDER_MESSAGE: [message], PLACEHOLDER_TRACKER: _tracker([])}
    parsed = runner.run(inputs=inputs, targets=[metadata.nlu_target])[metadata.nlu_target][0]
    return json.dumps(parsed.data, sort_keys=True, default=_plain)


def _plain(value: object) -> object:
    """A token as its text and place; anything else JSON cannot hold as its text."""
    if isinstance(value, Token):
        return [value.text, value.start, value.end]
    return str(value)


def _tracker(events: list) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("t", [ActionExecuted("action_listen"), *events])


def test_every_message_is_parsed_the_same(runners):
    metadata, dask_runner, sequential = runners
    for text in MESSAGES:
        assert _parse(sequential, metadata, text) == _parse(dask_runner, metadata, text), text


def test_every_policy_predicts_the_same(runners):
    metadata, dask_runner, sequential = runners
    for text in MESSAGES:
        parse = json.loads(_parse(dask_runner, metadata, text))
        tracker = _tracker([UserUttered(text, parse.get("intent"), parse.get("entities", []), parse)])
        predictions = [
            runner.run(inputs={PLACEHOLDER_TRACKER: tracker}, targets=[metadata.core_target])[
                metadata.core_target
            ]
            for runner in (dask_runner, sequential)
        ]
        first, second = predictions
        assert (first.policy_name, first.probabilities, first.is_end_to_end_prediction) == (
            second.policy_name,
            second.probabilities,
            second.is_end_to_end_prediction,
        ), text
        assert _timeless(first.events) == _timeless(second.events), text
        assert first.max_confidence > 0, text


def _timeless(events: list) -> list[dict]:
    """Events as dicts without the time each was made."""
    return [{k: v for k, v in event.as_dict().items() if k != "timestamp"} for event in events]


def test_the_message_processor_loads_models_with_the_sequential_runner_once_installed():
    import rasa.core.processor

    from bot import graph_runner

    original = rasa.core.processor.DaskGraphRunner
    try:
        graph_runner.install()
        assert rasa.core.processor.DaskGraphRunner is SequentialGraphRunner
    finally:
        rasa.core.processor.DaskGraphRunner = original
