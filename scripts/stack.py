"""Start the real stack (Rasa, the action server, web) as processes on free ports.

Used by the integration tests and the benchmarks: the three processes of ARCHITECTURE.md,
with a given trained model and the built knowledge index, on loopback ports, waiting
until web's /healthz is green.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[1]
# Rasa's cold start (model load) and the action server's index load, on 2 cores.
START_TIMEOUT_SECONDS = 240


class StackFailed(RuntimeError):
    """A process crashed or the stack was not healthy in time (the logs are attached)."""


def rasa_token() -> str:
    """The token of the test stack's Rasa API: RASA_TOKEN, else a fixed one (loopback only)."""
    return os.environ.get("RASA_TOKEN", "local-stack-token")


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Stack:
    """The running processes and a small client of the public chat API."""

    def __init__(
        self,
        web_url: str,
        processes: dict[str, subprocess.Popen],
        logs: Path,
        rasa_url: str = "",
        database_url: str = "",
    ) -> None:
        self.web_url = web_url
        self.database_url = database_url
        self.rasa_url = rasa_url
        self.processes = processes
        self.logs = logs
        # Each conversation's secret token, from its first reply, sent with every later message.
        self.tokens: dict[str, str] = {}

    def chat(
        self,
        text: str,
        conversation_id: str | None = None,
        language: str | None = None,
        payload: str | None = None,
    ) -> tuple[int, dict[str, Any]]:
        """POST /api/chat (a button tap when `payload` is given); the status and the JSON body."""
        body: dict[str, Any] = {"text": text}
        if payload:
            body["payload"] = payload
        if conversation_id:
            body["conversation_id"] = conversation_id
            body["conversation_token"] = self.tokens.get(conversation_id, "")
        if language:
            body["language"] = language
        request = urllib.request.Request(
            f"{self.web_url}/api/chat",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                status, reply = response.status, json.load(response)
        except urllib.error.HTTPError as error:
            status, reply = error.code, json.load(error)
        if reply.get("conversation_token"):
            self.tokens[reply["conversation_id"]] = reply["conversation_token"]
        return status, reply

    def query(self, sql: str, **parameters: Any) -> list[tuple]:
        """Rows of a read-only SQL query on the stack's database (SQLite or PostgreSQL)."""
        from sqlalchemy import create_engine, text

        from web.storage.migrate import database_url

        engine = create_engine(database_url(self.database_url))
        try:
            with engine.connect() as connection:
                return [tuple(row) for row in connection.execute(text(sql), parameters).all()]
        finally:
            engine.dispose()

    def stored(
        self, conversation_id: str, columns: tuple[str, ...] = ("sender", "type", "text")
    ) -> list[tuple]:
        """`columns` of every stored message of a conversation, in order."""
        return self.query(
            f"SELECT {', '.join(columns)} FROM messages WHERE conversation_id = :c ORDER BY id",
            c=conversation_id,
        )

    def create_moderator(self, email: str, password: str, role: str = "admin") -> subprocess.CompletedProcess:
        """A console account on the stack's database, made with the real command."""
        env = dict(
            os.environ, DATABASE_URL=self.database_url, MODERATOR_PASSWORD=password, PYTHONPATH=str(ROOT)
        )
        command = [
            str(ROOT / ".venv/bin/python"),
            "-m",
            "web",
            "create-moderator",
            "--email",
            email,
            "--name",
            email.split("@")[0],
            "--role",
            role,
        ]
        return subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)

    def rasa_tracker(self, conversation_id: str) -> tuple[int, dict[str, Any]]:
        """Rasa's tracker of a conversation, through its HTTP API (with the stack's token)."""
        url = f"{self.rasa_url}/conversations/{conversation_id}/tracker?token={rasa_token()}"
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, json.load(response)

    def healthy(self) -> bool:
        """True when web reports every dependency up."""
        try:
            with urllib.request.urlopen(f"{self.web_url}/healthz", timeout=2) as response:
                return json.load(response)["status"] == "ok"
        except (OSError, ValueError):
            return False

    def restart(self, name: str, down_seconds: float = 0.0) -> None:
        """Stop process `name`, keep it down `down_seconds`, start it again, wait until healthy."""
        process = self.processes[name]
        process.terminate()
        process.wait(timeout=20)
        time.sleep(down_seconds)
        command, env = process.launch  # type: ignore[attr-defined]
        self.processes[name] = _start(name, command, env, self.logs, mode="a")
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not self.healthy():
            if self.processes[name].poll() is not None or time.monotonic() > deadline:
                raise StackFailed(f"{name} did not come back\n{self.log_tail()}")
            time.sleep(0.2)

    def log_tail(self, characters: int = 3000) -> str:
        """The end of every process log."""
        return "\n".join(
            f"--- {name}.log ---\n" + (self.logs / f"{name}.log").read_text()[-characters:]
            for name in self.processes
        )


def _start(
    name: str, command: list[str], env: dict[str, str], logs: Path, mode: str = "w"
) -> subprocess.Popen:
    log = (logs / f"{name}.log").open(mode)
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    process.launch = (command, env)  # type: ignore[attr-defined]  # kept for Stack.restart
    return process


def write_endpoints(work: Path, actions_url: str) -> Path:
    """Rasa's endpoints of one instance (`make run`, the test stack): the action server, and
    the tracker store in an SQLite file under `work`, so a restarted Rasa keeps every
    conversation."""
    endpoints = work / "endpoints.yml"
    endpoints.write_text(
        "# written by scripts/stack.py\n"
        f'action_endpoint:\n  url: "{actions_url}/webhook"\n  enable_selective_domain: true\n'
        "tracker_store:\n  type: bot.tracker_store.LeanSQLTrackerStore\n"
        f"  dialect: sqlite\n  db: {work / 'rasa-tracker.sqlite3'}\n"
    )
    return endpoints


@contextlib.contextmanager
def running_stack(model: Path, work: Path, database_url: str | None = None) -> Iterator[Stack]:
    """Rasa + actions + web with `model`, logs under `work`, transcripts in `database_url`
    (default: an SQLite file under `work`)."""
    rasa_port, actions_port, web_port = free_port(), free_port(), free_port()
    database_url = database_url or f"sqlite:///{work / 'transcripts.sqlite3'}"
    endpoints = write_endpoints(work, f"http://127.0.0.1:{actions_port}")
    env = dict(os.environ, PYTHONPATH=str(ROOT), HF_HUB_OFFLINE="1", RASA_TELEMETRY_ENABLED="false")
    processes = {
        "actions": _start(
            "actions",
            [str(ROOT / ".venv/bin/python"), "-m", "actions"],
            dict(env, ACTIONS_PORT=str(actions_port)),
            work,
        ),
        "rasa": _start(
            "rasa",
            [
                str(ROOT / ".venv-rasa/bin/python"),
                "-m",
                "bot.serve",
                "-m",
                str(model),
                "-i",
                "127.0.0.1",
                "-p",
                str(rasa_port),
                "--endpoints",
                str(endpoints),
                "--credentials",
                str(ROOT / "credentials.yml"),
            ],
            dict(env, RASA_TOKEN=rasa_token(), RASA_TRACKER_KEY=Fernet.generate_key().decode()),
            work,
        ),
        "web": _start(
            "web",
            [str(ROOT / ".venv/bin/python"), "-m", "web"],
            dict(
                env,
                WEB_HOST="127.0.0.1",
                WEB_PORT=str(web_port),
                WEB_PUBLIC_URL=f"http://127.0.0.1:{web_port}",
                WEB_RASA_URL=f"http://127.0.0.1:{rasa_port}",
                WEB_RASA_TOKEN=rasa_token(),
                WEB_ACTIONS_URL=f"http://127.0.0.1:{actions_port}",
                DATABASE_URL=database_url,
                WEB_SECRET_KEY_FILE=str(work / "secret-key"),
                WEB_OUTBOX_DIR=str(work / "outbox"),
                WEB_RATE_BURST="100000",
                WEB_CONVERSATION_BURST="100000",
            ),
            work,
        ),
    }
    stack = Stack(
        f"http://127.0.0.1:{web_port}", processes, work, f"http://127.0.0.1:{rasa_port}", database_url
    )
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    try:
        while not stack.healthy():
            crashed = [name for name, process in processes.items() if process.poll() is not None]
            if crashed or time.monotonic() > deadline:
                raise StackFailed(f"stack did not start (crashed: {crashed})\n{stack.log_tail()}")
            time.sleep(1)
        yield stack
    finally:
        for process in processes.values():
            process.terminate()
        for process in processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
