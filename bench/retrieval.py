"""Retrieval benchmark: `python -m bench.retrieval`.

    evaluate()      Recall@1/3/5 and MRR of one ranking mode, overall and per language
    main()          build the index into a temp dir (timed), evaluate dense, BM25 and
                    hybrid, time warm hybrid searches, print the table and write it to
                    var/reports/retrieval.txt

The dev set (bench/devset/*.yml) is read by knowledge/devset.py; a question with an empty
`expected` is one the content cannot answer (left out of recall figures).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from knowledge.devset import DEVSET_DIR, Question, load_devset
from knowledge.index import build, load_encoder
from knowledge.retrieval_config import FUSION_METHODS
from knowledge.retrieve import Retriever
from knowledge.settings import REPO_ROOT, get_settings

REPORT_PATH = REPO_ROOT / "var" / "reports" / "retrieval.txt"
# Recall cut-offs reported; the answer uses the first hit, the sources up to three.
RECALL_AT = (1, 3, 5)
# Entries ranked per question: MRR counts a hit down to this rank.
RANK_DEPTH = 10
# Each question is searched this many times for the latency figures (after a warm-up).
LATENCY_ROUNDS = 3
# The single signals and their fusion, in the order of the table.
MODES = ("dense", "bm25", "hybrid")


@dataclass(frozen=True)
class Scores:
    """Ranking quality on a set of answerable questions."""

    questions: int
    recall: dict[int, float]
    mrr: float


def _rank(retriever: Retriever, question: Question, mode: str) -> int | None:
    """1-based rank of the first expected entry among distinct entries, or None."""
    hits = retriever.search(question.text, question.language, question.disease, k=RANK_DEPTH, mode=mode)
    entries = list(dict.fromkeys(hit.entry_id for hit in hits))
    for rank, entry_id in enumerate(entries, start=1):
        if entry_id in question.expected:
            return rank
    return None


def evaluate(retriever: Retriever, questions: list[Question], mode: str) -> Scores:
    """Recall@k and MRR of `mode` over the answerable `questions`."""
    ranks = [_rank(retriever, question, mode) for question in questions if question.expected]
    count = len(ranks)
    if not count:
        return Scores(0, dict.fromkeys(RECALL_AT, 0.0), 0.0)
    return Scores(
        questions=count,
        recall={k: sum(1 for rank in ranks if rank and rank <= k) / count for k in RECALL_AT},
        mrr=sum(1 / rank for rank in ranks if rank) / count,
    )


def _latencies(retriever: Retriever, questions: list[Question]) -> list[float]:
    """Milliseconds per warm hybrid search."""
    for question in questions[:5]:
        retriever.search(question.text, question.language, question.disease)
    timings = []
    for _round in range(LATENCY_ROUNDS):
        for question in questions:
            started = time.perf_counter()
            retriever.search(question.text, question.language, question.disease)
            timings.append((time.perf_counter() - started) * 1000)
    return timings


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _model_label(model: str) -> str:
    """A short name for the configured model: a path keeps its last two parts."""
    path = Path(model)
    return "/".join(path.parts[-2:]) if path.is_absolute() else model


def _rows(retriever: Retriever, answerable: list[Question], label: str, mode: str) -> list[str]:
    languages = sorted({question.language for question in answerable})
    rows = []
    for language in ["all", *languages]:
        subset = answerable if language == "all" else [q for q in answerable if q.language == language]
        scores = evaluate(retriever, subset, mode)
        rows.append(
            f"{label:<12}{language:<6}{scores.questions:>5}"
            + "".join(f"{scores.recall[k]:>8.3f}" for k in RECALL_AT)
            + f"{scores.mrr:>8.3f}"
        )
    return rows


def report(
    questions: list[Question], retriever: Retriever, build_seconds: float, load_seconds: float, chunks: int
) -> str:
    """The benchmark table as text."""
    answerable = [question for question in questions if question.expected]
    counts = ", ".join(
        f"{language} {sum(q.language == language for q in answerable)}"
        for language in sorted({q.language for q in answerable})
    )
    lines = [
        f"Retrieval benchmark, {date.today().isoformat()}",
        (
            f"dev set: {len(questions)} questions, {len(answerable)} answerable ({counts}), "
            f"{len(questions) - len(answerable)} unanswerable"
        ),
        f"index: {chunks} chunks; model {_model_label(get_settings().embedding_model)}",
        "",
        f"{'mode':<12}{'lang':<6}{'n':>5}"
        + "".join(f"{'R@' + str(k):>8}" for k in RECALL_AT)
        + f"{'MRR':>8}",
    ]
    threshold = retriever.threshold
    retriever.threshold = 0.0  # rank within the question's language: no English fall-back
    for mode in MODES:
        lines += _rows(retriever, answerable, mode, mode)
    configured = retriever.config
    other = next(method for method in FUSION_METHODS if method != configured.method)
    retriever.config = replace(configured, method=other)
    lines += _rows(retriever, answerable, f"hybrid-{other}", "hybrid")
    retriever.config = configured
    retriever.threshold = threshold
    lines += _rows(retriever, answerable, "hybrid+en", "hybrid")
    timings = _latencies(retriever, questions)
    calibration = configured.calibration
    lines += [
        f"hybrid uses fusion.method {configured.method}; hybrid-{other} shows the other method;",
        "hybrid+en is hybrid with the English fall-back below the threshold, as answers get it.",
        "",
        (
            f"hybrid search latency, warm, k=5, {len(timings)} searches: "
            f"p50 {statistics.median(timings):.1f} ms, p95 {_percentile(timings, 0.95):.1f} ms"
        ),
        (
            f"index build (forced, into a temp dir): {build_seconds:.1f} s, "
            f"of which loading the model {load_seconds:.1f} s"
        ),
        f"answer threshold (knowledge/retrieval.yml): {configured.threshold}",
    ]
    if calibration:
        lines.append(
            "  at calibration: "
            + ", ".join(f"{name} {value}" for name, value in calibration.items() if name != "calibrated_on")
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    """Run the benchmark, print the table and write it to var/reports/retrieval.txt."""
    questions = load_devset()
    if not any(question.expected for question in questions):
        print(f"no answerable questions in {DEVSET_DIR}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as scratch:
        index_dir = Path(scratch) / "index"
        started = time.perf_counter()
        load_encoder(get_settings().embedding_model)
        load_seconds = time.perf_counter() - started
        result = build(index_dir=index_dir, force=True, progress=False)
        retriever = Retriever.load(index_dir=index_dir)
        text = report(questions, retriever, load_seconds + result.seconds, load_seconds, result.chunks)
    print(text, end="")
    REPORT_PATH.parent.mkdir(parents=True, exist_ok=True)
    REPORT_PATH.write_text(text, encoding="utf-8")
    print(f"written to {REPORT_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
