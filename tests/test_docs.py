"""The docs stay true to the code: settings documented, listed paths present."""

from __future__ import annotations

import re
from pathlib import Path

from knowledge.settings import SETTINGS

ROOT = Path(__file__).resolve().parents[1]


def test_every_knowledge_setting_is_documented():
    documented = (ROOT / "docs" / "knowledge.md").read_text(encoding="utf-8")
    for variable, *_ in SETTINGS:
        assert f"`{variable}`" in documented, variable


def test_every_path_in_the_readme_overview_exists():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    overview = readme.split("## Overview of the files", 1)[1].split("\n## ", 1)[0]
    paths = re.findall(r"`([\w./{},*-]+)`", overview)
    assert paths
    for path in paths:
        for expanded in _expand(path):
            assert list(ROOT.glob(expanded)), f"README names {path}, which does not exist"


def test_every_web_setting_is_documented():
    from web.settings import load_settings

    source = (ROOT / "web" / "settings.py").read_text(encoding="utf-8")
    documented = (ROOT / "README.md").read_text(encoding="utf-8")
    assert load_settings()
    for variable in re.findall(r'"(WEB_[A-Z_]+)"', source):
        assert f"`{variable}`" in documented, variable


def _expand(path: str) -> list[str]:
    """`data/nlu/{en,fr}.yml` -> the two paths."""
    match = re.search(r"\{([^}]*)\}", path)
    if not match:
        return [path.rstrip("/")]
    return [path[: match.start()] + part + path[match.end() :] for part in match.group(1).split(",")]


def test_the_readme_coverage_table_is_the_current_one():
    from knowledge.coverage import coverage_table
    from knowledge.entries import load_entries
    from knowledge.settings import get_settings

    entries, _problems = load_entries(get_settings().content_dir)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert coverage_table(entries) in readme, "run `python -m knowledge coverage` and update the README"
