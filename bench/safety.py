"""Safety layer figures: recall and false-positive rate per language and kind on the dev and
blind sets (BLIND_SETS), and the latency of one assessment (rules + model + context) per message.

    python -m bench.safety
"""

from __future__ import annotations

import statistics
import time

from safety.assess import assess, load_model
from safety.evaluate import evaluate, table
from safety.labelled import BLIND_SETS, load_set

LATENCY_MESSAGES = 2000  # messages timed (dev and train, cycled)


def main() -> None:
    """Print the tables and the per-message latency."""
    model = load_model()
    for name in ("dev", *BLIND_SETS):
        report = evaluate(load_set(name), lambda text: assess(text, model=model))
        print(table(f"Safety layer on tests/safety/{name}/", report))
        print()
    texts = [m.text for m in load_set("dev") + load_set("train")]
    timings = []
    for i in range(LATENCY_MESSAGES):
        start = time.perf_counter()
        assess(texts[i % len(texts)], model=model)
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95)]
    print(
        f"assess() latency over {LATENCY_MESSAGES} messages: p50 {statistics.median(timings):.2f} ms, "
        f"p95 {p95:.2f} ms, max {timings[-1]:.2f} ms"
    )


if __name__ == "__main__":
    main()
