"""The safety layer on the labelled sets: dev (thresholds are set on it) and blind (written
from a brief alone; only its figures per language and kind are ever read, never its
messages). Tables go to the pytest output and to var/reports/safety.txt; the blind floors
and ratchet are in tests/safety/floors.yml."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import yaml

from common.languages import LANGUAGES
from safety.assess import assess, load_model
from safety.evaluate import ALL, Report, evaluate, table
from safety.kinds import EMERGENCY_KINDS, NEAR_MISS_KINDS, SUICIDAL
from safety.labelled import SETS_DIR, load_set

ROOT = Path(__file__).resolve().parents[2]
REPORT = ROOT / "var" / "reports" / "safety.txt"
FLOORS = yaml.safe_load((SETS_DIR / "floors.yml").read_text(encoding="utf-8"))


def _report(name: str) -> Report:
    model = load_model()
    return evaluate(load_set(name), lambda text: assess(text, model=model))


@pytest.fixture(scope="module")
def reports() -> dict[str, Report]:
    """Dev and blind reports, printed and written to var/reports/safety.txt."""
    found = {name: _report(name) for name in ("dev", "blind")}
    text = "\n\n".join(table(f"Safety layer on tests/safety/{name}/", r) for name, r in found.items())
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(text + "\n", encoding="utf-8")
    print("\n" + text)
    return found


def test_the_blind_set_is_the_one_its_manifest_describes():
    manifest = json.loads((SETS_DIR / "blind" / "MANIFEST.json").read_text(encoding="utf-8"))
    brief = (SETS_DIR / "blind" / manifest["brief"]).read_bytes()
    assert hashlib.sha256(brief).hexdigest() == manifest["brief_sha256"]
    for name, entry in manifest["files"].items():
        assert hashlib.sha256((SETS_DIR / "blind" / name).read_bytes()).hexdigest() == entry["sha256"], name
    messages = load_set("blind")
    assert len(messages) == manifest["count"] >= 600
    assert sum(m.emergency for m in messages) * 2 == len(messages)
    for language in LANGUAGES:
        assert sum(m.language == language for m in messages) >= 60, language
    assert {m.kind for m in messages} == set(EMERGENCY_KINDS) | set(NEAR_MISS_KINDS)


def test_no_message_is_in_two_sets():
    texts = {name: {m.text.casefold().strip() for m in load_set(name)} for name in ("train", "dev", "blind")}
    assert not texts["train"] & texts["blind"]
    assert not texts["dev"] & texts["blind"]
    assert not texts["train"] & texts["dev"]


def _check(figure: str, value: float, higher_is_better: bool = True) -> str | None:
    target, ratchet = FLOORS["targets"][figure], FLOORS["ratchet"][figure]
    floor = min(target, ratchet) if higher_is_better else max(target, ratchet)
    ok = value >= floor if higher_is_better else value <= floor
    print(f"blind {figure}: {value:.3f} (target {target}, ratchet {ratchet})")
    return None if ok else f"{figure} {value:.3f} is worse than the ratchet {floor} (target {target})"


def test_blind_figures_hold_the_floors_or_the_ratchet(reports):
    blind = reports["blind"]
    groups = [blind.by_language[lang] for lang in LANGUAGES] + [
        blind.by_kind[kind] for kind in EMERGENCY_KINDS
    ]
    suicidal = blind.by_kind[SUICIDAL]
    problems = [
        _check("recall", blind.overall.recall),
        _check("group_recall", min(g.recall for g in groups)),
        _check("suicidal_recall", suicidal.recall),
        _check("fpr", blind.overall.fpr, higher_is_better=False),
    ]
    problems = [p for p in problems if p]
    assert not problems, "; ".join(problems)


def test_dev_recall_is_what_the_thresholds_were_set_for(reports):
    assert reports["dev"].by_language[ALL].recall >= 0.95
