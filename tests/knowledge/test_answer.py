"""Composing answers (knowledge/answer.py) and calibrating when to give one (`calibrate`)."""

from __future__ import annotations

import pytest

from knowledge.__main__ import Outcome, choose_threshold, fit_confidence
from knowledge.answer import MAX_ANSWER_WORDS, MAX_SOURCES, compose_answer, trim_to_words
from knowledge.retrieve import Hit, Retriever

SOURCE_FIELDS = {"id", "title", "url", "disease", "language", "reviewed"}


def make_hit(entry_id: str = "hht-nosebleeds", confidence: float = 0.9, **fields: object) -> Hit:
    """A hit with plausible fields; override any of them."""
    values: dict[str, object] = {
        "chunk_id": f"{entry_id}.en#0",
        "entry_id": entry_id,
        "language": "en",
        "disease": "HHT",
        "condition": "hht",
        "topic": "symptoms",
        "title": f"Title of {entry_id}",
        "text": "Nosebleeds are common. They often start in childhood.",
        "url": f"https://vascern.eu/{entry_id}",
        "sources": [f"https://vascern.eu/{entry_id}"],
        "reviewed": "2026-11-22",
        "score": 1.0,
        "dense": 0.6,
        "bm25": 10.0,
        "coverage": 0.8,
        "margin": 0.2,
        "terms": 3,
        "confidence": confidence,
    }
    values.update(fields)
    return Hit(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "language, question",
    [
        ("en", "can I do sport with Marfan syndrome"),
        ("fr", "peut-on faire du sport avec un syndrome de Marfan ?"),
        ("en", "what is VASCERN"),
    ],
)
def test_an_answer_is_at_most_120_words_with_sources(
    real_retriever: Retriever, language: str, question: str
) -> None:
    hits = real_retriever.search(question, language)
    answer = compose_answer(hits, language, threshold=0.0)
    assert answer is not None
    assert len(answer.text.split()) <= MAX_ANSWER_WORDS
    assert answer.sources, "the API promises sources are never empty"
    assert answer.sources[0]["id"] == hits[0].entry_id
    assert all(set(source) == SOURCE_FIELDS for source in answer.sources)
    assert answer.disease == hits[0].disease


def test_below_the_threshold_there_is_no_answer(real_retriever: Retriever) -> None:
    hits = real_retriever.search("recipe for a chocolate cake", "en")
    assert compose_answer(hits, "en", real_retriever.threshold) is None
    assert compose_answer([], "en", 0.0) is None
    assert compose_answer([make_hit(confidence=0.49)], "en", 0.5) is None


def test_sources_are_deduplicated_by_entry_best_first_and_at_most_three() -> None:
    hits = [
        make_hit("a", 0.9),
        make_hit("a", 0.8, chunk_id="a.en#1"),
        make_hit("b", 0.8),
        make_hit("c", 0.7),
        make_hit("d", 0.7),
    ]
    answer = compose_answer(hits, "en", threshold=0.5)
    assert answer is not None
    assert [source["id"] for source in answer.sources] == ["a", "b", "c"]
    assert len(answer.sources) == MAX_SOURCES


def test_a_second_chunk_of_the_same_entry_is_added_when_it_fits() -> None:
    first = make_hit("a", 0.9, text="First part. It is short.")
    second = make_hit("a", 0.6, chunk_id="a.en#1", text="Second part. Also short.")
    answer = compose_answer([first, make_hit("b", 0.8), second], "en", threshold=0.5)
    assert answer is not None
    assert answer.text == "First part. It is short.\n\nSecond part. Also short."


def test_a_long_chunk_is_trimmed_on_a_sentence_boundary() -> None:
    sentence = "This sentence has exactly eight words in it."
    text = " ".join([sentence] * 20)  # 160 words
    answer = compose_answer([make_hit(text=text)], "en", threshold=0.5)
    assert answer is not None
    assert len(answer.text.split()) == 120
    assert answer.text.endswith("in it.")


def test_a_single_overlong_sentence_is_cut_with_an_ellipsis() -> None:
    trimmed = trim_to_words("word " * 200, 120)
    assert len(trimmed.split()) == 119
    assert trimmed.endswith("…")


@pytest.mark.parametrize(
    "language, opening",
    [("fr", "Cette information n'existe"), ("it", "Per ora questa risposta è disponibile solo in inglese")],
)
def test_an_english_answer_to_a_question_in_another_language_says_so(language: str, opening: str) -> None:
    answer = compose_answer([make_hit(language="en")], language, threshold=0.5)
    assert answer is not None
    assert answer.text.startswith(opening)
    assert len(answer.text.split()) <= MAX_ANSWER_WORDS
    assert answer.sources[0]["language"] == "en"


def test_the_threshold_minimises_the_cost_of_wrong_answers_and_refusals() -> None:
    outcomes = [
        Outcome(0.9, answerable=True, correct=True),
        Outcome(0.8, answerable=True, correct=True),
        Outcome(0.7, answerable=True, correct=False),  # answering costs 3, refusing 1
        Outcome(0.6, answerable=False, correct=False),
        Outcome(0.3, answerable=True, correct=True),
    ]
    threshold = choose_threshold(outcomes)
    assert 0.7 < threshold <= 0.8  # answer the two right ones, refuse the rest


def test_the_confidence_model_learns_that_higher_scores_mean_right_answers() -> None:
    high = {"cosine": 0.7, "coverage": 0.9, "margin": 0.2, "terms": 1.6}
    low = {"cosine": 0.3, "coverage": 0.2, "margin": 0.0, "terms": 0.7}
    model = fit_confidence([high] * 10 + [low] * 10, [True] * 10 + [False] * 10)
    assert set(model) == {"bias", "cosine", "coverage", "margin", "terms"}
    assert all(model[name] > 0 for name in high)
