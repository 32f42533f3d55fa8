"""Validation of curated entries (knowledge/entries.py, `python -m knowledge validate`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from knowledge.__main__ import main
from knowledge.entries import REQUIRED_FIELDS, content_hash, load_entries

NOSEBLEEDS_EN = "hht/hht-nosebleeds.en.yml"


def problems_of(content: Path) -> list[str]:
    return [str(problem) for problem in load_entries(content)[1]]


def line_of(path: Path, field: str) -> int:
    """1-based line where `field:` starts in `path`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if line.startswith(f"{field}:"))


def test_a_valid_tree_loads_every_entry_without_problems(tiny_content: Path) -> None:
    entries, problems = load_entries(tiny_content)
    assert problems == []
    assert len(entries) == 6
    assert {entry.language for entry in entries} == {"en", "fr"}


@pytest.mark.parametrize("field", REQUIRED_FIELDS)
def test_an_entry_missing_a_required_field_is_rejected_naming_file_and_line(
    content_factory: Callable[..., Path], field: str
) -> None:
    content = content_factory({"hht-nosebleeds.en": {field: None}})
    problems = problems_of(content)
    assert any(f"hht-nosebleeds.en.yml:1: missing field '{field}'" in problem for problem in problems), (
        problems
    )


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("language", "pt", "language 'pt' is not one of en, fr, de, it, es, nl"),
        ("disease", "XYZ", "unknown disease code 'XYZ'"),
        ("topic", "gossip", "unknown topic 'gossip'"),
        ("condition", "flu", "unknown condition 'flu'"),
        ("sources", ["ftp://example.org/file"], "is not an http(s) URL"),
        ("sources", [], "field 'sources' is empty"),
        ("reviewed", "22/11/2026", "is not an ISO date"),
        ("title", "  ", "field 'title' must be non-empty text"),
        ("body", "word " * 131, "body has 131 words, more than 130"),
        ("id", "HHT Nosebleeds", "is not a lower-case slug"),
    ],
)
def test_a_bad_value_is_rejected_at_the_line_of_its_field(
    content_factory: Callable[..., Path], field: str, value: object, message: str
) -> None:
    content = content_factory({"hht-nosebleeds.en": {field: value}})
    path = content / NOSEBLEEDS_EN
    expected = f"hht-nosebleeds.en.yml:{line_of(path, field)}: "
    problems = problems_of(content)
    assert any(expected in problem and message in problem for problem in problems), problems


def test_a_file_not_named_after_its_id_and_language_is_rejected(
    content_factory: Callable[..., Path],
) -> None:
    content = content_factory()
    (content / NOSEBLEEDS_EN).rename(content / "hht" / "nosebleeds.yml")
    assert any("nosebleeds.yml:1: file name must be hht-nosebleeds.en.yml" in p for p in problems_of(content))


def test_an_entry_outside_the_folder_of_its_group_is_rejected(content_factory: Callable[..., Path]) -> None:
    content = content_factory()
    (content / "general" / "hht-nosebleeds.en.yml").write_bytes((content / NOSEBLEEDS_EN).read_bytes())
    (content / NOSEBLEEDS_EN).unlink()
    line = line_of(content / "general" / "hht-nosebleeds.en.yml", "disease")
    assert any(
        f"general/hht-nosebleeds.en.yml:{line}: a HHT entry belongs in hht/" in p
        for p in problems_of(content)
    )


def test_a_null_disease_is_allowed_only_under_general(content_factory: Callable[..., Path]) -> None:
    content = content_factory()
    path = content / NOSEBLEEDS_EN
    path.write_text(
        path.read_text(encoding="utf-8").replace("disease: HHT", "disease: null"), encoding="utf-8"
    )
    line = line_of(path, "disease")
    assert any(f"en.yml:{line}: disease may be null only under general/" in p for p in problems_of(content))


def test_a_duplicate_id_in_one_language_is_rejected(content_factory: Callable[..., Path]) -> None:
    content = content_factory()
    copy = content / "hht" / "copy"
    copy.mkdir()
    (copy / "hht-nosebleeds.en.yml").write_bytes((content / NOSEBLEEDS_EN).read_bytes())
    problems = problems_of(content)
    assert any("duplicate id 'hht-nosebleeds' for language en" in p for p in problems), problems


def test_an_entry_without_its_other_language_is_rejected(content_factory: Callable[..., Path]) -> None:
    content = content_factory()
    (content / "hht" / "hht-nosebleeds.fr.yml").unlink()
    problems = problems_of(content)
    assert any("hht-nosebleeds.en.yml:1: no fr version of 'hht-nosebleeds'" in p for p in problems), problems


@pytest.mark.parametrize(
    "field, value",
    [
        ("topic", "treatment"),
        ("reviewed", "2025-01-01"),
        ("sources", ["https://example.org/other"]),
        ("condition", "avm"),
    ],
)
def test_a_pair_out_of_step_is_rejected_at_the_french_field(
    content_factory: Callable[..., Path], field: str, value: object
) -> None:
    content = content_factory({"hht-nosebleeds.fr": {field: value}})
    french = content / "hht" / "hht-nosebleeds.fr.yml"
    expected = f"hht-nosebleeds.fr.yml:{line_of(french, field)}: {field} differs from its en pair"
    assert any(expected in problem for problem in problems_of(content)), problems_of(content)


def test_broken_yaml_is_reported_at_the_line_yaml_gives(content_factory: Callable[..., Path]) -> None:
    content = content_factory()
    path = content / NOSEBLEEDS_EN
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(3, "topic: [symptoms")  # an unclosed list on line 4
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = [p for p in problems_of(content) if "hht-nosebleeds.en.yml" in p]
    assert len(problems) == 1
    assert "broken YAML" in problems[0]
    assert ":5: " in problems[0]  # yaml reports the line after the unclosed flow sequence


def test_the_content_hash_changes_with_any_entry_file(tiny_content: Path) -> None:
    before = content_hash(tiny_content)
    path = tiny_content / NOSEBLEEDS_EN
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert content_hash(tiny_content) != before


def test_validate_prints_each_problem_as_path_line_message_and_exits_1(
    content_factory: Callable[..., Path],
    engine_env: Callable[[Path], Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    engine_env(content_factory({"hht-nosebleeds.en": {"topic": "gossip"}}))
    assert main(["validate"]) == 1
    output = capsys.readouterr().out
    assert "hht-nosebleeds.en.yml:5: unknown topic 'gossip'" in output


def test_validate_exits_0_on_valid_content(
    tiny_content: Path, engine_env: Callable[[Path], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    engine_env(tiny_content)
    assert main(["validate"]) == 0
    assert "6 entries valid" in capsys.readouterr().out
