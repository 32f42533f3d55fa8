"""Custom Rasa NLU components: thin wrappers that call the pure modules of this package.

    LanguageDetector          -> language.detect_language   (property `detected_language`)
    TfidfIntentClassifier     -> intent_model.IntentModel   (intent, intent_ranking)
    QuestionGuard             -> question_guard              (an unsure small-talk intent on a
                                                             question -> ask_disease_info)
    GazetteerEntityExtractor  -> knowledge.lexicon / knowledge.places (entities)
    SafetyDetector            -> safety.assess               (intents `emergency` / `safety_check`,
                                                             property `safety`)

Only the intent classifier trains; the others read curated data files, so the Makefile's
model hash includes those files as well as the training data.
"""

from __future__ import annotations

from typing import Any

import joblib
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.intent_model import IntentModel
from bot.language import detect_language, lingua_detector
from bot.question_guard import QUESTION_INTENT, asks_for_content
from common.groups import OUTSIDE_NETWORK
from knowledge.lexicon import find_diseases
from knowledge.places import find_places
from safety.assess import ASK, EMERGENCY, Context, assess

EMERGENCY_INTENT = "emergency"
SAFETY_CHECK_INTENT = "safety_check"  # a possible red flag: one safety question first
# Intents kept in a message's ranking (Rasa's default).
RANKING_LENGTH = 10
MODEL_FILE = "intent_model.joblib"


def _is_button_payload(message: Message) -> bool:
    return (message.get("text") or "").startswith("/")


def _set_top_intent(message: Message, name: str, confidence: float) -> None:
    """Make `name` the message's intent, first in its ranking (the classifier's kept below)."""
    top = {"name": name, "confidence": confidence}
    ranking = [top] + [ranked for ranked in message.get("intent_ranking", []) if ranked.get("name") != name]
    message.set("intent", top, add_to_output=True)
    message.set("intent_ranking", ranking, add_to_output=True)


class _ProcessOnlyComponent(GraphComponent):
    """A component with nothing to train: `create` warms its data, `process` does the work."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> _ProcessOnlyComponent:
        component = cls()
        component.warm_up()
        return component

    def warm_up(self) -> None:
        """Load data files at start-up rather than on the first patient message."""

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class LanguageDetector(_ProcessOnlyComponent):
    """Adds the `detected_language` property to every message."""

    def warm_up(self) -> None:
        lingua_detector()
        detect_language("warm up")

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            if not _is_button_payload(message):
                detected = detect_language(message.get("text") or "")
                message.set("detected_language", detected, add_to_output=True)
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class TfidfIntentClassifier(GraphComponent):
    """Intent classification with bot/intent_model.py, persisted in the model archive."""

    def __init__(
        self, model_storage: ModelStorage, resource: Resource, model: IntentModel | None = None
    ) -> None:
        self._model_storage = model_storage
        self._resource = resource
        self._model = model

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> TfidfIntentClassifier:
        return cls(model_storage, resource)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> TfidfIntentClassifier:
        with model_storage.read_from(resource) as directory:
            return cls(model_storage, resource, joblib.load(directory / MODEL_FILE))

    def train(self, training_data: TrainingData) -> Resource:
        examples = [e for e in training_data.intent_examples if e.get("intent") and e.get("text")]
        self._model = IntentModel().fit(
            [e.get("text") for e in examples], [e.get("intent") for e in examples]
        )
        with self._model_storage.write_to(self._resource) as directory:
            joblib.dump(self._model, directory / MODEL_FILE)
        return self._resource

    def process(self, messages: list[Message]) -> list[Message]:
        rankings = self._model.rank([m.get("text") or "" for m in messages])
        for message, ranking in zip(messages, rankings, strict=True):
            ranked = [{"name": name, "confidence": p} for name, p in ranking[:RANKING_LENGTH]]
            message.set("intent", ranked[0], add_to_output=True)
            message.set("intent_ranking", ranked, add_to_output=True)
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class QuestionGuard(_ProcessOnlyComponent):
    """A question the classifier half read as small talk becomes `ask_disease_info`."""

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = message.get("intent") or {}
            text = message.get("text") or ""
            language = (message.get("detected_language") or {}).get("code") or "en"
            confidence = intent.get("confidence", 0.0)
            if asks_for_content(text, language, intent.get("name", ""), confidence):
                _set_top_intent(message, QUESTION_INTENT, confidence)
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class GazetteerEntityExtractor(_ProcessOnlyComponent, EntityExtractorMixin):
    """Extracts `disease` (working-group code or "other"), `country` and `city`."""

    def warm_up(self) -> None:
        find_diseases("warm up")
        find_places("warm up")

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            if _is_button_payload(message):
                continue
            text = message.get("text") or ""
            entities = self._disease_entities(text) + self._place_entities(text)
            if entities:
                message.set(
                    "entities",
                    message.get("entities", []) + self.add_extractor_name(entities),
                    add_to_output=True,
                )
        return messages

    @staticmethod
    def _disease_entities(text: str) -> list[dict[str, Any]]:
        return [
            {
                "entity": "disease",
                "value": mention.code or OUTSIDE_NETWORK,
                "start": mention.start,
                "end": mention.end,
                "confidence_entity": 1.0,
            }
            for mention in find_diseases(text)
        ]

    @staticmethod
    def _place_entities(text: str) -> list[dict[str, Any]]:
        entities = []
        for place in find_places(text):
            kind, value = ("city", place.city) if place.city else ("country", place.country)
            entities.append(
                {
                    "entity": kind,
                    "value": value,
                    "start": place.start,
                    "end": place.end,
                    "confidence_entity": 1.0,
                }
            )
        return entities


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafetyDetector(_ProcessOnlyComponent):
    """Runs the safety layer (safety/assess.py) on every message, also in forms and handoffs.

    Adds the `safety` property (level, kind, score, rule, who it is about...). A clear
    emergency becomes the `emergency` intent; a possible one the `safety_check` intent (one
    question first). `web` passes what earlier messages told (``metadata.safety_context``).
    The classifier's ranking is kept below so moderators can see what it would have said.
    """

    def warm_up(self) -> None:
        assess("warm up")

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            if _is_button_payload(message):
                continue
            assessment = assess(message.get("text") or "", _context(message.get("metadata")))
            message.set("safety", assessment.to_dict(), add_to_output=True)
            intent = {EMERGENCY: EMERGENCY_INTENT, ASK: SAFETY_CHECK_INTENT}.get(assessment.level)
            if intent is None:
                continue
            _set_top_intent(message, intent, 1.0)
        return messages


def _context(metadata: Any) -> Context:
    """The safety context `web` sends with a message (nothing for other channels)."""
    return Context.from_dict(metadata.get("safety_context") if isinstance(metadata, dict) else None)
