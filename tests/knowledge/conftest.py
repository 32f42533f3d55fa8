"""Fixtures of the knowledge-engine tests.

make_content(root, changes)     the one factory: writes a tiny valid content tree
tiny_content                    that tree in tmp_path
engine_env                      point the settings (and the CLI) at tmp dirs
model_name                      the embedding model, loaded once per session
real_index / real_retriever     the REAL content, snapshotted and indexed once per session
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from knowledge.index import build, load_encoder
from knowledge.retrieve import Retriever
from knowledge.settings import REPO_ROOT, get_settings

# Three topics in three folders (two disease groups and general content), both languages.
TINY_ENTRIES: dict[str, dict[str, Any]] = {
    "hht-nosebleeds": {
        "group": "hht",
        "disease": "HHT",
        "condition": "hht",
        "topic": "symptoms",
        "sources": ["https://vascern.eu/groupe/hereditary-haemorrhagic-telangiectasia/"],
        "en": (
            "Nosebleeds in HHT",
            "Repeated nosebleeds are the most common sign of HHT. They often start in childhood. "
            "Soft nose care and humid air can help. Tell your HHT team if they get worse.",
        ),
        "fr": (
            "Saignements de nez dans la maladie de Rendu-Osler",
            "Les saignements de nez répétés sont le signe le plus fréquent de la maladie. Ils "
            "commencent souvent dans l'enfance. Parlez-en à votre équipe s'ils augmentent.",
        ),
    },
    "htad-marfan-sport": {
        "group": "htad",
        "disease": "HTAD",
        "condition": "marfan",
        "topic": "sport",
        "sources": ["https://vascern.eu/groupe/htad/"],
        "en": (
            "Sport with Marfan syndrome",
            "Gentle, regular exercise such as walking or swimming is good with Marfan syndrome. "
            "Avoid contact sports and heavy lifting. Ask your expert centre which sports suit you.",
        ),
        "fr": (
            "Sport et syndrome de Marfan",
            "Une activité douce et régulière comme la marche ou la natation est bonne avec un "
            "syndrome de Marfan. Évitez les sports de contact et les charges lourdes.",
        ),
    },
    "general-what-is-vascern": {
        "group": "general",
        "disease": None,
        "topic": "network",
        "sources": ["https://vascern.eu/"],
        "en": (
            "What is VASCERN?",
            "VASCERN is the European Reference Network on rare multisystemic vascular diseases. "
            "It links expert hospital teams across Europe so that knowledge travels.",
        ),
        "fr": (
            "Qu'est-ce que VASCERN ?",
            "VASCERN est le réseau européen de référence des maladies vasculaires rares. Il relie "
            "des équipes hospitalières expertes dans toute l'Europe.",
        ),
    },
}
REVIEWED = "2026-11-22"


def entry_text(entry_id: str, language: str, changes: dict[str, Any]) -> str:
    """The YAML of one tiny entry; a change to None drops that field."""
    spec = TINY_ENTRIES[entry_id]
    title, body = spec[language]
    fields: dict[str, Any] = {
        "id": entry_id,
        "language": language,
        "disease": spec["disease"],
        "condition": spec.get("condition"),
        "topic": spec["topic"],
        "title": title,
        "reviewed": REVIEWED,
        "sources": spec["sources"],
        "body": body,
    }
    if fields["condition"] is None:
        del fields["condition"]
    for key, value in changes.items():
        if value is None:
            fields.pop(key, None)
        else:
            fields[key] = value
    text = yaml.safe_dump(fields, sort_keys=False, allow_unicode=True, width=1000)
    return text.replace(f"reviewed: '{REVIEWED}'", f"reviewed: {REVIEWED}")


def make_content(root: Path, changes: dict[str, dict[str, Any]] | None = None) -> Path:
    """Write the tiny content tree under `root`/content and return that directory;
    `changes` maps "<id>.<lang>" to field changes, e.g. {"hht-nosebleeds.fr": {"topic": "sport"}}."""
    changes = changes or {}
    content = root / "content"
    for entry_id, spec in TINY_ENTRIES.items():
        folder = content / spec["group"]
        folder.mkdir(parents=True, exist_ok=True)
        for language in ("en", "fr"):
            text = entry_text(entry_id, language, changes.get(f"{entry_id}.{language}", {}))
            (folder / f"{entry_id}.{language}.yml").write_text(text, encoding="utf-8")
    return content


@pytest.fixture
def content_factory(tmp_path: Path) -> Callable[..., Path]:
    """make_content bound to this test's tmp_path."""
    return lambda changes=None: make_content(tmp_path, changes)


@pytest.fixture
def tiny_content(content_factory: Callable[..., Path]) -> Path:
    """A valid tiny content tree: three ids in both languages."""
    return content_factory()


@pytest.fixture
def engine_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Callable[[Path], Path]]:
    """Point VASCERN_CONTENT_DIR at a content tree and VASCERN_INDEX_DIR at tmp_path/index."""

    def point_at(content: Path) -> Path:
        monkeypatch.setenv("VASCERN_CONTENT_DIR", str(content))
        monkeypatch.setenv("VASCERN_INDEX_DIR", str(tmp_path / "index"))
        get_settings.cache_clear()
        return tmp_path / "index"

    yield point_at
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def model_name() -> str:
    """The configured embedding model, loaded once for the whole session (a few seconds)."""
    name = get_settings().embedding_model
    load_encoder(name)
    return name


@pytest.fixture(scope="session")
def real_index(tmp_path_factory: pytest.TempPathFactory, model_name: str) -> tuple[Path, Path]:
    """The real knowledge/content, copied (others may be editing it) and indexed once."""
    root = tmp_path_factory.mktemp("real")
    content = root / "content"
    shutil.copytree(REPO_ROOT / "knowledge" / "content", content)
    build(content_dir=content, index_dir=root / "index", model=model_name, progress=False)
    return content, root / "index"


@pytest.fixture(scope="session")
def real_retriever(real_index: tuple[Path, Path], model_name: str) -> Retriever:
    """A retriever over the real content, loaded once."""
    content, index_dir = real_index
    return Retriever.load(index_dir=index_dir, model=model_name, content_dir=content)
