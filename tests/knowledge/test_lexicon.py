"""Finding disease names in free text and mapping them to working groups (knowledge/lexicon.py)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from common.groups import WORKING_GROUPS as GROUPS
from knowledge.lexicon import DISEASES_FILE, LexiconError, find_diseases, load_lexicon

# A message must be read in less than this many milliseconds (the brief's budget).
MAX_MESSAGE_MS = 2.0


def _codes(text: str) -> list[tuple[str | None, str | None]]:
    return [(mention.code, mention.condition) for mention in find_diseases(text)]


@pytest.mark.parametrize(
    "text, code, condition",
    [
        ("centre HHT près de Lyon", "HHT", "hht"),
        ("Marfan expert in Belgium", "HTAD", "marfan"),
        ("Ehlers-Danlos vasculaire Italie", "MSA", "veds"),
        ("maladie de Rendu-Osler", "HHT", "hht"),
        ("Morbus Osler", "HHT", "hht"),
        ("teleangectasia emorragica", "HHT", "hht"),
        ("ROW", "HHT", "hht"),
        ("MFS", "HTAD", "marfan"),
        ("Loeys-Dietz", "HTAD", "loeys_dietz"),
        ("LDS", "HTAD", "loeys_dietz"),
        ("anévrisme de l'aorte", "HTAD", "ftaad"),
        ("familial thoracic aortic aneurysm", "HTAD", "ftaad"),
        ("arterial tortuosity syndrome", "HTAD", "arterial_tortuosity"),
        ("vEDS", "MSA", "veds"),
        ("SEDv", "MSA", "veds"),
        ("EDS IV", "MSA", "veds"),
        ("SED vasculaire", "MSA", "veds"),
        ("fibromuscular dysplasia", "MSA", "fmd"),
        ("dysplasie fibromusculaire", "MSA", "fmd"),
        ("FMD", "MSA", "fmd"),
        ("DFM", "MSA", "fmd"),
        ("SCAD", "MSA", "scad"),
        ("dissection coronaire", "MSA", "scad"),
        ("lymphoedema", "PPL", "primary_lymphoedema"),
        ("lymphedema", "PPL", "primary_lymphoedema"),
        ("lymphœdème", "PPL", "primary_lymphoedema"),
        ("Lymphödem", "PPL", "primary_lymphoedema"),
        ("linfedema", "PPL", "primary_lymphoedema"),
        ("Milroy disease", "PPL", "milroy"),
        ("maladie de Meige", "PPL", "primary_lymphoedema"),
        ("venous malformation", "VASCA", "venous_malformation"),
        ("capillary malformation", "VASCA", "capillary_malformation"),
        ("lymphatic malformation", "VASCA", "lymphatic_malformation"),
        ("arteriovenous malformation", "VASCA", "avm"),
        ("AVM", "VASCA", "avm"),
        ("MAV", "VASCA", "avm"),
        ("port-wine stain", "VASCA", "capillary_malformation"),
        ("angiome plan", "VASCA", "capillary_malformation"),
        ("hémangiome", "VASCA", "infantile_haemangioma"),
        ("Klippel-Trenaunay", "VASCA", "klippel_trenaunay"),
        ("CLOVES", "VASCA", "pros"),
        ("PROS", "VASCA", "pros"),
        ("Parkes Weber", "VASCA", "overgrowth"),
        ("Sturge-Weber", "VASCA", "sturge_weber"),
        ("brain AVM", "NEUROVASC", "brain_avm"),
        ("brain AVMs", "NEUROVASC", "brain_avm"),
        ("malformaciones arteriovenosas cerebrales", "NEUROVASC", "brain_avm"),
        ("arteriovenöse Malformationen im Gehirn", "NEUROVASC", "brain_avm"),
        ("AVM in my leg", "VASCA", "avm"),
        ("an AVM in my brain", "NEUROVASC", "brain_avm"),
        ("una MAV en el cerebro", "NEUROVASC", "brain_avm"),
        ("CM-AVM", "VASCA", "cm_avm"),
        ("moyamoya", "NEUROVASC", "moyamoya"),
        ("CADASIL", "NEUROVASC", "cadasil"),
        ("cavernoma", "NEUROVASC", "cerebral_cavernous_malformation"),
        ("cavernome", "NEUROVASC", "cerebral_cavernous_malformation"),
        ("cavernous angioma", "NEUROVASC", "cerebral_cavernous_malformation"),
        ("CCM", "NEUROVASC", "cerebral_cavernous_malformation"),
        ("childhood stroke", "NEUROVASC", "childhood_stroke"),
        ("paediatric stroke", "NEUROVASC", "childhood_stroke"),
        ("AVC de l'enfant", "NEUROVASC", "childhood_stroke"),
    ],
)
def test_synonyms_and_abbreviations_map_to_their_group(text, code, condition):
    assert _codes(text) == [(code, condition)]


@pytest.mark.parametrize(
    "text, code, condition",
    [
        ("marfans", "HTAD", "marfan"),
        ("rendu osler", "HHT", "hht"),
        ("ehler danlos vasculaire", "MSA", "veds"),
        ("lymphoedeme", "PPL", "primary_lymphoedema"),
        ("moya moya", "NEUROVASC", "moyamoya"),
        ("Rendu Olser", "HHT", "hht"),
        ("dysplasie fibromusculair", "MSA", "fmd"),
        ("lymphoedmea", "PPL", "primary_lymphoedema"),
        ("malformations artérioveineuses", "VASCA", "avm"),
        ("cadacil", "NEUROVASC", "cadasil"),
        ("marphan", "HTAD", "marfan"),
        ("Lois Deitz", "HTAD", "loeys_dietz"),
        ("klipel trenoney", "VASCA", "klippel_trenaunay"),
    ],
)
def test_missing_accents_hyphens_and_mild_typos_are_tolerated(text, code, condition):
    assert _codes(text) == [(code, condition)]


@pytest.mark.parametrize(
    "text, code, condition",
    [
        ("une mutation RASA1", "VASCA", "cm_avm"),
        ("das Gen heißt FOXC2", "PPL", "lymphoedema_distichiasis"),
        ("una variante en MYH11", "HTAD", "ftaad"),
        ("ATS is recessive right?", "HTAD", "arterial_tortuosity"),
        ("Gibt es eine Behandlung für das Tortuositätssyndrom?", "HTAD", "arterial_tortuosity"),
        ("Die Lymphmalformation meines Sohnes", "VASCA", "lymphatic_malformation"),
        ("wie wird gefäß-ehlers-danlos festgestellt?", "MSA", "veds"),
        ("por el Osler", "HHT", "hht"),
        ("my VM aches", "VASCA", "venous_malformation"),
        ("Le pasó una disección espontánea de arteria coronaria", "MSA", "scad"),
    ],
)
def test_genes_short_forms_and_everyday_names_are_read(text, code, condition):
    assert _codes(text) == [(code, condition)]


@pytest.mark.parametrize(
    "text, condition",
    [
        ("diabetes", "diabetes"),
        ("asthme", "asthma"),
        ("lupus", "lupus"),
        ("sclérose en plaques", "multiple_sclerosis"),
        ("maladie de Crohn", "crohn"),
        ("varicose veins", "varicose_veins"),
        ("athérosclérose", "atherosclerosis"),
        ("Raynaud", "raynaud"),
        ("cancer", "cancer"),
        ("hypermobile Ehlers-Danlos", "heds"),
        ("hEDS", "heds"),
        ("classical EDS", "ceds"),
        ("lipœdème", "lipoedema"),
    ],
)
def test_diseases_outside_the_network_have_no_code(text, condition):
    assert _codes(text) == [(None, condition)]


def test_ehlers_danlos_alone_is_the_non_vascular_type():
    [mention] = find_diseases("I have Ehlers-Danlos")
    assert (mention.code, mention.name) == (None, "Ehlers-Danlos (non-vascular type)")


@pytest.mark.parametrize(
    "text",
    [
        "Ehlers-Danlos syndrome, the vascular type",
        "syndrome d'Ehlers-Danlos, forme vasculaire",
        "Ehlers-Danlos type IV",
        "EDS with a COL3A1 variant",
    ],
)
def test_ehlers_danlos_with_a_vascular_qualifier_is_msa(text):
    assert [m.code for m in find_diseases(text)] == ["MSA"]


@pytest.mark.parametrize(
    "text",
    [
        "my daughter had a stroke at 4",
        "Onze zoon had een herseninfarct rond de geboorte",
        "Mi hijo tuvo un ictus",
    ],
)
def test_a_stroke_beside_a_son_a_daughter_or_a_birth_is_a_child_s(text):
    assert _codes(text) == [("NEUROVASC", "childhood_stroke")]


def test_a_stroke_in_a_child_is_neurovasc_and_in_an_adult_is_outside():
    assert _codes("my son had a stroke when he was a baby") == [("NEUROVASC", "childhood_stroke")]
    assert _codes("my father had a stroke") == [(None, "stroke")]


def test_a_qualifier_inside_another_mention_does_not_count():
    assert _codes("vascular malformation and Ehlers-Danlos") == [("VASCA", None), (None, "eds_non_vascular")]


def test_the_longest_match_wins_without_overlaps():
    text = "Ma fille a un syndrome d'Ehlers-Danlos vasculaire et une malformation artério-veineuse cérébrale"
    mentions = find_diseases(text)
    assert [(m.code, text[m.start : m.end]) for m in mentions] == [
        ("MSA", "syndrome d'Ehlers-Danlos vasculaire"),
        ("NEUROVASC", "malformation artério-veineuse cérébrale"),
    ]
    assert all(a.end <= b.start for a, b in zip(mentions, mentions[1:], strict=False))


@pytest.mark.parametrize(
    "text",
    [
        "is there anyone in Ireland?",
        "I want to cancel my appointment",
        "Marian is my name",
        "in a row",
        "pros and cons",
        "tengo sed",
        "the doctor said it was a strike of bad luck",
        "Bonjour, merci pour votre aide",
    ],
)
def test_ordinary_words_are_not_diseases(text):
    assert find_diseases(text) == []


def test_every_working_group_has_names_in_the_lexicon():
    samples = ["HHT", "Marfan", "vEDS", "lymphoedema", "venous malformation", "moyamoya"]
    assert [find_diseases(sample)[0].code for sample in samples] == list(GROUPS)


def test_a_message_is_read_in_less_than_two_milliseconds():
    messages = [
        "Bonjour, ma fille de 12 ans a une maladie de Rendu-Osler et des saignements de nez, "
        "y a-t-il un centre près de Lyon ?",
        "Mein Sohn hat ein vaskuläres Ehlers-Danlos-Syndrom und eine Gefäßfehlbildung am Arm, "
        "was können wir tun?",
        "I was told I might have fibromuscular dysplasia or SCAD after a heart attack, "
        "is there an expert in Belgium?",
    ]
    find_diseases("warm up")
    start = time.perf_counter()
    rounds = 50
    for _ in range(rounds):
        for message in messages:
            find_diseases(message)
    elapsed_ms = (time.perf_counter() - start) * 1000 / (rounds * len(messages))
    assert elapsed_ms < MAX_MESSAGE_MS


def test_the_shipped_lexicon_loads():
    assert load_lexicon(DISEASES_FILE).names


@pytest.mark.parametrize(
    "entry, message",
    [
        ("  - {condition: x, code: ABC, name: X, names: {en: [xyz disease]}}", "code 'ABC' is not one of"),
        ("  - {condition: x, code: HHT, name: X, names: {pt: [xyz doença]}}", "unknown language"),
        ("  - {condition: x, code: HHT, name: X, names: {en: [Marfan]}}", "'marfan' is already a name of"),
        ("  - {condition: x, code: HHT, name: X, nmes: {en: [xyz]}}", "unknown field"),
        (
            "  - {condition: x, code: HHT, name: X, becomes: {condition: nope, words: [a], window: 2}}",
            "'nope'",
        ),
    ],
)
def test_an_inconsistent_lexicon_is_rejected(tmp_path: Path, entry, message):
    path = tmp_path / "diseases.yml"
    base = "conditions:\n  - {condition: marfan, code: HTAD, name: Marfan syndrome, names: {en: [Marfan]}}\n"
    path.write_text(base + entry + "\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=message):
        load_lexicon(path)
