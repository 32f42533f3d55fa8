"""Where a turn's time goes: py-spy samples every process of the stack under load (issue 18).

    MODEL=models/<hash>.tar.gz python -m bench.profile [--seconds 30] [--concurrency 20]

Starts the stack (scripts/stack.py), drives it with bench.latency's conversations at the
given concurrency, and meanwhile records each process (rasa, actions, web) with py-spy
(`record --format raw`: collapsed stacks). Prints, per process, the CPU it used and the
functions holding the largest share of its samples (inclusive), and keeps the raw profiles in
var/reports/profile-<process>.txt (open them with speedscope or flamegraph.pl).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from bench import write_report
from bench.baseline import run, stack_sender
from bench.latency import CONVERSATIONS
from scripts.stack import ROOT, running_stack

REPORTS = ROOT / "var" / "reports"
PY_SPY = ROOT / ".venv" / "bin" / "py-spy"
TOP = 15
# A frame of this project's code: py-spy names files relative to the working folder.
PACKAGES = "actions|bot|common|knowledge|safety|web"
OUR_CODE = re.compile(rf"\((?:{re.escape(str(ROOT))}/)?(?:{PACKAGES})/[^)]*\)")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc, clock ticks)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def breakdown(raw: str) -> tuple[Counter, Counter, int]:
    """From py-spy's collapsed stacks: samples per leaf frame (where the time is spent),
    samples per frame of this project's code counted once per stack it appears in (which of
    our functions the time is spent under), and all samples."""
    leaves: Counter = Counter()
    ours: Counter = Counter()
    total = 0
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        samples = int(count)
        total += samples
        frames = stack.split(";")
        leaves[frames[-1]] += samples
        for frame in set(frames):
            if OUR_CODE.search(frame):
                ours[frame.replace(f"{ROOT}/", "")] += samples
    return leaves, ours, total


def main() -> int:
    """Profile under load and print the breakdown."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--concurrency", type=int, default=20)
    args = parser.parse_args()
    model = os.environ.get("MODEL")
    if not model:
        print("set MODEL to a trained model", file=sys.stderr)
        return 2
    REPORTS.mkdir(parents=True, exist_ok=True)
    lines = []
    with tempfile.TemporaryDirectory() as folder, running_stack(ROOT / model, Path(folder)) as stack:
        send = stack_sender(stack)
        run(send, CONVERSATIONS, 20, 1)  # warm up
        stop = threading.Event()
        turns = Counter()

        def load() -> None:
            while not stop.is_set():
                turns["done"] += run(send, CONVERSATIONS, args.concurrency * 4, args.concurrency)["turns"]

        driver = threading.Thread(target=load)
        before = {name: cpu_seconds(p.pid) for name, p in stack.processes.items()}
        started = time.perf_counter()
        driver.start()
        recorders = {
            name: subprocess.Popen(
                [
                    str(PY_SPY),
                    "record",
                    "--pid",
                    str(process.pid),
                    "--duration",
                    str(args.seconds),
                    "--format",
                    "raw",
                    "--output",
                    str(REPORTS / f"profile-{name}.txt"),
                    "--nonblocking",
                    "--subprocesses",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )  # fmt: skip
            for name, process in stack.processes.items()
        }
        for recorder in recorders.values():
            recorder.wait(timeout=args.seconds + 120)
        stop.set()
        driver.join()
        elapsed = time.perf_counter() - started
        used = {name: cpu_seconds(p.pid) - before[name] for name, p in stack.processes.items()}
    done = max(1, turns["done"])
    lines.append(f"{done} turns in {elapsed:.0f} s at concurrency {args.concurrency}")
    for name in recorders:
        lines.append(f"\n{name}: {used[name]:.1f} s CPU, {1000 * used[name] / done:.0f} ms CPU per turn")
        profile = REPORTS / f"profile-{name}.txt"
        raw = profile.read_text() if profile.exists() else ""
        leaves, ours, total = breakdown(raw)
        lines.append("  where the samples are (leaf frames):")
        for frame, samples in leaves.most_common(TOP):
            lines.append(f"    {100 * samples / max(1, total):5.1f}%  {frame[:140]}")
        lines.append("  under which of this project's functions (inclusive):")
        for frame, samples in ours.most_common(TOP):
            lines.append(f"    {100 * samples / max(1, total):5.1f}%  {frame[:140]}")
    print(write_report(REPORTS / "profile.txt", lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
