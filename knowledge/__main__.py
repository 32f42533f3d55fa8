"""Command line of the knowledge engine: `python -m knowledge COMMAND`.

    validate          check every entry; print `path:line: message` per problem, exit 1 if any
    build [--force]   validate, then build the index (skipped when up to date)
    calibrate         fit the confidence model and pick the answer threshold on the dev
                      set (bench/devset/*.yml), then write knowledge/retrieval.yml
    coverage          print the content coverage table (conditions × topics × languages)

Heavy modules (torch, faiss) are imported by the commands that need them only.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from knowledge.entries import LANGUAGES, REQUIRED_LANGUAGES, load_entries
from knowledge.settings import SETTINGS, get_settings

if TYPE_CHECKING:
    from knowledge.devset import Question
    from knowledge.retrieve import Hit, Retriever

# Answering wrongly (an unanswerable question, or the wrong entry) misleads a patient;
# refusing sends them to the finder or a human, which costs them too. On questions written
# from the brief (tests/answers/dev), 2:1 answered 45 % right with 9 % wrong; 4:1 answers
# 41 % right with 6 % wrong (bench/README.md): a wrong answer to a worried patient is the
# worse harm, and the floor on wrong answers (5 %) is the stricter one.
COST_WRONG_ANSWER = 4
COST_REFUSAL = 1
# Threshold rounds: search falls back to English below the threshold, so the outcomes
# depend on it; two or three rounds settle it.
CALIBRATION_ROUNDS = 3
# A language's confidence model is fitted only on this many dev questions or more.
MIN_FIT_QUESTIONS = 20
# L2 penalty of the confidence regression: of 0.01-3, 1.0 cost least on held-out folds.
CONFIDENCE_L2 = 1.0
# Newton's method converges on this small problem in a handful of steps.
NEWTON_STEPS = 25


@dataclass(frozen=True)
class Outcome:
    """The top hit's confidence for one dev question, and whether answering is right."""

    confidence: float
    answerable: bool
    correct: bool


def _cost(outcomes: list[Outcome], threshold: float) -> int:
    cost = 0
    for outcome in outcomes:
        if outcome.confidence >= threshold:
            cost += 0 if outcome.correct else COST_WRONG_ANSWER
        elif outcome.answerable:
            cost += COST_REFUSAL
    return cost


def choose_threshold(outcomes: list[Outcome]) -> float:
    """The threshold of least cost, midway in its interval; ties go to the widest interval.

    Any threshold in (a, b], a and b consecutive confidence levels, answers the same
    questions (those at b or above), so the candidates are those intervals' midpoints."""
    levels = sorted({outcome.confidence for outcome in outcomes})
    bounds = [0.0, *levels, 1.0]
    intervals = [(low, high) for low, high in itertools.pairwise(bounds) if high > low]
    low, high = min(intervals, key=lambda pair: (_cost(outcomes, pair[1]), pair[0] - pair[1]))
    return round((low + high) / 2, 4)


def _figures(outcomes: list[Outcome], threshold: float) -> dict[str, int]:
    answered = [outcome for outcome in outcomes if outcome.confidence >= threshold]
    refused = [outcome for outcome in outcomes if outcome.confidence < threshold]
    return {
        "questions": len(outcomes),
        "answerable": sum(outcome.answerable for outcome in outcomes),
        "answered_right": sum(outcome.correct for outcome in answered),
        "answered_wrong_entry": sum(outcome.answerable and not outcome.correct for outcome in answered),
        "answered_unanswerable": sum(not outcome.answerable for outcome in answered),
        "refused_answerable": sum(outcome.answerable for outcome in refused),
        "refused_unanswerable": sum(not outcome.answerable for outcome in refused),
        "cost": _cost(outcomes, threshold),
    }


def _validate(_: argparse.Namespace) -> int:
    settings = get_settings()
    entries, problems = load_entries(settings.content_dir)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) in {len({p.path for p in problems})} file(s)", file=sys.stderr)
        return 1
    print(f"{len(entries)} entries valid in {settings.content_dir}")
    return 0


def _coverage(_: argparse.Namespace) -> int:
    from knowledge.coverage import coverage_table

    entries, problems = load_entries(get_settings().content_dir)
    if problems:
        return _validate(_)
    print(coverage_table(entries))
    return 0


def _build(arguments: argparse.Namespace) -> int:
    from knowledge.index import ContentInvalid, build
    from knowledge.topic_model import build as build_topic_model

    try:
        result = build(force=arguments.force)
    except ContentInvalid as error:
        for problem in error.problems:
            print(problem)
        print(f"{error}: nothing built", file=sys.stderr)
        return 1
    if not result.built:
        print(f"index up to date ({result.index_dir})")
    else:
        print(f"built {result.chunks} chunks into {result.index_dir} in {result.seconds:.1f}s")
    topics_dir = get_settings().topic_model_dir
    trained = build_topic_model(topics_dir, force=arguments.force)
    print(f"{'trained' if trained else 'up to date:'} the topic model in {topics_dir}")
    return 0


def fit_confidence(features: list[dict[str, float]], right: list[bool]) -> dict[str, float]:
    """Logistic regression of `right` on the features (same names in every row), by
    Newton's method with an L2 penalty on the weights: one language's confidence model."""
    import numpy as np

    names = list(features[0])
    x = np.array([[1.0] + [row[name] for name in names] for row in features])
    y = np.asarray(right, dtype="float64")
    penalty = np.diag([0.0] + [CONFIDENCE_L2] * len(names))
    weights = np.zeros(x.shape[1])
    for _step in range(NEWTON_STEPS):
        p = 1 / (1 + np.exp(-x @ weights))
        gradient = x.T @ (p - y) + penalty @ weights
        hessian = (x * (p * (1 - p))[:, None]).T @ x + penalty
        weights -= np.linalg.solve(hessian, gradient)
    return dict(zip(["bias", *names], (round(float(weight), 3) for weight in weights), strict=True))


def _outcomes(retriever: Retriever, questions: list[Question]) -> list[tuple[Outcome, Hit | None]]:
    """Each question's top hit (fall-back included, at the retriever's threshold)."""
    results = []
    for question in questions:
        hits = retriever.search(question.text, question.language, question.disease, k=1)
        top = hits[0] if hits else None
        outcome = Outcome(
            confidence=top.confidence if top else 0.0,
            answerable=bool(question.expected),
            correct=top is not None and top.entry_id in question.expected,
        )
        results.append((outcome, top))
    return results


def _calibrate(_: argparse.Namespace) -> int:
    from knowledge.devset import DEVSET_DIR, load_devset
    from knowledge.retrieval_config import CONFIG_PATH, save_config
    from knowledge.retrieve import Retriever, confidence_features

    questions = load_devset(DEVSET_DIR)
    if not questions:
        print(f"no questions in {DEVSET_DIR}/*.yml", file=sys.stderr)
        return 1
    retriever = Retriever.load()
    retriever.threshold = 0.0  # fit on each language's own hits: no fall-back yet
    results = _outcomes(retriever, questions)
    confidence = dict(retriever.config.confidence)
    # One model per fully written language; one shared by the languages matched across
    # languages (de, it, es, nl: the same encoder and search), fitted on their pooled questions.
    groups = {language: (language,) for language in REQUIRED_LANGUAGES}
    crosslingual = tuple(language for language in LANGUAGES if language not in REQUIRED_LANGUAGES)
    groups.update({language: crosslingual for language in crosslingual})
    for language in sorted({question.language for question in questions}):
        pairs = [
            (outcome, top)
            for (outcome, top), question in zip(results, questions, strict=True)
            if question.language in groups.get(language, (language,)) and top is not None and not top.routed
        ]
        right = [outcome.correct for outcome, _ in pairs]
        if len(pairs) >= MIN_FIT_QUESTIONS and 0 < sum(right) < len(right):
            features = [
                confidence_features(
                    {"cosine": top.dense, "coverage": top.coverage, "margin": top.margin, "terms": top.terms}
                )
                for _, top in pairs
            ]
            confidence[language] = fit_confidence(features, right)
    retriever.config = replace(retriever.config, confidence=confidence)
    threshold = retriever.config.threshold
    for _round in range(CALIBRATION_ROUNDS):
        retriever.threshold = threshold
        outcomes = [outcome for outcome, _ in _outcomes(retriever, questions)]
        chosen = choose_threshold(outcomes)
        if chosen == threshold:
            break
        threshold = chosen
    else:  # not settled: report the figures of the last threshold chosen
        retriever.threshold = threshold
        outcomes = [outcome for outcome, _ in _outcomes(retriever, questions)]
    figures = {
        **_figures(outcomes, threshold),
        "cost_wrong_answer": COST_WRONG_ANSWER,
        "cost_refusal": COST_REFUSAL,
        "calibrated_on": date.today().isoformat(),
    }
    save_config(replace(retriever.config, threshold=threshold, calibration=figures), CONFIG_PATH)
    print(f"threshold {threshold} written to {CONFIG_PATH}")
    for name, value in {**confidence, **figures}.items():
        print(f"  {name}: {value}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit status."""
    environment = "\n".join(
        f"  {name}: {help_text} (default {default})" for name, default, help_text in SETTINGS
    )
    parser = argparse.ArgumentParser(
        prog="python -m knowledge",
        description=__doc__.split("\n")[0],
        epilog=f"environment:\n{environment}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("validate", help="check every entry").set_defaults(run=_validate)
    build_parser = commands.add_parser("build", help="validate and build the index")
    build_parser.add_argument("--force", action="store_true", help="rebuild even if up to date")
    build_parser.set_defaults(run=_build)
    commands.add_parser("calibrate", help="fit confidence and threshold on the dev set").set_defaults(
        run=_calibrate
    )
    commands.add_parser("coverage", help="print the content coverage table (Markdown)").set_defaults(
        run=_coverage
    )
    arguments = parser.parse_args(argv)
    return arguments.run(arguments)


if __name__ == "__main__":
    sys.exit(main())
