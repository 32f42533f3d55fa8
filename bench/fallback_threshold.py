"""Tune the FallbackClassifier threshold on held-out NLU data (tests/nlu/heldout_*.yml).

    MODEL=models/<hash>.tar.gz .venv-rasa/bin/python -m bench.fallback_threshold

For each candidate threshold, prints per language: held-out macro-F1 (a fallback counts as
a miss), the share of messages sent to the fallback, and the share accepted with a wrong
intent. A wrong intent costs a patient more than "I'm not sure I understood" with choices,
so the chosen threshold minimises 2 × wrong-accepted + fallbacks, averaged over languages.
"""

from __future__ import annotations

import asyncio
import os
import sys

from rasa.core.agent import Agent

from tests.bot.test_nlu_heldout import load_heldout, macro_f1

THRESHOLDS = (0.0, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5)
FALLBACK = "nlu_fallback"
# How much worse a wrongly understood message is than a fallback with choices.
WRONG_INTENT_COST = 2.0


async def raw_predictions(agent: Agent, texts: list[str]) -> list[tuple[str, float]]:
    """The classifier's top intent and confidence, as if there were no fallback."""
    predictions = []
    for text in texts:
        ranking = [r for r in (await agent.parse_message(text))["intent_ranking"] if r["name"] != FALLBACK]
        predictions.append((ranking[0]["name"], ranking[0]["confidence"]))
    return predictions


def main() -> int:
    """Print the table and the chosen threshold."""
    agent = Agent.load(os.environ["MODEL"])
    data = {language: load_heldout(language) for language in ("en", "fr")}
    predictions = {
        language: asyncio.run(raw_predictions(agent, [text for text, _ in pairs]))
        for language, pairs in data.items()
    }
    best = None
    print("threshold  " + "  ".join(f"{lang}: F1  fallback  wrong" for lang in data))
    for threshold in THRESHOLDS:
        cells, cost = [], 0.0
        for language, pairs in data.items():
            gold = [intent for _, intent in pairs]
            predicted = [i if c >= threshold else FALLBACK for i, c in predictions[language]]
            f1, _ = macro_f1(gold, predicted)
            fallback = predicted.count(FALLBACK) / len(predicted)
            wrong = sum(p not in (g, FALLBACK) for g, p in zip(gold, predicted, strict=True)) / len(gold)
            cost += (WRONG_INTENT_COST * wrong + fallback) / len(data)
            cells.append(f"{f1:6.3f}  {fallback:8.1%}  {wrong:5.1%}")
        print(f"{threshold:9.2f}  " + "  ".join(cells) + f"   cost {cost:.3f}")
        if best is None or cost < best[1]:
            best = (threshold, cost)
    print(f"chosen threshold: {best[0]} (set it in config.yml, FallbackClassifier)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
