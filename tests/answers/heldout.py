"""Answers on the first batch of the training questions, the topic model trained on the second.

    MODEL=models/<hash>.tar.gz .venv/bin/python -m tests.answers.heldout

The dev set (180) is small and tuned on; the blind set is read for its figures only. The
training questions (tests/answers/train/) are written like them, from the same brief, but
the topic model learns from all of them: this trains it on the second batch alone
(`<lang>.written2.jsonl`), puts the first (`<lang>.jsonl`, 1,980 questions) to the running
stack with it, and prints the figures; wrong answers can be read here, by category, to find
what to change. Report: var/reports/answers_heldout.txt.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from knowledge.topic_model import TRAIN_DIR, build
from scripts.stack import ROOT, running_stack
from tests.answers.run import evaluate
from tests.answers.scoring import report, summarise

REPORT = ROOT / "var" / "reports" / "answers_heldout.txt"
# The second batch of training questions: the topic model's only training data here.
SECOND_BATCH = "*.written2.jsonl"


def main() -> None:
    with tempfile.TemporaryDirectory() as work_dir:
        work = Path(work_dir)
        (work / "train").mkdir()
        for path in TRAIN_DIR.glob(SECOND_BATCH):
            shutil.copy(path, work / "train" / path.name)
        build(work / "topics", work / "train", force=True)
        os.environ["VASCERN_TOPIC_MODEL_DIR"] = str(work / "topics")  # read by actions
        (work / "stack").mkdir()
        with running_stack(ROOT / os.environ["MODEL"], work / "stack") as stack:
            results = evaluate(stack, "train")  # tests/answers/train/<lang>.jsonl: the first batch
    text = report("the first training batch (topic model on the second)", summarise(results))
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
