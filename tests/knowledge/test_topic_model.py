"""The topic model (knowledge/topic_model.py), trained on tests/answers/train/, and how the
router follows it (knowledge/route.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.route import routed_cell
from knowledge.topic_model import TopicModel, build, load_topic_model, training_questions

CELLS = {
    ("hht", "genetics"), ("hht", "travel"), ("marfan", "sport"), ("fmd", "treatment"),
    ("fmd", "overview"), ("moyamoya", "children"), (None, "genetics"),
}  # fmt: skip


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> TopicModel:
    directory = tmp_path_factory.mktemp("topics")
    assert build(directory) is True
    assert build(directory) is False  # inputs unchanged: nothing to do
    return load_topic_model(directory)


def test_the_training_questions_cover_every_topic_in_six_languages() -> None:
    questions = training_questions()
    assert len(questions) >= 3900
    assert {topic for _, topic in questions} == {
        "overview", "symptoms", "genetics", "children", "pregnancy", "sport", "travel",
        "living", "diagnosis", "treatment", "who_to_see",
    }  # fmt: skip


@pytest.mark.parametrize(
    "question, language, cell",
    [
        ("Morbus Osler: bekommen meine Kinder das auch?", "de", ("hht", "genetics")),
        ("Rendu-Osler: mijn kinderen, krijgen die het ook?", "nl", ("hht", "genetics")),
    ],
)
def test_a_question_without_cue_words_is_routed_by_the_model(
    model: TopicModel, question: str, language: str, cell: tuple[str, str]
) -> None:
    assert routed_cell(question, language, CELLS) is None  # the cue words alone do not see it
    assert routed_cell(question, language, CELLS, model) == cell


def test_the_model_wins_over_a_bare_what_is(model: TopicModel) -> None:
    question = "wat is een stent bij FMD en helpt het?"
    assert routed_cell(question, "nl", CELLS) == ("fmd", "overview")
    assert routed_cell(question, "nl", CELLS, model) == ("fmd", "treatment")


def test_a_situation_without_its_cell_is_not_answered_by_another_topic(model: TopicModel) -> None:
    question = "Moyamoya bei meinem Sohn. Darf er beim Schulsport mitmachen?"
    assert routed_cell(question, "de", CELLS, model) is None  # never the children's entry instead


def test_genetics_of_a_condition_without_its_own_entry_goes_to_the_network_wide_one() -> None:
    assert routed_cell("la malattia di moyamoya è ereditaria?", "it", CELLS) == (None, "genetics")


def test_a_missing_model_says_how_to_build_it(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="make index"):
        TopicModel.load(tmp_path)
