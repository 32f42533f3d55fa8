"""The custom Rasa NLU components on real messages (bot/components.py)."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.components import GazetteerEntityExtractor, LanguageDetector, QuestionGuard, SafetyDetector, _context
from safety.assess import Context


def processed(
    component, text: str, intent: str = "ask_symptoms", metadata=None, confidence: float = 0.9
) -> Message:
    """`text` after one component, as if the classifier had predicted `intent`."""
    message = Message(data={"text": text, "metadata": metadata})
    message.set("intent", {"name": intent, "confidence": confidence})
    message.set("intent_ranking", [{"name": intent, "confidence": confidence}])
    return component.process([message])[0]


def entities(text: str) -> set[tuple[str, str]]:
    """(entity, value) pairs the gazetteer extracts from `text`."""
    message = processed(GazetteerEntityExtractor(), text)
    return {(e["entity"], e["value"]) for e in message.get("entities", [])}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("centre HHT près de Lyon", {("disease", "HHT"), ("city", "Lyon")}),
        ("Marfan expert in Belgium", {("disease", "HTAD"), ("country", "BE")}),
        ("Ehlers-Danlos vasculaire Italie", {("disease", "MSA"), ("country", "IT")}),
        ("is there anyone in Ireland?", {("country", "IE")}),
        ("maladie de rendu osler", {("disease", "HHT")}),
        ("lymphoedeme primaire", {("disease", "PPL")}),
        ("malformation veineuse", {("disease", "VASCA")}),
        ("moyamoya", {("disease", "NEUROVASC")}),
        ("expert for diabetes in Germany", {("disease", "other"), ("country", "DE")}),
    ],
)
def test_gazetteer_extracts_disease_groups_and_places(text, expected):
    assert entities(text) == expected


def test_entities_carry_their_span_in_the_message():
    message = processed(GazetteerEntityExtractor(), "centre HHT près de Lyon")
    spans = {e["entity"]: message.get("text")[e["start"] : e["end"]] for e in message.get("entities")}
    assert spans == {"disease": "HHT", "city": "Lyon"}


def test_a_red_flag_overrides_the_intent_and_keeps_the_classifier_ranking():
    message = processed(SafetyDetector(), "I have Marfan and suddenly a tearing pain in my back")
    assert message.get("intent") == {"name": "emergency", "confidence": 1.0}
    assert [r["name"] for r in message.get("intent_ranking")] == ["emergency", "ask_symptoms"]
    assert message.get("safety")["rule"] == "dissection_rupture"
    assert message.get("safety")["kind"] == "aortic_dissection"


def test_the_safety_context_web_sends_reaches_the_decision():
    metadata = {"safety_context": {"high_risk_disease": True, "watched_kinds": ["gi_bleed", 3]}}
    assert _context(metadata) == Context(high_risk_disease=True, watched_kinds=("gi_bleed",))
    assert _context(None) == Context() and _context({"safety_context": "x"}) == Context()


def test_a_question_about_warning_signs_keeps_its_intent():
    message = processed(SafetyDetector(), "what are the warning signs of a dissection?")
    assert message.get("intent")["name"] == "ask_symptoms"
    assert message.get("safety")["level"] == "none"


def test_button_payloads_are_left_alone():
    message = processed(SafetyDetector(), '/inform{"disease":"HHT"}', intent="inform")
    assert message.get("intent")["name"] == "inform"
    assert processed(LanguageDetector(), "/find_centre").get("detected_language") is None


def test_language_is_an_output_property():
    message = processed(LanguageDetector(), "bonjour, j'ai une question sur le marfan")
    assert message.get("detected_language")["code"] == "fr"
    assert "detected_language" in message.as_dict(only_output_properties=True)


def test_an_unsure_small_talk_intent_on_a_cued_question_is_a_question():
    question = "can she keep playing tennis with it?"
    message = processed(QuestionGuard(), question, "request_human", confidence=0.25)
    assert message.get("intent") == {"name": "ask_disease_info", "confidence": 0.25}
    assert [r["name"] for r in message.get("intent_ranking")] == ["ask_disease_info", "request_human"]


def test_an_unsure_small_talk_intent_on_a_question_about_the_network_is_a_question():
    # "who runs" is a cue of the network-wide entry on who runs and funds VASCERN
    question = "Who runs this website and who pays for it?"
    message = processed(QuestionGuard(), question, "bot_challenge", confidence=0.24)
    assert message.get("intent")["name"] == "ask_disease_info"


@pytest.mark.parametrize(
    ("text", "intent", "confidence"),
    [
        ("can she keep playing tennis with it?", "request_human", 0.9),  # the model is sure
        ("Who runs this website?", "bot_challenge", 0.9),  # the model is sure
        ("I want to talk to someone about sport", "request_human", 0.25),  # no question
        ("thanks, any news?", "thanks", 0.25),  # no topic cue
        ("and sport?", "inform", 0.25),  # a form's answer
    ],
)
def test_the_guard_leaves_other_messages_alone(text, intent, confidence):
    assert processed(QuestionGuard(), text, intent, confidence=confidence).get("intent")["name"] == intent
