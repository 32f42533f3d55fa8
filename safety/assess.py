"""The safety decision for one patient message: rules and model together, with what the
conversation already told (issue 13, "Detection that generalises").

    level "emergency"  the emergency message at once (a rule fired, or the model is sure)
    level "ask"        one safety question first: "Is this happening now?"
    level "none"       no red flag; ``distress`` says whether to answer with warmth

Someone who has said they have vascular Ehlers-Danlos, Marfan or Loeys-Dietz gets lower
thresholds for pain, bleeding and breathlessness; a second mention of the same red-flag kind
in a conversation goes one level up.
"""

from __future__ import annotations

import functools
import os
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from safety.features import words
from safety.kinds import (
    DISTRESS,
    HIGH_RISK_KINDS,
    RULE_CATEGORY_FAMILY,
    RULE_CATEGORY_KIND,
    SELF_HARM,
    SUICIDAL,
)
from safety.model import Prediction, SafetyModel, Thresholds
from safety.people import names_high_risk_disease, subject
from safety.rules import RedFlag, read

EMERGENCY = "emergency"
ASK = "ask"
NONE = "none"
LEVELS = (NONE, ASK, EMERGENCY)
DEFAULT_MODEL_DIR = Path(__file__).resolve().parents[1] / "var" / "safety"
DISTRESS_MIN_PROBABILITY = 0.5  # the kind head's distress probability for a warm reply
# A rule hit on a long message that the model scores below RULE_VETO_SCORE (P(emergency),
# both heads) is not an emergency: the model reads the negation, history or question around
# the matched words. Measured leaving each of seven training batches out in turn
# (docs/safety.md): it clears 224 of the rules' 438 false alarms on near-misses, against 129
# when it read the emergency head alone below 0.05, and none of the 3,942 rule-caught
# emergencies. Never for vEDS, Marfan or Loeys-Dietz's high-risk kinds.
RULE_VETO_SCORE = 0.2
RULE_VETO_MIN_WORDS = 16
# The self-harm rule gives way only where the model is far surer: P(emergency) and the kind
# head's suicidal probability both below SELF_HARM_VETO_SCORE ("I'm not going to kill myself,
# I'm just so tired"). Leaving each of eight batches out: 58 of the rule's 141 false alarms
# cleared, none of its 196 suicidal messages lost; the lowest of those scores 0.20 (a plan
# inside a practical question), twice the bar.
SELF_HARM_VETO_SCORE = 0.1


@dataclass(frozen=True)
class Context:
    """What earlier messages of the conversation told the safety layer."""

    high_risk_disease: bool = False  # vEDS, Marfan or Loeys-Dietz named earlier
    watched_kinds: tuple[str, ...] = ()  # red-flag kinds seen earlier at or above `watch`

    @classmethod
    def from_dict(cls, raw: Any) -> Context:
        """A context from its stored or transmitted form (empty when ``raw`` is not one)."""
        if not isinstance(raw, dict):
            return cls()
        kinds = tuple(k for k in raw.get("watched_kinds") or () if isinstance(k, str))
        return cls(high_risk_disease=bool(raw.get("high_risk_disease")), watched_kinds=kinds)


@dataclass(frozen=True)
class Assessment:
    """The safety decision for one message, and why."""

    level: str  # one of LEVELS
    kind: str | None  # the emergency kind it may be (None when level is "none")
    score: float  # the model's emergency probability
    rule: str | None  # the rule category that fired, if any
    evidence: str | None  # the words the rule matched
    subject: str | None  # "son", "mother"... when the writer speaks of someone else
    language: str | None  # the message language the rules read best, if any
    high_risk_disease: bool  # this message names vEDS, Marfan or Loeys-Dietz
    watch_kind: str | None  # the kind to remember, so a second mention escalates
    distress: bool = False  # distress without intent: warmth, a person, no suicide line
    thresholds: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict:
        """Plain values (for Rasa message properties, storage and logs)."""
        return asdict(self)


@functools.cache
def load_model(directory: str | None = None) -> SafetyModel:
    """The safety model from ``directory``, else $SAFETY_MODEL_DIR, else var/safety (cached)."""
    return SafetyModel.load(Path(directory or os.environ.get("SAFETY_MODEL_DIR") or DEFAULT_MODEL_DIR))


def _kind(prediction: Prediction, rule: RedFlag | None) -> str:
    if rule is None:
        return prediction.top_emergency_kind()
    family = RULE_CATEGORY_FAMILY[rule.category]
    best = prediction.top_kind(family)
    return best if prediction.kinds.get(best, 0.0) > 0.0 else RULE_CATEGORY_KIND[rule.category]


def rule_vetoed(rule: RedFlag | None, prediction: Prediction, word_count: int, scale: float = 1.0) -> bool:
    """Whether the model overrules a rule hit (see RULE_VETO_SCORE and SELF_HARM_VETO_SCORE)."""
    if rule is None or scale != 1.0 or word_count < RULE_VETO_MIN_WORDS:
        return False
    if rule.category == SELF_HARM:
        suicidal = prediction.kinds.get(SUICIDAL, 0.0)
        return prediction.emergency < SELF_HARM_VETO_SCORE and suicidal < SELF_HARM_VETO_SCORE
    return prediction.emergency < RULE_VETO_SCORE


def decide(
    prediction: Prediction,
    rule: RedFlag | None,
    thresholds: Thresholds,
    context: Context,
    high_risk: bool,
    word_count: int = 0,
) -> tuple[str, str | None]:
    """The level and the watched kind, from the model, the rule, the message's length in
    words and the context. A vetoed rule hit is still watched: said again, it asks."""
    kind = _kind(prediction, rule)
    scale = thresholds.high_risk_factor if (high_risk or context.high_risk_disease) else 1.0
    scale = scale if kind in HIGH_RISK_KINDS else 1.0
    score = prediction.emergency
    vetoed = rule_vetoed(rule, prediction, word_count, scale)
    if (rule is not None and not vetoed) or score >= thresholds.emergency * scale:
        level = EMERGENCY
    elif score >= thresholds.ask * scale:
        level = ASK
    else:
        level = NONE
    if level == NONE and prediction.kinds.get(SUICIDAL, 0.0) >= thresholds.suicidal:
        level, kind = ASK, SUICIDAL  # ask directly whether they think of ending their life
    watched = vetoed or score >= thresholds.watch * scale
    if watched and level != EMERGENCY and kind in context.watched_kinds:
        level = LEVELS[LEVELS.index(level) + 1]  # the same red flag a second time
    return level, (kind if watched or level != NONE else None)


def assess(text: str, context: Context | None = None, model: SafetyModel | None = None) -> Assessment:
    """The safety decision for one patient message."""
    context = context or Context()
    model = model or load_model()
    reading = read(text)
    rule, language = reading.flag, reading.language
    prediction = model.predict(text, reading.signals)
    high_risk = names_high_risk_disease(text)
    level, watch_kind = decide(prediction, rule, model.thresholds, context, high_risk, len(words(text)))
    distress = level == NONE and prediction.kinds.get(DISTRESS, 0.0) >= DISTRESS_MIN_PROBABILITY
    return Assessment(
        level=level,
        kind=watch_kind if level != NONE else None,
        score=round(prediction.emergency, 4),
        rule=rule.category if rule else None,
        evidence=rule.evidence if rule else None,
        subject=subject(text),
        language=rule.language if rule else language,
        high_risk_disease=high_risk,
        watch_kind=watch_kind,
        distress=distress,
        thresholds=model.thresholds.to_dict(),
    )


def next_context(context: Context, assessment: Assessment) -> Context:
    """The context for the next message of the conversation."""
    watched = context.watched_kinds
    if assessment.watch_kind and assessment.watch_kind not in watched:
        watched = (*watched, assessment.watch_kind)
    return replace(
        context,
        high_risk_disease=context.high_risk_disease or assessment.high_risk_disease,
        watched_kinds=watched,
    )


__all__ = ["ASK", "EMERGENCY", "NONE", "Assessment", "Context", "assess", "next_context", "rule_vetoed"]
