"""Session-wide test plumbing: print the figures that tests write to var/reports/.

Quality tests (held-out NLU macro-F1, safety recall and false-positive rate) write their
figures to var/reports/*.txt; this prints those written during the run at the end of the
pytest output, so `make test` shows them whether the floors pass or not.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
REPORTS = ROOT / "var" / "reports"
_STARTED = time.time()


def pytest_terminal_summary(terminalreporter) -> None:
    """Print every report file written since this session started."""
    fresh = sorted(p for p in REPORTS.glob("*.txt") if p.stat().st_mtime >= _STARTED)
    for report in fresh:
        terminalreporter.write_sep("-", f"figures: {report.relative_to(REPORTS.parents[1])}")
        terminalreporter.write(report.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    """domain.yml as Rasa sends it to the action server (and web renders the disclaimer from)."""
    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
