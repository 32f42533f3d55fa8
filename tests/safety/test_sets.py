"""The safety layer on the labelled sets: dev (thresholds are set on it) and the blind sets
(written from a brief alone; only their figures per language and kind are ever read, never
their messages). Tables go to the pytest output and to var/reports/safety.txt; the floors
and each blind set's ratchet are in tests/safety/floors.yml."""

from __future__ import annotations

import hashlib
import itertools
import json
from pathlib import Path

import pytest
import yaml

from common.languages import LANGUAGES
from safety.assess import assess, load_model
from safety.evaluate import ALL, Report, evaluate, table
from safety.kinds import EMERGENCY_KINDS, NEAR_MISS_KINDS, SUICIDAL
from safety.labelled import BLIND_SETS, SETS_DIR, load_set

ROOT = Path(__file__).resolve().parents[2]
REPORT = ROOT / "var" / "reports" / "safety.txt"
FLOORS = yaml.safe_load((SETS_DIR / "floors.yml").read_text(encoding="utf-8"))


def _report(name: str) -> Report:
    model = load_model()
    return evaluate(load_set(name), lambda text: assess(text, model=model))


@pytest.fixture(scope="module")
def reports() -> dict[str, Report]:
    """Dev and blind reports, printed and written to var/reports/safety.txt."""
    found = {name: _report(name) for name in ("dev", *BLIND_SETS)}
    text = "\n\n".join(table(f"Safety layer on tests/safety/{name}/", r) for name, r in found.items())
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(text + "\n", encoding="utf-8")
    print("\n" + text)
    return found


@pytest.mark.parametrize("name", BLIND_SETS)
def test_each_blind_set_is_the_one_its_manifest_describes(name: str):
    manifest = json.loads((SETS_DIR / name / "MANIFEST.json").read_text(encoding="utf-8"))
    brief = (SETS_DIR / name / manifest["brief"]).read_bytes()
    assert hashlib.sha256(brief).hexdigest() == manifest["brief_sha256"]
    for file_name, entry in manifest["files"].items():
        digest = hashlib.sha256((SETS_DIR / name / file_name).read_bytes()).hexdigest()
        assert digest == entry["sha256"], file_name
    messages = load_set(name)
    assert len(messages) == manifest["count"] >= 600
    assert sum(m.emergency for m in messages) * 2 == len(messages)
    for language in LANGUAGES:
        assert sum(m.language == language for m in messages) >= 60, language
    assert {m.kind for m in messages} == set(EMERGENCY_KINDS) | set(NEAR_MISS_KINDS)


def test_no_message_is_in_two_sets():
    names = ("train", "dev", *BLIND_SETS)
    texts = {name: {m.text.casefold().strip() for m in load_set(name)} for name in names}
    shared = {(a, b): len(texts[a] & texts[b]) for a, b in itertools.combinations(names, 2)}
    assert not any(shared.values()), shared  # counts only: a blind message is never printed


def _check(name: str, figure: str, value: float, higher_is_better: bool = True) -> str | None:
    target, ratchet = FLOORS["targets"][figure], FLOORS["ratchet"][name][figure]
    floor = min(target, ratchet) if higher_is_better else max(target, ratchet)
    ok = value >= floor if higher_is_better else value <= floor
    print(f"{name} {figure}: {value:.3f} (target {target}, ratchet {ratchet})")
    return None if ok else f"{name} {figure} {value:.3f} is worse than the ratchet {floor} (target {target})"


@pytest.mark.parametrize("name", BLIND_SETS)
def test_blind_figures_hold_the_floors_or_the_ratchet(reports, name: str):
    blind = reports[name]
    groups = [blind.by_language[lang] for lang in LANGUAGES] + [
        blind.by_kind[kind] for kind in EMERGENCY_KINDS
    ]
    suicidal = blind.by_kind[SUICIDAL]
    problems = [
        _check(name, "recall", blind.overall.recall),
        _check(name, "group_recall", min(g.recall for g in groups)),
        _check(name, "suicidal_recall", suicidal.recall),
        _check(name, "fpr", blind.overall.fpr, higher_is_better=False),
    ]
    problems = [p for p in problems if p]
    assert not problems, "; ".join(problems)


def test_dev_recall_is_what_the_thresholds_were_set_for(reports):
    assert reports["dev"].by_language[ALL].recall >= 0.95
