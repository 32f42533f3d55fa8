"""Translations of the curated entries: checked by translating back, and complete for the
overview and warning signs of every condition (issue 14)."""

from __future__ import annotations

import hashlib
from collections import defaultdict

import pytest
import yaml

from knowledge.entries import LANGUAGES, REQUIRED_LANGUAGES, load_entries
from knowledge.settings import REPO_ROOT, get_settings

TRANSLATIONS = REPO_ROOT / "knowledge" / "translations"
TRANSLATED = [language for language in LANGUAGES if language not in REQUIRED_LANGUAGES]
# Conditions that are a group's umbrella page rather than one condition of the brief.
UMBRELLAS = {"htad_general", "scad_fmd", "lymphatic_and_av_malformations", "overgrowth"}
# Conditions whose warning signs are those of a broader entry (a named form of primary
# lymphoedema has the signs of primary lymphoedema; CM-AVM those of an AVM).
SIGNS_FROM = {
    "milroy": "primary_lymphoedema",
    "lymphoedema_distichiasis": "primary_lymphoedema",
    "cm_avm": "avm",
}


def _digest(entry) -> str:
    return hashlib.sha256(f"{entry.title}\n{entry.body.strip()}".encode()).hexdigest()


@pytest.fixture(scope="module")
def entries():
    loaded, problems = load_entries(get_settings().content_dir)
    assert problems == []
    return {(entry.id, entry.language): entry for entry in loaded}


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_translation_has_a_back_translation_of_its_current_text(entries, language):
    records = yaml.safe_load((TRANSLATIONS / f"{language}.yml").read_text(encoding="utf-8"))
    by_id = {record["id"]: record for record in records}
    translated = sorted(entry_id for entry_id, lang in entries if lang == language)
    assert translated, f"no {language} entries"
    missing = [entry_id for entry_id in translated if entry_id not in by_id]
    assert missing == [], f"{language}: translations never checked by back-translation: {missing}"
    for entry_id in translated:
        record = by_id[entry_id]
        assert record["same_meaning"] is True, entry_id
        assert record["back_translation"].strip(), entry_id
        assert record["translation_sha256"] == _digest(entries[(entry_id, language)]), (
            f"{entry_id}.{language} changed since its back-translation check"
        )
        assert record["english_sha256"] == _digest(entries[(entry_id, "en")]), (
            f"{entry_id}.en changed since {entry_id}.{language} was checked: translate again"
        )


def test_every_condition_has_its_overview_and_warning_signs_in_all_six_languages(entries):
    covered: dict[tuple[str, str], set[str]] = defaultdict(set)
    conditions = set()
    for (_entry_id, language), entry in entries.items():
        if entry.condition is None or entry.condition in UMBRELLAS:
            continue
        conditions.add(entry.condition)
        kind = {"overview": "overview", "warning_signs": "signs", "symptoms": "signs"}.get(entry.topic)
        if kind:
            covered[(entry.condition, kind)].add(language)
    for condition, broader in SIGNS_FROM.items():
        covered[(condition, "signs")] |= covered[(broader, "signs")]
    gaps = [
        f"{condition} {kind}: {sorted(set(LANGUAGES) - covered[(condition, kind)])}"
        for condition in sorted(conditions)
        for kind in ("overview", "signs")
        if covered[(condition, kind)] != set(LANGUAGES)
    ]
    assert gaps == []
