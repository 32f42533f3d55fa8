"""This assistant beside a minimal Rasa 3.6 bot, in one sitting (issue 18).

    MODEL=models/<hash>.tar.gz python -m bench.baseline [--turns 400] [--concurrency 1,20,100]

The minimal bot is `rasa init`'s project (its NLU data, rules and stories) with a
count-vector logistic-regression pipeline and rule + memoization policies, built here from
the template inside the Rasa package, trained, and served with its REST channel. Both are
driven the same way (threads, one conversation per thread, loopback): p50/p95 per turn and
turns per second at each concurrency, errors, and the resident memory of every process.
The table and the targets are printed and written to var/reports/baseline.txt.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from bench import write_report
from bench.latency import CONVERSATIONS, percentile
from scripts.stack import ROOT, Stack, free_port, running_stack

REPORT = ROOT / "var" / "reports" / "baseline.txt"
RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
TEMPLATE = ROOT / ".venv-rasa/lib/python3.10/site-packages/rasa/cli/initial_project"
MINIMAL_CONFIG = """recipe: default.v1
language: en
assistant_id: minimal-baseline
pipeline:
  - name: WhitespaceTokenizer
  - name: CountVectorsFeaturizer
  - name: LogisticRegressionClassifier
policies:
  - name: MemoizationPolicy
  - name: RulePolicy
"""
MINIMAL_CONVERSATIONS = [
    ["hello", "I am sad", "yes", "bye"],
    ["hi", "great", "goodbye"],
    ["are you a bot?", "good morning", "very good", "see you"],
]
# Issue 18's targets, against the minimal bot measured in the same run.
P95_RATIO, THROUGHPUT_RATIO, SEQUENTIAL_P95_MS, MEMORY_GIB = 1.5, 0.7, 150, 1.5

Send = Callable[[str, str | None], tuple[int, str | None]]


def post(url: str, body: dict, timeout: float = 120) -> tuple[int, dict | list]:
    """POST JSON; the status and the decoded body (errors included)."""
    request = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, {}
    except OSError:
        return 599, {}  # a timeout or a refused connection: an error, never a pass


def run(send: Send, conversations: list[list[str]], turns: int, concurrency: int) -> dict:
    """Replay conversations (one per thread) until `turns` turns; latency and errors."""
    jobs, count = [], 0
    while count < turns:
        jobs.append(conversations[len(jobs) % len(conversations)])
        count += len(jobs[-1])

    def replay(conversation: list[str]) -> list[tuple[float, int]]:
        results, conversation_id = [], None
        for text in conversation:
            started = time.perf_counter()
            status, conversation_id = send(text, conversation_id)
            results.append((time.perf_counter() - started, status))
        return results

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        done = [result for results in pool.map(replay, jobs) for result in results]
    elapsed = time.perf_counter() - started
    latencies = [latency for latency, _ in done]
    return {
        "p50": 1000 * statistics.median(latencies),
        "p95": 1000 * percentile(latencies, 0.95),
        "throughput": len(done) / elapsed,
        "errors": sum(1 for _, status in done if status != 200),
        "turns": len(done),
    }


def stack_sender(stack: Stack) -> Send:
    """Send one turn through this assistant's public chat API, as run() expects."""

    def send(text: str, conversation_id: str | None) -> tuple[int, str | None]:
        try:
            status, body = stack.chat(text, conversation_id)
        except OSError:  # a timeout or a refused connection counts as an error
            return 599, conversation_id
        return status, body.get("conversation_id") or conversation_id

    return send


def rss_mib(pid: int) -> float:
    """Resident memory of a process and its children (Linux /proc), MiB."""
    total = 0.0
    for candidate in [pid, *children(pid)]:
        try:
            status = Path(f"/proc/{candidate}/status").read_text()
        except OSError:
            continue
        total += int(next(line for line in status.splitlines() if line.startswith("VmRSS:")).split()[1])
    return total / 1024


def children(pid: int) -> list[int]:
    """Every descendant of `pid`."""
    found = []
    try:
        direct = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    for child in map(int, direct):
        found += [child, *children(child)]
    return found


@contextmanager
def minimal_bot(work: Path) -> Iterator[tuple[str, int]]:
    """Build, train and serve the minimal bot; its REST webhook URL and its pid."""
    project = work / "minimal"
    shutil.copytree(TEMPLATE, project, ignore=shutil.ignore_patterns("actions", "tests", "__pycache__"))
    (project / "config.yml").write_text(MINIMAL_CONFIG)
    env = dict(os.environ, RASA_TELEMETRY_ENABLED="false")
    subprocess.run(
        [str(RASA), "train", "--fixed-model-name", "minimal", "--out", "models"],
        cwd=project, check=True, capture_output=True, env=env,
    )  # fmt: skip
    port = free_port()
    log = (work / "minimal.log").open("w")
    process = subprocess.Popen(
        [str(RASA), "run", "-m", "models/minimal.tar.gz", "-i", "127.0.0.1", "-p", str(port)],
        cwd=project, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/webhooks/rest/webhook"
    try:
        deadline = time.monotonic() + 300
        while post(url, {"sender": "warm-up", "message": "hello"})[0] != 200:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the minimal bot did not start: see {work / 'minimal.log'}")
            time.sleep(1)
        yield url, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


def measure_all(send: Send, conversations: list[list[str]], turns: int, levels: list[int]) -> dict:
    """run() at each concurrency level, after a warm-up."""
    run(send, conversations, len(conversations[0]), 1)
    return {level: run(send, conversations, max(turns, level * 4), level) for level in levels}


def table(minimal: dict, ours: dict, memory: tuple[float, float]) -> list[str]:
    """The side-by-side lines, with each target's verdict."""
    lines = ["| | minimal Rasa bot | this assistant | target |", "|---|---|---|---|"]
    for level in minimal:
        m, o = minimal[level], ours[level]
        if level == 1:
            target = f"p95 ≤ {SEQUENTIAL_P95_MS} ms: {'met' if o['p95'] <= SEQUENTIAL_P95_MS else 'not met'}"
        else:
            p95_ok = o["p95"] <= P95_RATIO * m["p95"]
            rate_ok = o["throughput"] >= THROUGHPUT_RATIO * m["throughput"]
            target = (
                f"p95 ≤ {P95_RATIO}× ({'met' if p95_ok else 'not met'}), "
                f"throughput ≥ {THROUGHPUT_RATIO}× ({'met' if rate_ok else 'not met'})"
            )
            if level >= 100:
                target += f", no error ({'met' if o['errors'] == 0 else 'not met'})"
        lines.append(
            f"| {level} concurrent: p50 / p95, turns/s, errors "
            f"| {m['p50']:.0f} / {m['p95']:.0f} ms, {m['throughput']:.1f}, {m['errors']} "
            f"| {o['p50']:.0f} / {o['p95']:.0f} ms, {o['throughput']:.1f}, {o['errors']} | {target} |"
        )
    ok = memory[1] / 1024 <= MEMORY_GIB
    lines.append(
        f"| resident memory | {memory[0] / 1024:.2f} GiB | {memory[1] / 1024:.2f} GiB "
        f"| ≤ {MEMORY_GIB} GiB: {'met' if ok else 'not met'} |"
    )
    return lines


def main() -> int:
    """Measure both, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=400)
    parser.add_argument("--concurrency", default="1,20,100")
    args = parser.parse_args()
    model = os.environ.get("MODEL")
    if not model:
        print("set MODEL to a trained model (make bench does)", file=sys.stderr)
        return 2
    levels = [int(level) for level in args.concurrency.split(",")]
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        with minimal_bot(work) as (url, pid):

            def send_minimal(text: str, sender: str | None) -> tuple[int, str | None]:
                sender = sender or f"b{time.perf_counter_ns()}"
                return post(url, {"sender": sender, "message": text})[0], sender

            minimal = measure_all(send_minimal, MINIMAL_CONVERSATIONS, args.turns, levels)
            minimal_memory = rss_mib(pid)
        (work / "stack").mkdir()
        with running_stack(ROOT / model, work / "stack") as stack:
            ours = measure_all(stack_sender(stack), CONVERSATIONS, args.turns, levels)
            our_memory = sum(rss_mib(process.pid) for process in stack.processes.values())
    lines = table(minimal, ours, (minimal_memory, our_memory))
    print(write_report(REPORT, lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
