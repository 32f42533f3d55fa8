"""Intent quality on held-out data the model never trained on (tests/nlu/heldout_*.yml).

Prints macro-F1 per language and fails below the floor (issue #2 for English and French;
German, Italian, Spanish and Dutch, added in issue #14 with held-out sets written by another
helper than the training data, hold a ratchet at their first measured figure until they reach
it). The figures are also written to var/reports/nlu.txt.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

import pytest
import yaml

from common.languages import LANGUAGES

ROOT = Path(__file__).resolve().parents[2]
HELDOUT = ROOT / "tests" / "nlu"
REPORT = ROOT / "var" / "reports" / "nlu.txt"
MACRO_F1_FLOOR = 0.90

# The best honest figure so far where the floor is not met yet: a drop fails.
RATCHET = {"de": 0.90, "it": 0.87, "es": 0.88, "nl": 0.88}


def load_heldout(language: str) -> list[tuple[str, str]]:
    """(text, intent) pairs of one language's held-out file."""
    data = yaml.safe_load((HELDOUT / f"heldout_{language}.yml").read_text(encoding="utf-8"))
    pairs = []
    for block in data["nlu"]:
        for line in block["examples"].splitlines():
            line = line.strip()
            if line.startswith("- "):
                pairs.append((line[2:].strip(), block["intent"]))
    return pairs


def macro_f1(gold: list[str], predicted: list[str]) -> tuple[float, dict[str, float]]:
    """Macro-averaged F1 over the gold intents, and F1 per intent."""
    true_positive = Counter(g for g, p in zip(gold, predicted, strict=False) if g == p)
    gold_count, predicted_count = Counter(gold), Counter(predicted)
    per_intent = {}
    for intent in gold_count:
        precision = true_positive[intent] / predicted_count[intent] if predicted_count[intent] else 0.0
        recall = true_positive[intent] / gold_count[intent]
        per_intent[intent] = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return sum(per_intent.values()) / len(per_intent), per_intent


@pytest.fixture(scope="module")
def scores(rasa_agent) -> dict[str, tuple[float, dict[str, float]]]:
    """Macro-F1 per language, computed once and reported."""
    results = {}
    lines = []
    for language in LANGUAGES:
        pairs = load_heldout(language)

        async def predict(pairs=pairs) -> list[str]:
            return [(await rasa_agent.parse_message(text))["intent"]["name"] for text, _ in pairs]

        predicted = asyncio.run(predict())
        gold = [intent for _, intent in pairs]
        results[language] = macro_f1(gold, predicted)
        f1, per_intent = results[language]
        worst = sorted(per_intent.items(), key=lambda item: item[1])[:3]
        lines.append(
            f"held-out intent macro-F1 {language}: {f1:.3f} on {len(pairs)} messages"
            f" (weakest: {', '.join(f'{i} {s:.2f}' for i, s in worst)})"
        )
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n" + "\n".join(lines))
    return results


def test_heldout_files_have_every_intent_and_no_training_example():
    training = set()
    for path in (ROOT / "data" / "nlu").glob("*.yml"):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            if "examples" in block:
                training.update(
                    line.strip()[2:].strip().lower()
                    for line in block["examples"].splitlines()
                    if line.strip().startswith("- ")
                )
    for language in LANGUAGES:
        pairs = load_heldout(language)
        assert not {text.lower() for text, _ in pairs} & training
        assert len({intent for _, intent in pairs}) >= 17


@pytest.mark.parametrize("language", LANGUAGES)
def test_heldout_intent_macro_f1_meets_the_floor(scores, language):
    f1, _ = scores[language]
    floor = min(MACRO_F1_FLOOR, RATCHET.get(language, MACRO_F1_FLOOR))
    assert f1 >= floor, f"{language} macro-F1 {f1:.3f} < {floor} (target {MACRO_F1_FLOOR})"
