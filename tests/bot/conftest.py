"""Fixtures for tests that run inside the Rasa venv (.venv-rasa)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def rasa_agent():
    """The trained Rasa model named by $MODEL (make test sets it), loaded once."""
    from rasa.core.agent import Agent

    model = os.environ.get("MODEL")
    if not model or not (ROOT / model).exists():
        pytest.fail("MODEL must name a trained model: run the suite through `make test`")
    return Agent.load(str(ROOT / model))
