"""Benchmarks of the VASCERN assistant (run each as `python -m bench.<name>`)."""

from __future__ import annotations

from pathlib import Path


def write_report(path: Path, lines: list[str]) -> str:
    """Write a benchmark's report lines to ``path`` (its folder created) and return the text."""
    text = "\n".join(lines)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + "\n", encoding="utf-8")
    return text
