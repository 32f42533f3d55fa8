"""Rasa's API token comes from the environment or a file, never from the command line."""

from __future__ import annotations

import argparse

import pytest
from rasa.cli.arguments.run import add_server_arguments  # Rasa's own parser for `rasa run`

from bot.serve import rasa_arguments, read_token


def test_the_token_comes_from_the_environment_first(monkeypatch, tmp_path):
    monkeypatch.setenv("RASA_TOKEN", "from-env")
    monkeypatch.setenv("RASA_TOKEN_FILE", str(tmp_path / "unused"))
    assert read_token() == "from-env"


def test_else_from_the_token_file(monkeypatch, tmp_path):
    token_file = tmp_path / "rasa-token"
    token_file.write_text("from-file\n")
    monkeypatch.delenv("RASA_TOKEN", raising=False)
    monkeypatch.setenv("RASA_TOKEN_FILE", str(token_file))
    assert read_token() == "from-file"


def test_without_a_token_rasa_does_not_start(monkeypatch, tmp_path):
    monkeypatch.delenv("RASA_TOKEN", raising=False)
    monkeypatch.setenv("RASA_TOKEN_FILE", str(tmp_path / "missing"))
    with pytest.raises(SystemExit, match="no Rasa API token"):
        read_token()


def test_a_token_starting_with_a_dash_reaches_rasa_as_the_token():
    parser = argparse.ArgumentParser()
    add_server_arguments(parser)
    arguments = rasa_arguments(["-p", "5005"], "-dJx_token")
    parsed = parser.parse_args(arguments[2:])
    assert parsed.auth_token == "-dJx_token" and parsed.enable_api and parsed.port == 5005
