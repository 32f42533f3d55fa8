"""Compare intent-classification pipelines on the held-out data: accuracy against cost.

    .venv-rasa/bin/python -m bench.nlu_compare [config ...]   (default: bench/configs/*.yml)

For each NLU-only config: training time, held-out macro-F1 per language
(tests/nlu/heldout_*.yml), and p50/p95 parse latency per message. This is how config.yml's
pipeline was chosen: a TensorFlow component would have to win F1 to pay for its cost.
Figures are also written to var/reports/nlu_compare.txt.
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rasa.core.agent import Agent

from bench import write_report
from bench.fallback_threshold import FALLBACK
from bench.latency import percentile
from tests.bot.test_nlu_heldout import load_heldout, macro_f1

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = sorted((ROOT / "bench" / "configs").glob("*.yml"))
REPORT = ROOT / "var" / "reports" / "nlu_compare.txt"


def train(config: Path, out: Path) -> float:
    """Train an NLU-only model; seconds taken."""
    started = time.perf_counter()
    subprocess.run(
        [
            str(ROOT / ".venv-rasa/bin/rasa"),
            "train",
            "nlu",
            "--config",
            str(config),
            "--out",
            str(out),
            "--fixed-model-name",
            config.stem,
            "--nlu",
            "data/nlu",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


async def evaluate(agent: Agent) -> tuple[dict[str, float], list[float]]:
    """Macro-F1 per language (fallback-free top intent) and per-message latencies."""
    scores, latencies = {}, []
    for language in ("en", "fr"):
        pairs = load_heldout(language)
        predicted = []
        for text, _ in pairs:
            started = time.perf_counter()
            parsed = await agent.parse_message(text)
            latencies.append(time.perf_counter() - started)
            ranking = [r for r in parsed["intent_ranking"] if r["name"] != FALLBACK]
            predicted.append(ranking[0]["name"])
        scores[language], _ = macro_f1([intent for _, intent in pairs], predicted)
    return scores, latencies


def main() -> int:
    """Train, evaluate and print one line per config."""
    configs = [Path(a) for a in sys.argv[1:]] or CONFIGS
    lines = []
    with tempfile.TemporaryDirectory() as out:
        for config in configs:
            seconds = train(config, Path(out))
            agent = Agent.load(str(Path(out) / f"{config.stem}.tar.gz"))
            scores, latencies = asyncio.run(evaluate(agent))
            lines.append(
                f"{config.stem:14} train {seconds:6.1f} s  macro-F1 en {scores['en']:.3f}"
                f" fr {scores['fr']:.3f}  parse p50 {1000 * statistics.median(latencies):.1f} ms"
                f" p95 {1000 * percentile(latencies, 0.95):.1f} ms"
            )
            print(lines[-1], flush=True)
    write_report(REPORT, lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
