"""Routing a question to its cell of the content grid (knowledge/route.py)."""

from __future__ import annotations

import pytest

from knowledge.route import (
    asked_part,
    condition_cell,
    condition_in_group,
    follow_up_topics,
    named_condition,
    named_group,
    routed_cell,
    routed_network_entry,
)
from knowledge.topics import cue_positions

CELLS = {
    ("hht", "genetics"), ("hht", "diagnosis"), ("hht", "overview"), ("hht", "pregnancy"),
    ("marfan", "sport"), ("marfan", "children"), ("htad_general", "pregnancy"),
    ("capillary_malformation", "diagnosis"), ("sturge_weber", "overview"),
}  # fmt: skip


@pytest.mark.parametrize(
    "question, language, cell",
    [
        ("Ist Morbus Osler erblich?", "de", ("hht", "genetics")),
        ("my son has Marfan, can he play football?", "en", ("marfan", "sport")),
        ("Loeys-Dietz y embarazo, ¿qué riesgos hay?", "es", ("htad_general", "pregnancy")),
        ("come si fa la diagnosi di Rendu-Osler? serve un esame genetico?", "it", ("hht", "diagnosis")),
        ("Sturge-Weber et tache de vin : quel diagnostic ?", "fr", ("capillary_malformation", "diagnosis")),
        ("wat is de ziekte van Rendu-Osler?", "nl", ("hht", "overview")),
    ],
)
def test_a_question_naming_one_condition_and_a_topic_goes_to_its_cell(question, language, cell):
    assert routed_cell(question, language, CELLS) == cell


@pytest.mark.parametrize(
    "question, language",
    [
        ("is it inherited?", "en"),  # no condition named: the conversation's context decides
        ("HHT or Marfan, which one is inherited?", "en"),  # two conditions
        ("my daughter has HHT, she is 6", "en"),  # "daughter" is not a topic
        ("what is the treatment for Sturge-Weber?", "en"),  # no such cell: never the overview instead
    ],
)
def test_no_route_without_one_condition_and_an_available_topic(question, language):
    assert routed_cell(question, language, CELLS) is None


def test_a_broader_condition_named_beside_a_specific_one_gives_way():
    assert named_condition("Sturge-Weber syndrome and a port-wine stain") == "sturge_weber"


@pytest.mark.parametrize(
    "question, language, entry",
    [
        ("wat is een Europees referentienetwerk?", "nl", "general-what-are-erns"),
        ("Kann ich mich in einem anderen EU-Land behandeln lassen?", "de", "general-cross-border-care"),
        ("Si os cuento mi caso, ¿guardáis mis datos de salud?", "es", "general-privacy-storage"),
        ("kan ik via VASCERN een second opinion krijgen?", "nl", "general-cpms"),
        ("che cosa fa esattamente questo assistente?", "it", "general-assistant-what-it-does"),
        ("Wer zahlt die OP in Frankreich? Brauche ich ein S2?", "de", "general-cross-border-care"),
        ("how long do you keep what I write here? who can read it?", "en", "general-privacy-storage"),
        ("Notre neurologue veut présenter mon dossier en RCP européenne, c'est quoi ?", "fr", "general-cpms"),
        ("who funds all of this, is it a drug company?", "en", "general-who-runs-vascern"),
        ("Wer finanziert VASCERN eigentlich?", "de", "general-who-runs-vascern"),
        ("la mia assicurazione rimborsa una visita a Parigi?", "it", "general-cross-border-care"),
        ("betaalt mijn zorgverzekeraar een afspraak in Gent terug?", "nl", "general-cross-border-care"),
        ("are your answers checked by doctors?", "en", "general-assistant-what-it-does"),
        ("Sieht mein Kardiologe, was ich hier schreibe?", "de", "general-privacy-storage"),
        ("i miei dati li date a terzi? case farmaceutiche, assicurazioni", "it", "general-privacy-storage"),
        ("muss ich mich irgendwo registrieren, um den Chat zu nutzen?", "de", "general-assistant-access"),
        ("Can I write to you in Portuguese?", "en", "general-assistant-languages"),
    ],
)
def test_a_question_about_the_network_goes_to_its_network_entry(question, language, entry):
    assert routed_network_entry(question, language) == entry


def test_a_question_naming_a_condition_is_not_a_network_question():
    assert routed_network_entry("is there a VASCERN centre for HHT?", "en") is None


def test_who_pays_for_care_abroad_is_the_same_question_whatever_the_condition():
    question = "qui paye si on va se faire soigner en Allemagne ? ma fille a un Ehlers-Danlos vasculaire"
    assert routed_network_entry(question, "fr") == "general-cross-border-care"
    # travelling with the condition stays a question about the condition
    assert routed_network_entry("can I travel to another country with HHT?", "en") is None


def test_an_insurer_means_care_abroad_only_beside_a_place():
    assert routed_network_entry("my insurer won't refund my physio, how do I object?", "en") is None
    abroad = routed_network_entry("does my insurer pay for a consultation in Lyon?", "en")
    assert abroad == "general-cross-border-care"


def test_where_bruises_come_from_is_no_question_about_the_assistant():
    assert routed_network_entry("¿de dónde salen estos hematomas?", "es") is None


def test_seguro_meaning_safe_is_no_insurance_cue():
    assert routed_network_entry("¿es seguro viajar en avión después de la operación?", "es") is None


def test_an_event_named_beside_its_syndrome_gives_way_to_the_syndrome():
    assert named_condition("my son has Marfan, what are the signs of an aortic dissection?") == "marfan"


@pytest.mark.parametrize(
    "question, condition",
    [
        ("Is surgery done earlier in Loeys-Dietz than in Marfan?", "loeys_dietz"),
        ("after a SCAD, should I be checked for FMD too?", "scad"),
        ("¿Qué es una malformación venosa? ¿Es lo mismo que un hemangioma?", "venous_malformation"),
    ],
)
def test_a_condition_compared_with_a_better_known_one_is_the_subject(question, condition):
    assert named_condition(question) == condition


def test_who_to_see_comes_first_when_asked():
    cells = {("brain_avm", "treatment"), ("brain_avm", "who_to_see")}
    question = "Wer entscheidet bei einer AVM im Gehirn über die Behandlung?"
    assert routed_cell(question, "de", cells) == ("brain_avm", "who_to_see")
    assert routed_cell("Wie wird eine AVM im Gehirn behandelt?", "de", cells) == ("brain_avm", "treatment")


def test_a_follow_up_without_a_cue_follows_a_confident_topic_model():
    class Sure:
        def best(self, question: str) -> tuple[str, float]:
            return "treatment", 0.6

    class Unsure(Sure):
        def best(self, question: str) -> tuple[str, float]:
            return "treatment", 0.32  # enough for a question naming its condition, not a follow-up

    assert follow_up_topics("si guarisce?", "it", Sure()) == [("treatment",)]
    assert follow_up_topics("si guarisce?", "it", Unsure()) == []
    assert follow_up_topics("si guarisce?", "it") == []


def test_only_a_message_naming_no_disease_is_a_follow_up():
    assert follow_up_topics("and in children?", "en") == [("children", "school")]
    assert follow_up_topics("et pendant la grossesse ?", "fr") == [("pregnancy",)]
    assert follow_up_topics("my son has Marfan, is rugby ok?", "en") == []


def test_the_words_of_a_disease_name_are_no_topic_cue():
    question = "ho la teleangectasia emorragica ereditaria, quali cure esistono?"
    cells = {("hht", "genetics"), ("hht", "treatment")}
    assert routed_cell(question, "it", cells) == ("hht", "treatment")  # "ereditaria" is in the name
    assert routed_cell("Ist Morbus Osler erblich?", "de", cells) == ("hht", "genetics")


def test_an_earlier_message_names_the_condition_of_the_disease_in_context():
    assert condition_in_group("my dad was just diagnosed with CADASIL", "NEUROVASC") == "cadasil"
    assert condition_in_group("my dad was just diagnosed with CADASIL", "HTAD") is None
    assert condition_in_group("is it hereditary?", "NEUROVASC") is None


@pytest.mark.parametrize(
    "question, language",
    [
        ("her left leg has been swollen since birth, will it get worse?", "en"),
        ("unser Sohn hat seit der Geburt dicke Füße", "de"),
        ("il a une tache depuis la naissance", "fr"),
    ],
)
def test_since_birth_asks_nothing_about_giving_birth(question, language):
    assert "pregnancy" not in cue_positions(question, language)


def test_giving_birth_is_still_a_pregnancy_question():
    assert "pregnancy" in cue_positions("can she have a normal birth or a c-section?", "en")
    assert "pregnancy" in cue_positions("Was bedeutet das für die Geburt?", "de")


def test_the_geneticist_who_said_it_asks_nothing_about_inheritance():
    assert "genetics" not in cue_positions("whats PROS? the geneticist said it might be PIK3CA", "en")
    assert "genetics" in cue_positions("is PROS genetic?", "en")


def test_a_condition_s_own_cell_of_any_answering_topic_comes_before_its_broader_condition_s():
    available = {("capillary_malformation", "children"), ("sturge_weber", "school")}
    assert condition_cell("sturge_weber", ("children", "school"), available) == ("sturge_weber", "school")
    broader = ("capillary_malformation", "children")
    assert condition_cell("cm_avm", ("children", "school"), available) == broader
    assert condition_cell("cm_avm", ("genetics",), {(None, "genetics")}) == (None, "genetics")
    assert condition_cell("cm_avm", ("travel",), {(None, "travel")}) is None


def test_a_story_before_the_question_cues_no_topic():
    question = "my daughter was diagnosed with Marfan at 4. what does that mean for her growing up?"
    assert asked_part(question) == "what does that mean for her growing up?"
    assert routed_cell(question, "en", {("marfan", "diagnosis")}) is None
    # growing up asks about the child: the children's entry, never the diagnosis in the story
    both = {("marfan", "diagnosis"), ("marfan", "children")}
    assert routed_cell(question, "en", both) == ("marfan", "children")
    assert asked_part("Marfan: how is it diagnosed") == "Marfan: how is it diagnosed"
    assert routed_cell("I have Marfan. How is it diagnosed?", "en", {("marfan", "diagnosis")}) == (
        "marfan",
        "diagnosis",
    )


@pytest.mark.parametrize(
    "question, language",
    [
        ("Ik heb meerdere cavernomen. Moeten mijn kinderen ook een MRI?", "nl"),
        ("J'ai des cavernomes : mes enfants doivent passer une IRM ?", "fr"),
        ("Meine Mutter hat Kavernome. Brauche ich auch ein MRT?", "de"),
        ("My dad has cavernomas, should I have a scan too?", "en"),
    ],
)
def test_a_test_for_the_writer_s_relatives_is_family_screening(question, language):
    condition = "cerebral_cavernous_malformation"
    cells = {(condition, "diagnosis"), (condition, "genetics")}
    assert routed_cell(question, language, cells) == (condition, "genetics")
    assert routed_cell("How is a cavernoma diagnosed? an MRI?", "en", cells) == (condition, "diagnosis")


def test_a_situation_cued_in_the_story_still_counts():
    question = "I have a cavernoma and I'm pregnant. What are the risks?"
    assert routed_cell(question, "en", {("cerebral_cavernous_malformation", "pregnancy")}) == (
        "cerebral_cavernous_malformation",
        "pregnancy",
    )


def test_familial_in_a_familial_aortic_aneurysm_asks_nothing_about_inheritance():
    cells = {("ftaad", "genetics"), ("ftaad", "overview")}
    question = "¿Qué es el aneurisma aórtico torácico familiar?"
    assert routed_cell(question, "es", cells) == ("ftaad", "overview")
    assert routed_cell("Is a familial aortic aneurysm inherited?", "en", cells) == ("ftaad", "genetics")


class _SureOf:
    """A topic model sure of one topic."""

    def __init__(self, topic: str, probability: float) -> None:
        self.answer = (topic, probability)

    def best(self, question: str) -> tuple[str, float]:
        return self.answer


def test_a_topic_model_sure_of_its_topic_goes_before_a_cue_said_in_passing():
    cells = {("cadasil", "diagnosis"), ("cadasil", "living")}
    question = "CADASIL diagnostiziert – was kann ich im Alltag selbst tun?"
    assert routed_cell(question, "de", cells, _SureOf("living", 0.8)) == ("cadasil", "living")
    assert routed_cell(question, "de", cells, _SureOf("living", 0.4)) == ("cadasil", "diagnosis")
    assert routed_cell(question, "de", cells) == ("cadasil", "diagnosis")


def test_a_sure_model_s_topic_answered_by_the_first_cued_topic_keeps_the_cue_order():
    cells = {("veds", "warning_signs"), ("veds", "symptoms")}
    question = "What are the warning signs of vascular EDS?"
    assert routed_cell(question, "en", cells, _SureOf("symptoms", 0.9)) == ("veds", "warning_signs")


@pytest.mark.parametrize(
    "question, language",
    [
        ("which signs of vascular EDS? my skin is really thin", "en"),
        ("do my kidneys matter with vEDS?", "en"),
    ],
)
def test_a_word_that_starts_like_a_cue_is_no_cue(question, language):
    assert not {"sport", "children"} & set(cue_positions(question, language))


def test_inheritance_asked_during_a_pregnancy_is_a_genetics_question():
    cells = {("hht", "genetics"), ("hht", "pregnancy")}
    question = "I'm pregnant and I have HHT. Is it inherited by the baby?"
    assert routed_cell(question, "en", cells) == ("hht", "genetics")
    assert routed_cell("I'm pregnant and I have HHT. Is it risky?", "en", cells) == ("hht", "pregnancy")


def test_the_group_of_the_one_condition_named_is_the_question_s_group():
    assert named_group("I have HHT, are the lung AVMs a risk in pregnancy?") == "HHT"
    assert named_group("Marfan or Loeys-Dietz: which is worse?") == "HTAD"
    assert named_group("HHT or CADASIL, which is inherited?") is None
    assert named_group("what is a rare disease?") is None


@pytest.mark.parametrize(
    "question, language, topic",
    [
        ("Can SCAD run in families?", "en", "genetics"),
        ("ATS is recessive right? so we are both carriers?", "en", "genetics"),
        ("Darf man mit Morbus Osler tauchen gehen?", "de", "sport"),
        ("con HHT se puede hacer submarinismo?", "es", "sport"),
        ("Wanneer wordt een cavernoom weggehaald?", "nl", "treatment"),
        ("what actually is HHT?", "en", "overview"),
    ],
)
def test_plain_words_of_a_topic_cue_it(question, language, topic):
    assert topic in cue_positions(question, language)
