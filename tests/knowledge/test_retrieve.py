"""Hybrid retrieval (knowledge/retrieve.py) against the REAL content, indexed once per session."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from knowledge.index import load_encoder, read_index
from knowledge.language_index import Analyzer
from knowledge.retrieval_config import load_config, save_config
from knowledge.retrieve import Retriever


@pytest.mark.parametrize(
    "language, question, entry_id",
    [
        ("en", "can I do sport with Marfan syndrome", "htad-marfan-sport"),
        ("en", "what is moyamoya", "neurovasc-moyamoya-overview"),
        ("en", "how do I get referred to an expert centre", "general-referral"),
        ("en", "lymphoedema compression stockings", "ppl-compression"),
        ("en", "pregnancy with Marfan syndrome", "htad-marfan-pregnancy"),
        ("en", "what is VASCERN", "general-what-is-vascern"),
        ("fr", "peut-on faire du sport avec un syndrome de Marfan ?", "htad-marfan-sport"),
        ("fr", "qu'est-ce que la maladie de moyamoya", "neurovasc-moyamoya-overview"),
        ("fr", "grossesse et syndrome de Marfan", "htad-marfan-pregnancy"),
        ("fr", "bas de compression pour un lymphoedeme", "ppl-compression"),
        ("fr", "comment supprimer mes données", "general-privacy-deletion"),
    ],
)
def test_a_representative_question_finds_the_right_entry_first(
    real_retriever: Retriever, language: str, question: str, entry_id: str
) -> None:
    hits = real_retriever.search(question, language)
    assert hits[0].entry_id == entry_id, [hit.entry_id for hit in hits]
    assert hits[0].language == language


def test_hits_carry_scores_and_a_confidence_between_0_and_1(real_retriever: Retriever) -> None:
    hits = real_retriever.search("nosebleeds in HHT", "en", k=5)
    assert len(hits) == 5
    # the routed cell's chunks first (the topic model may route this one), then by score
    ranked = sorted(hits, key=lambda hit: (hit.routed, hit.score), reverse=True)
    assert [hit.chunk_id for hit in hits] == [hit.chunk_id for hit in ranked]
    assert all(0.0 <= hit.confidence <= 1.0 for hit in hits)
    assert all(-1.0 <= hit.dense <= 1.0 and hit.bm25 >= 0.0 for hit in hits)


def test_search_stays_in_the_language_of_the_question(real_retriever: Retriever) -> None:
    hits = real_retriever.search("saignements de nez et maladie de Rendu-Osler", "fr", k=5)
    assert {hit.language for hit in hits} == {"fr"}


def test_the_disease_in_context_keeps_a_follow_up_on_that_disease(real_retriever: Retriever) -> None:
    without = [hit.entry_id for hit in real_retriever.search("and in children?", "en", k=10)]
    with_hht = real_retriever.search("and in children?", "en", disease="HHT", k=10)
    assert with_hht[0].entry_id == "hht-children"
    assert without[0] != "hht-children"
    assert [hit.entry_id for hit in with_hht] != without


def test_a_follow_up_never_answers_about_another_disease(real_retriever: Retriever) -> None:
    hits = real_retriever.search("is it hereditary?", "en", disease="NEUROVASC")
    assert hits and all(hit.disease in ("NEUROVASC", None) for hit in hits)
    assert real_retriever.search("is it hereditary?", "en")[0].disease != "NEUROVASC"


def test_the_condition_in_context_takes_a_follow_up_to_its_own_entry(real_retriever: Retriever) -> None:
    question = "is there a test for it?"
    hits = real_retriever.search(question, "en", disease="NEUROVASC", condition="cadasil")
    assert hits[0].entry_id == "neurovasc-cadasil-diagnosis" and hits[0].routed
    without = real_retriever.search(question, "en", disease="NEUROVASC")
    assert not without[0].routed  # several NEUROVASC conditions have a diagnosis entry


def test_general_content_stays_eligible_with_a_disease_in_context(real_retriever: Retriever) -> None:
    hits = real_retriever.search("what is VASCERN", "en", disease="HHT")
    assert hits[0].entry_id == "general-what-is-vascern"


def test_an_off_topic_question_gets_a_confidence_below_the_threshold(real_retriever: Retriever) -> None:
    for question, language in [("recipe for a chocolate cake", "en"), ("raconte-moi une blague", "fr")]:
        hits = real_retriever.search(question, language)
        assert hits[0].confidence < real_retriever.threshold, (question, hits[0])


@pytest.fixture(scope="module")
def english_only_retriever(real_index: tuple[Path, Path], model_name: str) -> Retriever:
    """The real index with every chunk but the English ones left out."""
    index, chunks = read_index(real_index[1])
    english = [row for row, chunk in enumerate(chunks) if chunk.language == "en"]
    vectors = np.ascontiguousarray(index.reconstruct_n(0, index.ntotal)[english])
    return Retriever([chunks[row] for row in english], vectors, load_encoder(model_name), load_config())


@pytest.mark.parametrize("language", ["fr", "de"])
def test_a_language_without_content_falls_back_to_english(
    english_only_retriever: Retriever, language: str
) -> None:
    hits = english_only_retriever.search("Marfan syndrome sport", language)
    assert hits and {hit.language for hit in hits} == {"en"}


def test_a_question_naming_its_condition_and_topic_goes_to_that_entry(real_retriever: Retriever) -> None:
    for question, language, entry in (
        ("Ist Morbus Osler erblich?", "de", "hht-genetics"),
        ("posso fare sport con la sindrome di Marfan?", "it", "htad-marfan-sport"),
        ("mon fils a un Klippel-Trenaunay, c'est quoi ?", "fr", "vasca-klippel-trenaunay-overview"),
    ):
        hits = real_retriever.search(question, language)
        assert hits[0].entry_id == entry and hits[0].routed, (question, hits[0].entry_id)
        assert hits[0].confidence >= real_retriever.threshold


def test_a_german_question_is_answered_from_the_german_translation(real_retriever: Retriever) -> None:
    for question, entry in (
        ("Was ist Morbus Osler?", "hht-overview"),
        ("Kann ich mit Morbus Osler schwanger werden?", "hht-pregnancy"),
        ("can I do sport with Marfan syndrome", "htad-marfan-sport"),
    ):
        hits = real_retriever.search(question, "de")
        assert hits[0].entry_id == entry and hits[0].language == "de", (question, hits[0])


def test_an_english_fall_back_comes_back_as_the_same_entries_in_french(real_retriever: Retriever) -> None:
    question = "can people with Marfan syndrome be footballers"  # English words in a French chat
    saved, saved_topics = real_retriever.threshold, real_retriever._topics
    # The topic model reads any language and would route both searches to the same cell;
    # without it, the French index alone cannot match English words, as in a real fall-back.
    real_retriever._topics = None
    try:
        real_retriever.threshold = 1.0  # no fall-back: each language's own best confidence
        french_top = real_retriever.search(question, "fr")[0].confidence
        english = real_retriever.search(question, "en")
        assert english[0].confidence > french_top
        real_retriever.threshold = (french_top + english[0].confidence) / 2
        hits = real_retriever.search(question, "fr")
    finally:
        real_retriever.threshold, real_retriever._topics = saved, saved_topics
    assert [hit.entry_id for hit in hits] == [hit.entry_id for hit in english]
    assert {hit.language for hit in hits} == {"fr"}
    assert [hit.score for hit in hits] == [hit.score for hit in english]


def test_the_single_signal_modes_rank_differently_from_hybrid(real_retriever: Retriever) -> None:
    question = "je saigne souvent du nez avec la maladie de Rendu-Osler"
    rankings = {
        mode: [hit.chunk_id for hit in real_retriever.search(question, "fr", k=5, mode=mode)]
        for mode in Retriever.MODES
    }
    assert len({tuple(ranking) for ranking in rankings.values()}) > 1
    with pytest.raises(ValueError):
        real_retriever.search(question, "fr", mode="magic")


def test_bm25_terms_fold_accents_and_drop_stopwords() -> None:
    analyzer = Analyzer("fr")
    assert analyzer.words("Les hémorragies de l'enfant") == ["hémorragies", "enfant"]
    assert analyzer.stems(["hémorragies"]) == analyzer.stems(["hemorragies"])
    assert "~nez" in analyzer("saignement de nez")


def test_the_config_file_round_trips_with_its_comments(tmp_path: Path) -> None:
    config = replace(load_config(), threshold=0.5, calibration={"questions": 3})
    path = tmp_path / "retrieval.yml"
    save_config(config, path)
    assert load_config(path) == config
    assert path.read_text(encoding="utf-8").startswith("# Retrieval settings")
