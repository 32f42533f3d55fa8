"""The red-flag rules (safety/rules.py and the vocabularies): behaviour on sentences written
while building them. How the whole safety layer does on the dev and blind sets is
tests/safety/test_sets.py."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from common.languages import LANGUAGES
from safety import rules
from safety.rules import CATEGORIES, RedFlag, detect_red_flag
from safety.vocabulary import load_vocabulary

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
REPORT = ROOT / "var" / "reports" / "safety.txt"

MIN_RECALL = 1.0
MAX_FPR = 0.03


# --------------------------------------------------------------------------- vocabularies


def _rule_concepts(category: str) -> set[str]:
    """Concepts (not derived ones) that the rules of a category, and their derivations, use."""
    derived = {r.output: r for r in rules.RULES if r.output.isupper()}
    needed: set[str] = set()
    todo = [r for r in rules.RULES if r.output == category]
    seen: set[str] = set()
    while todo:
        rule = todo.pop()
        for group in (*rule.groups, *rule.context):
            for concept in group:
                if concept in derived:
                    if concept not in seen:
                        seen.add(concept)
                        todo.extend(r for r in rules.RULES if r.output == concept)
                else:
                    needed.add(concept)
    return needed


CUE_CONCEPTS = ("negation", "hypothetical", "info", "question_start", "history", "chronic", "now", "neutral")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_file_loads_and_covers_every_category(language: str) -> None:
    vocab = load_vocabulary(language)
    assert vocab.language == language
    with_terms = {t.concept for t in vocab.terms}
    for category in CATEGORIES:
        missing = _rule_concepts(category) - with_terms
        assert not missing, f"{language}: category {category} lacks concepts {sorted(missing)}"
    assert not set(CUE_CONCEPTS) - with_terms, f"{language}: missing cue concepts"
    assert len(vocab.common) >= 50, f"{language}: too few common words to guess the language"


def test_public_interface() -> None:
    assert CATEGORIES == (
        "dissection_rupture",
        "stroke",
        "bleeding",
        "limb_ischaemia",
        "unconscious",
        "pregnancy",
        "seizure",
        "self_harm",
    )
    flag = detect_red_flag("sudden tearing chest pain")
    assert isinstance(flag, RedFlag)
    assert flag.category == "dissection_rupture"
    assert flag.language == "en"
    with pytest.raises(dataclasses.FrozenInstanceError):
        flag.category = "stroke"  # type: ignore[misc]


# --------------------------------------------------------------------------- behaviour


@pytest.mark.parametrize(
    "text",
    [
        "my daughter has had one seizure after another for half an hour",
        "mon fils convulse depuis 10 minutes et ne se reveille pas",
        "mein Mann hat einen Krampfanfall nach dem anderen, er wacht nicht auf",
        "mio figlio ha le convulsioni da 6 minuti e non si ferma",
        "mi hija lleva 7 minutos con convulsiones y no para",
        "mijn zoon heeft al 8 minuten een epileptische aanval, hij stopt niet",
    ],
)
def test_a_seizure_that_goes_on_or_comes_again_is_an_emergency(text: str) -> None:
    flag = detect_red_flag(text)
    assert flag is not None and flag.category == "seizure"


@pytest.mark.parametrize(
    "text",
    [
        "she had a seizure in 2019 and has been fine since, can she drive?",
        "après combien de minutes une crise convulsive devient-elle une urgence ?",
        "mein Sohn hatte letzte Woche einen Krampfanfall, heute geht es ihm gut",
        "se mio figlio avesse convulsioni a scuola, chi gli dà il farmaco?",
        "mi madre tuvo epilepsia de joven, ¿es hereditario?",
        "wanneer moet je 112 bellen bij een epileptische aanval?",
    ],
)
def test_a_seizure_in_the_past_a_question_or_a_hypothesis_is_not_one(text: str) -> None:
    flag = detect_red_flag(text)
    assert flag is None or flag.category != "seizure"


@pytest.mark.parametrize("text", ["", "   ", "?!", "\n\n", "👍"])
def test_empty_or_wordless_message_is_not_an_emergency(text: str) -> None:
    assert detect_red_flag(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "no chest pain, just a question about my beta blocker",
        "pas de douleur dans la poitrine, c'est juste une question",
        "keine Schmerzen in der Brust, nur eine Frage",
        "senza dolore al petto, solo una domanda",
        "sin dolor en el pecho, solo una pregunta",
        "geen pijn op de borst, alleen een vraag",
    ],
)
def test_negated_chest_pain_is_not_an_emergency(text: str) -> None:
    assert detect_red_flag(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "coughing blood? no. short of breath? no. just a cold, can I take cough syrup?",
        "malaise ? non. sang dans les selles ? non. juste fatiguée, je refais une prise de sang ?",
        "Blut im Stuhl? Nein. Schwindel? Nein. Nur müde, soll ich das Eisen erhöhen?",
        "dolore al petto no, svenimenti no, solo mal di schiena dopo il trasloco",
        "vómito con sangre? no. mareo? no. solo quiero saber si sigo con el hierro",
        "bloed ophoesten? nee. benauwd? nee. alleen verkouden, mag ik hoestsiroop?",
    ],
)
def test_a_checklist_answered_no_is_not_an_emergency(text: str) -> None:
    assert detect_red_flag(text) is None


@pytest.mark.parametrize(
    "text, category",
    [
        ("he is coughing blood, no idea why, what do I do", "bleeding"),
        ("elle ne répond pas du tout, elle a les yeux ouverts", "unconscious"),
        ("hat er Brustschmerzen? Nein. Er ist bewusstlos!", "unconscious"),
    ],
)
def test_a_no_that_answers_nothing_leaves_the_sign(text: str, category: str) -> None:
    flag = detect_red_flag(text)
    assert flag is not None and flag.category == category


@pytest.mark.parametrize(
    "text",
    [
        "douleur dechirante dans le dos, j'ai un marfan",
        "dechirure atroce dans le dos depuis 10 minutes",
        "g une douleur qui dechire le dos d un coup",
    ],
)
def test_tearing_back_pain_in_french_without_accents_is_dissection(text: str) -> None:
    flag = detect_red_flag(text)
    assert flag is not None and flag.category == "dissection_rupture" and flag.language == "fr"


@pytest.mark.parametrize(
    "text",
    [
        "Was sind die Anzeichen eines Schlaganfalls?",
        "Woran erkenne ich einen Schlaganfall bei meinem Kind mit Moyamoya?",
        "Welche Symptome hat ein Schlaganfall, z.B. hängender Mundwinkel?",
    ],
)
def test_question_about_stroke_signs_in_german_is_not_an_emergency(text: str) -> None:
    assert detect_red_flag(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "Ehrlich gesagt bin ich damit nicht zufrieden.",  # no "nicht reden" in "zufrieden"
        "Muss ich beim Langstreckenflug Thrombosespritzen nehmen?",  # no "ritzen" (cutting)
    ],
)
def test_a_word_is_not_read_as_a_compound_of_an_unknown_head_and_a_short_or_misspelt_tail(text: str) -> None:
    assert detect_red_flag(text) is None


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Mijn vader heeft net bloed overgegeven en ziet grauw", "bleeding"),
        (
            "Meine Frau hat plötzlich starke Bauchschmerzen und Rückenschmerzen und ist kreidebleich",
            "dissection_rupture",
        ),
    ],
)
def test_a_compound_whose_tail_is_most_of_the_word_still_counts(text: str, category: str) -> None:
    flag = detect_red_flag(text)
    assert flag is not None and flag.category == category


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "I want to end it all"),
        ("fr", "je veux mourir"),
        ("de", "ich will mich umbringen"),
        ("it", "voglio farla finita"),
        ("es", "quiero suicidarme"),
        ("nl", "ik wil dood"),
    ],
)
def test_self_harm_intent_is_an_emergency_in_every_language(language: str, text: str) -> None:
    assert detect_red_flag(text) == RedFlag("self_harm", language, detect_red_flag(text).evidence)


@pytest.mark.parametrize(
    "text",
    [
        "I'm so anxious about my Marfan diagnosis",
        "je suis très angoissée depuis le diagnostic",
        "ich habe Angst vor der nächsten Untersuchung",
        "sono molto preoccupata per la mia malattia",
        "estoy muy nerviosa por la operación",
        "ik maak me zorgen over mijn aorta",
    ],
)
def test_general_anxiety_without_self_harm_intent_is_not_an_emergency(text: str) -> None:
    assert detect_red_flag(text) is None


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("sudden ripping pain in my back, I have vEDS", "dissection_rupture"),
        ("j'ai une douleur brutale et atroce dans le ventre", "dissection_rupture"),
        ("plötzlich reißende Schmerzen im Rücken", "dissection_rupture"),
        ("dolore lancinante alla schiena all'improvviso", "dissection_rupture"),
        ("de repente un dolor desgarrador en el pecho", "dissection_rupture"),
        ("ineens scheurende pijn in mijn rug", "dissection_rupture"),
        ("her face is drooping and she can't raise her arm", "stroke"),
        ("sa bouche est de travers et il ne peut plus parler", "stroke"),
        ("mein Kind kann plötzlich seinen Arm nicht mehr bewegen", "stroke"),
        ("mio figlio all'improvviso non riesce a muovere il braccio", "stroke"),
        ("mi hija de repente no puede hablar", "stroke"),
        ("mijn dochter kan ineens niet meer praten", "stroke"),
        ("I am coughing up blood", "bleeding"),
        ("je crache du sang", "bleeding"),
        ("ich erbreche Blut", "bleeding"),
        ("sto vomitando sangue", "bleeding"),
        ("estoy tosiendo sangre", "bleeding"),
        ("ik braak bloed", "bleeding"),
        ("my hand suddenly went cold and white", "limb_ischaemia"),
        ("mon pied est devenu froid et blanc d'un coup", "limb_ischaemia"),
        ("he collapsed and is not breathing", "unconscious"),
        ("elle ne respire plus", "unconscious"),
        ("er ist bewusstlos", "unconscious"),
        ("non risponde più", "unconscious"),
        ("no responde", "unconscious"),
        ("hij is bewusteloos", "unconscious"),
    ],
)
def test_acute_symptom_happening_now_is_an_emergency_of_its_category(text: str, category: str) -> None:
    flag = detect_red_flag(text)
    assert flag is not None, text
    assert flag.category == category
    assert flag.evidence and flag.evidence in " ".join(text.split())


@pytest.mark.parametrize(
    "text",
    [
        "suddn tearng chest pian",
        "SUDDEN CHEST PAIN!!!",
        "douleur thoracik brutalle",
        "ploetzlich starke brustschmerzen",
        "dolore fortisimo al peto improviso",
        "dolor muy fuerte en el pexo de repente",
        "plotseling heftige borstpyn",
    ],
)
def test_typos_missing_accents_and_shouting_still_detect_acute_chest_pain(text: str) -> None:
    flag = detect_red_flag(text)
    assert flag is not None and flag.category == "dissection_rupture"


@pytest.mark.parametrize(
    "text",
    [
        "I have sudden chest pain, is it dangerous?",
        "j'ai une douleur brutale dans la poitrine, c'est grave ?",
        "ich habe plötzlich starke Brustschmerzen, ist das gefährlich?",
        "ho un dolore improvviso al petto, è pericoloso?",
        "tengo un dolor de pecho repentino, ¿es grave?",
        "ik heb ineens hevige pijn op mijn borst, is dat gevaarlijk?",
    ],
)
def test_symptom_happening_now_with_a_question_about_danger_is_an_emergency(text: str) -> None:
    flag = detect_red_flag(text)
    assert flag is not None and flag.category == "dissection_rupture"


@pytest.mark.parametrize(
    "text",
    [
        "what should I do if I get chest pain?",
        "que faire si j'ai une douleur brutale dans le dos ?",
        "was soll ich tun, wenn ich plötzlich Brustschmerzen habe?",
        "cosa devo fare se ho un dolore improvviso al petto?",
        "¿qué hago si tengo un dolor repentino en el pecho?",
        "wat moet ik doen als ik plotseling pijn op de borst krijg?",
    ],
)
def test_hypothetical_question_is_not_an_emergency(text: str) -> None:
    assert detect_red_flag(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "what are the signs of a dissection?",
        "quels sont les symptômes d'un AVC ?",
        "Welche Symptome hat eine Aortendissektion?",
        "quali sono i sintomi di un ictus?",
        "¿cuáles son los síntomas de un ictus?",
        "wat zijn de symptomen van een beroerte?",
    ],
)
def test_question_about_warning_signs_is_not_an_emergency(text: str) -> None:
    assert detect_red_flag(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "my father died of an aortic dissection",
        "j'ai fait un AVC en 2019",
        "mein Vater ist an einer Aortendissektion gestorben",
        "ho avuto un ictus nel 2019",
        "tuve un ictus en 2019",
        "ik heb in 2019 een beroerte gehad",
    ],
)
def test_past_event_is_not_an_emergency(text: str) -> None:
    assert detect_red_flag(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "my legs are always swollen",
        "small nosebleeds every day",
        "j'ai souvent les mains froides et blanches",
        "ich habe ständig leichtes Nasenbluten",
        "ho spesso le mani fredde",
        "tengo pequeños sangrados de nariz todos los días",
        "ik heb vaak een bloedneus",
    ],
)
def test_chronic_or_mild_complaint_is_not_an_emergency(text: str) -> None:
    assert detect_red_flag(text) is None


@pytest.mark.parametrize(
    ("text", "emergency"),
    [
        ("my son has a nosebleed", False),
        ("my son has had a nosebleed for an hour and he is very pale and dizzy", True),
        ("mon fils saigne du nez", False),
        ("mon fils saigne du nez depuis 2 heures, il est tout pâle et a des vertiges", True),
    ],
)
def test_nosebleed_is_an_emergency_only_with_danger_signs(text: str, emergency: bool) -> None:
    flag = detect_red_flag(text)
    assert (flag is not None) is emergency
    if emergency:
        assert flag.category == "bleeding"


@pytest.mark.parametrize(
    ("text", "emergency"),
    [
        ("I'm 30 weeks pregnant with vascular EDS and have severe belly pain", True),
        ("je suis enceinte, j'ai un Marfan et je saigne beaucoup", True),
        ("Can I get pregnant with HHT?", False),
        ("la grossesse est-elle dangereuse avec un SED vasculaire ?", False),
    ],
)
def test_pregnancy_with_a_vascular_disease_and_symptoms_is_a_pregnancy_emergency(
    text: str, emergency: bool
) -> None:
    flag = detect_red_flag(text)
    assert (flag is not None) is emergency
    if emergency:
        assert flag.category == "pregnancy"


def test_a_little_girl_who_suddenly_cannot_move_her_arm_is_a_stroke() -> None:
    flag = detect_red_flag("my little girl suddenly can't move her arm")
    assert flag is not None and flag.category == "stroke"


@pytest.mark.parametrize(
    "text",
    [
        "how many pills before it stops your heart, I have it all here",
        "combien de comprimés pour que le cœur s'arrête ?",
        "ich habe die Abschiedsbriefe geschrieben",
        "quante pastiglie per fermare il cuore?",
        "he escrito cartas de despedida a mis hijos",
        "ik sta klaar om van de brug springen",
    ],
)
def test_an_overdose_question_a_farewell_letter_or_a_bridge_is_self_harm(text):
    flag = detect_red_flag(text)
    assert flag is not None and flag.category == "self_harm", (text, flag)
