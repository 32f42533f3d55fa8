"""Per-turn latency through the public chat API (web → Rasa → actions), and training time.

    python -m bench.latency [--turns 200] [--concurrency 1,10] [--train]

Starts the real stack (scripts/stack.py) with $MODEL, replays short FR/EN conversations
(greeting, questions answered from the knowledge base, a centre search, an emergency) and
prints p50/p95/max per-turn latency and turns per second for each concurrency level,
and each process's resident memory.
With --train it first times `rasa train` from scratch into a temporary folder.
Figures are also written to var/reports/latency.txt.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench import write_report
from scripts.stack import ROOT, Stack, running_stack

REPORT = ROOT / "var" / "reports" / "latency.txt"
CONVERSATIONS = [
    ["hello", "what is HHT?", "and in children?", "thanks"],
    ["bonjour", "c'est quoi le syndrome de Marfan ?", "et pendant la grossesse ?", "merci"],
    ["Marfan expert in Belgium", "thanks, bye"],
    ["centre HHT près de Lyon", "merci"],
    ["quels sont les signes d'alerte du SED vasculaire ?", "au revoir"],
    ["I have Marfan and a sudden tearing pain in my back"],
]


def percentile(values: list[float], fraction: float) -> float:
    """The value below which `fraction` of `values` fall (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def replay(stack: Stack, conversation: list[str]) -> list[float]:
    """Send one conversation; the latency of each turn in seconds."""
    latencies, conversation_id = [], None
    for text in conversation:
        started = time.perf_counter()
        status, body = stack.chat(text, conversation_id)
        latencies.append(time.perf_counter() - started)
        if status != 200:
            raise RuntimeError(f"{text!r} -> {status} {body}")
        conversation_id = body["conversation_id"]
    return latencies


def measure(stack: Stack, turns: int, concurrency: int) -> str:
    """Replay conversations until `turns` turns were sent; one line of figures."""
    jobs = []
    count = 0
    while count < turns:
        conversation = CONVERSATIONS[len(jobs) % len(CONVERSATIONS)]
        jobs.append(conversation)
        count += len(conversation)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(lambda c: replay(stack, c), jobs))
    elapsed = time.perf_counter() - started
    latencies = [latency for result in results for latency in result]
    return (
        f"concurrency {concurrency:>3}: {len(latencies)} turns, "
        f"p50 {1000 * statistics.median(latencies):.0f} ms, "
        f"p95 {1000 * percentile(latencies, 0.95):.0f} ms, "
        f"max {1000 * max(latencies):.0f} ms, {len(latencies) / elapsed:.1f} turns/s"
    )


def memory(stack: Stack) -> str:
    """Resident memory of each process of the stack (Linux /proc)."""
    sizes = []
    for name, process in stack.processes.items():
        status = Path(f"/proc/{process.pid}/status").read_text()
        kilobytes = int(next(line for line in status.splitlines() if line.startswith("VmRSS:")).split()[1])
        sizes.append(f"{name} {kilobytes / 1024:.0f} MB")
    return "resident memory after the run: " + ", ".join(sizes)


def time_training() -> str:
    """Train from scratch into a temporary folder; one line with the time it took."""
    with tempfile.TemporaryDirectory() as out:
        # An empty training cache: Rasa otherwise reuses components trained before.
        env = dict(os.environ, RASA_CACHE_DIRECTORY=str(Path(out) / "cache"))
        started = time.perf_counter()
        subprocess.run(
            [str(ROOT / ".venv-rasa/bin/rasa"), "train", "--out", out, "--num-threads", "2"],
            cwd=ROOT,
            check=True,
            capture_output=True,
            env=env,
        )
        return f"training (rasa train, from scratch): {time.perf_counter() - started:.1f} s"


def main() -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=200)
    parser.add_argument("--concurrency", default="1,10")
    parser.add_argument("--train", action="store_true", help="also time a training from scratch")
    args = parser.parse_args()
    model = os.environ.get("MODEL")
    if not model:
        print("set MODEL to a trained model (make bench does)", file=sys.stderr)
        return 2
    lines = [time_training()] if args.train else []
    with tempfile.TemporaryDirectory() as work:
        cold_started = time.perf_counter()
        with running_stack(ROOT / model, Path(work)) as stack:
            lines.append(f"cold start of the stack (healthy): {time.perf_counter() - cold_started:.1f} s")
            replay(stack, CONVERSATIONS[0])  # warm up
            for level in (int(c) for c in args.concurrency.split(",")):
                lines.append(measure(stack, args.turns, level))
            lines.append(memory(stack))
    print(write_report(REPORT, lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
