"""Figures of the safety layer on a labelled set: recall and false-positive rate per language
and per kind. A message is *flagged* when the assistant opens with the emergency message or
with the safety question; *alarm* counts the emergency message alone."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from common.languages import LANGUAGES
from safety.assess import ASK, EMERGENCY, Assessment
from safety.labelled import Labelled

ALL = "all"


@dataclass
class Scores:
    """Counts for one group of messages (a language, a kind, or all)."""

    emergencies: int = 0
    flagged: int = 0  # emergencies answered with the emergency message or the safety question
    alarmed: int = 0  # emergencies answered with the emergency message at once
    near_misses: int = 0
    false_flags: int = 0  # near-misses answered with the emergency message or the question
    false_alarms: int = 0  # near-misses answered with the emergency message

    @property
    def recall(self) -> float:
        """Share of emergencies flagged."""
        return self.flagged / self.emergencies if self.emergencies else 1.0

    @property
    def alarm_recall(self) -> float:
        """Share of emergencies given the emergency message at once."""
        return self.alarmed / self.emergencies if self.emergencies else 1.0

    @property
    def fpr(self) -> float:
        """Share of near-misses flagged."""
        return self.false_flags / self.near_misses if self.near_misses else 0.0

    @property
    def alarm_fpr(self) -> float:
        """Share of near-misses given the emergency message."""
        return self.false_alarms / self.near_misses if self.near_misses else 0.0


@dataclass
class Report:
    """Scores by language, by kind, and over the whole set."""

    by_language: dict[str, Scores]
    by_kind: dict[str, Scores]

    @property
    def overall(self) -> Scores:
        """Scores over every message."""
        return self.by_language[ALL]


def evaluate(messages: Iterable[Labelled], assess: Callable[[str], Assessment]) -> Report:
    """Run ``assess`` on every message and count."""
    by_language: dict[str, Scores] = {ALL: Scores()}
    by_kind: dict[str, Scores] = {}
    report = Report(by_language, by_kind)
    for message in messages:
        result = assess(message.text)
        flagged = result.level in (EMERGENCY, ASK)
        alarmed = result.level == EMERGENCY
        groups = (
            by_language[ALL],
            by_language.setdefault(message.language, Scores()),
            by_kind.setdefault(message.kind, Scores()),
        )
        for scores in groups:
            if message.emergency:
                scores.emergencies += 1
                scores.flagged += flagged
                scores.alarmed += alarmed
            else:
                scores.near_misses += 1
                scores.false_flags += flagged
                scores.false_alarms += alarmed
    return report


def table(title: str, report: Report) -> str:
    """The report as a plain-text table (languages, then kinds)."""
    head = f"{'':<24} {'emerg.':>6} {'recall':>7} {'alarm':>6} {'near-m.':>7} {'FPR':>6} {'alarmFPR':>8}"
    lines = [title, head]
    languages = [lang for lang in LANGUAGES if lang in report.by_language] + [ALL]
    rows = [(key, report.by_language[key]) for key in languages]
    rows += [(kind, report.by_kind[kind]) for kind in sorted(report.by_kind)]
    for key, s in rows:
        lines.append(
            f"{key:<24} {s.emergencies:>6} {s.recall:>7.3f} {s.alarm_recall:>6.3f} {s.near_misses:>7}"
            f" {s.fpr:>6.3f} {s.alarm_fpr:>8.3f}"
        )
    return "\n".join(lines)


__all__ = ["ALL", "Report", "Scores", "evaluate", "table"]
