"""The safety decision (safety/assess.py), who a message is about (safety/people.py) and
the messages in six languages (safety/messages.py), with the trained model."""

from __future__ import annotations

import pytest

from common.languages import LANGUAGES
from safety import messages
from safety.assess import (
    ASK,
    EMERGENCY,
    NONE,
    RULE_VETO_MIN_WORDS,
    RULE_VETO_SCORE,
    SELF_HARM_VETO_SCORE,
    Context,
    assess,
    decide,
    load_model,
    next_context,
)
from safety.kinds import EMERGENCY_KINDS
from safety.model import Prediction
from safety.numbers import numbers_book
from safety.people import names_high_risk_disease, subject
from safety.rules import RedFlag


def _prediction(score: float, kind: str) -> Prediction:
    return Prediction(emergency=score, kinds={kind: 0.9, "ordinary": 0.1})


def test_a_rule_hit_is_an_emergency_whatever_the_model_says():
    result = assess("i have marfan and suddenly a tearing pain in my back")
    assert result.level == EMERGENCY and result.rule == "dissection_rupture"
    assert result.kind in ("aortic_dissection", "cardiac_chest_pain", "pneumothorax")


def _rule(category: str) -> RedFlag:
    return RedFlag(category=category, language="en", evidence="matched words")


def test_the_model_overrules_a_rule_only_on_a_long_message_it_is_sure_of():
    thresholds = load_model().thresholds
    sure_not = _prediction(RULE_VETO_SCORE / 2, "gi_bleed")
    long, short = RULE_VETO_MIN_WORDS, RULE_VETO_MIN_WORDS - 1
    vetoed = decide(sure_not, _rule("bleeding"), thresholds, Context(), False, long)
    assert vetoed == (NONE, "gi_bleed")  # watched: said again, it asks
    again, _ = decide(
        sure_not, _rule("bleeding"), thresholds, Context(watched_kinds=("gi_bleed",)), False, long
    )
    assert again == ASK
    assert decide(sure_not, _rule("bleeding"), thresholds, Context(), False, short)[0] == EMERGENCY
    unsure = _prediction(RULE_VETO_SCORE * 1.5, "gi_bleed")
    assert decide(unsure, _rule("bleeding"), thresholds, Context(), False, long)[0] == EMERGENCY
    suicidal = _prediction(RULE_VETO_SCORE / 2, "suicidal")
    assert decide(suicidal, _rule("self_harm"), thresholds, Context(), False, long)[0] == EMERGENCY
    known = Context(high_risk_disease=True)
    assert decide(sure_not, _rule("bleeding"), thresholds, known, False, long)[0] == EMERGENCY


def test_the_self_harm_rule_gives_way_only_when_the_model_is_far_surer():
    thresholds = load_model().thresholds
    long = RULE_VETO_MIN_WORDS
    tired = Prediction(
        emergency=SELF_HARM_VETO_SCORE / 2,
        kinds={"distress_no_intent": 0.9, "suicidal": SELF_HARM_VETO_SCORE / 2},
    )
    assert decide(tired, _rule("self_harm"), thresholds, Context(), False, long)[0] == NONE
    assert decide(tired, _rule("self_harm"), thresholds, Context(), False, long - 1)[0] == EMERGENCY
    # the suicidal kind a little likelier, or P(emergency) at the other rules' veto: no veto
    unsure = Prediction(emergency=SELF_HARM_VETO_SCORE / 2, kinds={"suicidal": SELF_HARM_VETO_SCORE * 1.5})
    assert decide(unsure, _rule("self_harm"), thresholds, Context(), False, long)[0] == EMERGENCY
    middling = Prediction(emergency=RULE_VETO_SCORE / 1.5, kinds={"distress_no_intent": 0.9})
    assert decide(middling, _rule("self_harm"), thresholds, Context(), False, long)[0] == EMERGENCY


def test_vascular_eds_lowers_the_threshold_for_pain_bleeding_and_breathlessness():
    thresholds = load_model().thresholds
    factor = thresholds.high_risk_factor
    # above the lowered question, below the usual question and below the lowered alarm
    score = (thresholds.ask * factor + min(thresholds.ask, thresholds.emergency * factor)) / 2
    known = Context(high_risk_disease=True)
    plain, _ = decide(_prediction(score, "gi_bleed"), None, thresholds, Context(), high_risk=False)
    lowered, _ = decide(_prediction(score, "gi_bleed"), None, thresholds, known, high_risk=False)
    other, _ = decide(_prediction(score, "seizure"), None, thresholds, known, high_risk=False)
    assert (plain, lowered, other) == (NONE, ASK, NONE)


def test_a_second_mention_of_the_same_red_flag_goes_one_level_up():
    thresholds = load_model().thresholds
    prediction = _prediction(thresholds.watch * 1.1, "haemoptysis")
    first, watched = decide(prediction, None, thresholds, Context(), high_risk=False)
    again, _ = decide(prediction, None, thresholds, Context(watched_kinds=(watched,)), high_risk=False)
    assert (first, watched, again) == (NONE, "haemoptysis", ASK)


def test_the_context_remembers_the_disease_and_the_kinds_seen():
    context = next_context(Context(), assess("I have Loeys-Dietz syndrome"))
    assert context.high_risk_disease is True


@pytest.mark.parametrize(
    "text, expected",
    [
        ("my son can't breathe", "son"),
        ("ma fille fait une crise", "daughter"),
        ("mein Vater", "father"),
        ("I can't breathe", None),
        ("mijn moeder is gevallen", "mother"),
    ],
)
def test_subject_is_who_the_message_is_about(text, expected):
    assert subject(text) == expected


def test_high_risk_diseases_are_named_in_several_languages():
    assert names_high_risk_disease("j'ai un SED vasculaire") and names_high_risk_disease("Marfan-Syndrom")
    assert not names_high_risk_disease("I have HHT")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", EMERGENCY_KINDS)
def test_every_kind_has_an_emergency_message_in_every_language(language, kind):
    numbers = numbers_book().numbers_for(None, language)
    message = messages.emergency_message(kind, "son", language, numbers)
    assert message["type"] == "emergency" and message["language"] == language
    assert numbers.number in message["text"] and "{" not in message["text"]


def test_every_language_file_has_the_keys_of_the_english_one():
    english = messages.phrases("en")
    for language in LANGUAGES:
        words = messages.phrases(language)
        assert set(words) == set(english), language
        assert set(words["what"]) == set(english["what"]) and set(words["actions"]) == set(english["actions"])


def test_a_french_emergency_names_15_and_112_and_speaks_to_the_parent():
    message = messages.emergency_message("seizure", "son", "fr", numbers_book().numbers_for("FR", "fr"))
    assert "15 ou 112" in message["text"] and "pour votre fils" in message["text"]


def test_the_distress_reply_never_carries_a_crisis_or_emergency_number():
    for language in LANGUAGES:
        text = messages.distress_message(language)["text"]
        assert not any(char.isdigit() for char in text), language


@pytest.mark.parametrize("text", ["en", "nl", "bloed", "Blut", "ok"])
def test_one_word_is_left_to_the_rules_and_raises_nothing_alone(text):
    assert assess(text).level == NONE


@pytest.mark.parametrize(
    "text, kind", [("suicide", "suicidal"), ("collapsed", "collapse"), ("overdose", "suicidal")]
)
def test_one_word_red_flag_is_still_an_emergency_by_the_rules(text, kind):
    result = assess(text)
    assert (result.level, result.kind) == (EMERGENCY, kind)
