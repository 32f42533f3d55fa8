"""Wait until web reports every dependency healthy, print the URLs, then stay up.

Runs as the `ready` process of the Procfile: honcho stops all processes when one exits,
so after printing it sleeps until honcho stops it (Ctrl-C).
"""

from __future__ import annotations

import json
import os
import sys
import time
import urllib.request

WEB_URL = os.environ.get("WEB_PUBLIC_URL", "http://localhost:8080")
# Rasa loads its model and the action server its index: allow a slow first start.
TIMEOUT_SECONDS = 300
POLL_SECONDS = 1.0


def healthy() -> bool:
    """True when GET /healthz says every dependency is up."""
    try:
        with urllib.request.urlopen(f"{WEB_URL}/healthz", timeout=2) as response:
            return json.load(response).get("status") == "ok"
    except (OSError, ValueError):
        return False


def main() -> int:
    """Poll, then print where to go."""
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while not healthy():
        if time.monotonic() > deadline:
            print(f"not healthy after {TIMEOUT_SECONDS}s: see {WEB_URL}/healthz", file=sys.stderr)
            return 1
        time.sleep(POLL_SECONDS)
    print(
        "\n  VASCERN patient assistant is ready\n"
        f"    widget     {WEB_URL}/   (the demo page: open it and chat)\n"
        f"    chat API   POST {WEB_URL}/api/chat   (docs/api.md)\n"
        f"    health     {WEB_URL}/healthz\n"
        f"    metrics    {WEB_URL}/metrics\n"
        f"    privacy    {WEB_URL}/privacy\n"
        f"    console    {WEB_URL}/console/   (first account: .venv/bin/python -m web create-moderator"
        " --email you@example.org --name 'Your Name' --role admin)\n"
        "  Ctrl-C stops everything.\n",
        flush=True,
    )
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    sys.exit(main())
