"""Answers to questions nobody on the team wrote (issue 14): the dev and blind question
sets of tests/answers/ put to the running stack, scored per language and kind.

The figures go to the pytest output and to var/reports/answers.txt; the blind floors and
the ratchet are in tests/answers/floors.yml. The blind set is read for its figures only.
"""

from __future__ import annotations

import pytest
import yaml

from tests.answers.run import REPORT, evaluate
from tests.answers.scoring import SETS_DIR, report, summarise

FLOORS = yaml.safe_load((SETS_DIR / "floors.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def summaries(stack):
    found = {name: summarise(evaluate(stack, name)) for name in ("dev", "blind")}
    text = "\n\n".join(report(name, summary) for name, summary in found.items())
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(text + "\n", encoding="utf-8")
    print("\n" + text)
    return found


def test_blind_answers_hold_the_floors_or_the_ratchet(summaries):
    overall = summaries["blind"]["overall"]
    problems = []
    for figure, higher_is_better in (("right", True), ("wrong", False)):
        target, ratchet = FLOORS["targets"][figure], FLOORS["ratchet"][figure]
        floor = min(target, ratchet) if higher_is_better else max(target, ratchet)
        value = overall[figure]
        ok = value >= floor if higher_is_better else value <= floor
        print(f"blind answers {figure}: {value:.3f} (target {target}, ratchet {ratchet})")
        if not ok:
            problems.append(f"{figure} {value:.3f} is worse than the ratchet {floor} (target {target})")
    assert problems == []


def test_replies_are_in_the_language_of_the_question_on_dev(summaries):
    for language, figures in summaries["dev"]["language"].items():
        assert figures["in_language"] >= 0.9, (language, figures)
