"""Start Rasa's server with its HTTP API token read from the environment or a file.

`python -m bot.serve <rasa run arguments>` runs `rasa run --enable-api` with the token of
RASA_TOKEN, else of the file RASA_TOKEN_FILE (default var/rasa-token). The token never
appears on a command line, where `ps` would show it to every user of the machine.

It also changes how Rasa does a few things, not what it does (bench/README.md has the
figures): it checks action-server answers with a prebuilt validator (action_results.py),
finds event classes once per type name (event_types.py), fills the language and place slots
in-process (slot_mappings.py), keeps connections to the action server alive (keep_alive.py),
and serves a model without TensorFlow components without loading TensorFlow
(without_tensorflow.py; RASA_LOAD_TENSORFLOW=1 loads it anyway).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from bot import without_tensorflow

DEFAULT_TOKEN_FILE = Path(__file__).resolve().parents[1] / "var" / "rasa-token"


def configured_token() -> tuple[str, str]:
    """The API token of RASA_TOKEN, else of the file RASA_TOKEN_FILE; "" and the reason when
    there is none."""
    token = os.environ.get("RASA_TOKEN", "").strip()
    if token:
        return token, ""
    path = Path(os.environ.get("RASA_TOKEN_FILE", DEFAULT_TOKEN_FILE))
    try:
        token = path.read_text(encoding="utf-8").strip()
    except OSError as error:
        return "", f"no Rasa API token: set RASA_TOKEN or write one to {path} ({error})"
    return token, "" if token else "the Rasa API token is empty"


def read_token() -> str:
    """The API token; exits with a message when there is none."""
    token, missing = configured_token()
    if not token:
        sys.exit(missing)
    return token


def rasa_arguments(arguments: list[str], token: str) -> list[str]:
    """`rasa run`'s argument list with the API enabled under `token`. The token is joined to
    its flag: a random token may start with "-", which argparse would read as a flag."""
    return ["rasa", "run", *arguments, "--enable-api", f"--auth-token={token}"]


def model_argument(arguments: list[str]) -> Path | None:
    """The model file given to `rasa run` (-m/--model), if it names a file."""
    for flag, value in zip(arguments, arguments[1:], strict=False):
        if flag in ("-m", "--model") and Path(value).is_file():
            return Path(value)
    return None


def main() -> None:
    """Replace this process's argument list in memory (not /proc) and run Rasa's CLI."""
    token = read_token()
    model = model_argument(sys.argv[1:])
    wanted = os.environ.get("RASA_LOAD_TENSORFLOW") == "1"
    if model is not None and not wanted and not without_tensorflow.needs_tensorflow(model):
        without_tensorflow.install()
    sys.argv = rasa_arguments(sys.argv[1:], token)
    from rasa.__main__ import main as rasa_main

    from bot import action_results, event_types, graph_runner, keep_alive, rule_policy, slot_mappings

    action_results.install()  # the same check of action-server answers, without its cost
    event_types.install()  # event classes found once per type name, not once per event
    slot_mappings.install()  # language, city and country filled here, not on the action server
    keep_alive.install()  # one HTTP session (kept-alive connections) to the action server
    graph_runner.install()  # the prediction graph run node by node, without dask's scheduler
    rule_policy.install()  # RulePolicy checks only the rules that can fit the current state

    rasa_main()


if __name__ == "__main__":
    main()
