"""Start the action server: `python -m actions`.

Loads the knowledge index and directory first and refuses to start, with a message
saying what to run, if the index is missing, stale or built with another model.
"""

from __future__ import annotations

import logging
import sys

from rasa_sdk.endpoint import create_app

from actions import resources
from actions.executor import LocalDomainExecutor
from actions.settings import load_settings
from knowledge.index import IndexNotReady


def main() -> int:
    """Load resources, then serve the actions until interrupted."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    settings = load_settings()
    try:
        resources.load_all()
    except IndexNotReady as error:
        print(f"actions: not starting: {error}", file=sys.stderr)
        return 2
    executor = LocalDomainExecutor(settings.domain_file)
    executor.register_package("actions")
    app = create_app(executor)
    app.run(host=settings.host, port=settings.port, single_process=True, access_log=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
