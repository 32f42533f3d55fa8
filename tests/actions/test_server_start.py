"""The action server refuses to start without a ready knowledge index (actions/__main__.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_action_server_refuses_to_start_when_the_index_is_missing(tmp_path):
    env = dict(os.environ, VASCERN_INDEX_DIR=str(tmp_path / "no-index"), PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, "-m", "actions"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 2
    assert "not starting" in result.stderr
    assert "python -m knowledge build" in result.stderr
