"""Run the assistant's processes under supervisord, which restarts a crashed one with back-off
and never stops the others because one did (`web` keeps answering, red flags included).

    python -m scripts.supervise run        # make run: rasa, actions, web
    python -m scripts.supervise prod       # make run-prod: PostgreSQL, Redis, two Rasa
                                           # instances sharing tracker and lock stores,
                                           # actions, web (the topology of docker-compose.yml)

Options: --work DIR (config, logs, pid, data; default var/supervise/<mode>), --free-ports
(loopback ports picked at random, for tests), --model PATH. The ports chosen are written to
DIR/ports.json. Rasa's tracker store is SQL in both modes (SQLite under DIR for `run`,
the app's PostgreSQL database for `prod`), so a restarted Rasa loses no conversation.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.fernet import Fernet

from scripts.postgres import binaries
from scripts.stack import ROOT, free_port, write_endpoints

VENV, RASA_VENV = ROOT / ".venv/bin", ROOT / ".venv-rasa/bin"
# supervisord: a process that exits within STARTSECS is retried with growing delays
# (1 s, 2 s, 3 s... up to STARTRETRIES times); one that dies later is restarted at once.
STARTSECS, STARTRETRIES = 5, 20
READY_TIMEOUT_SECONDS = 300


@dataclass
class Program:
    """One supervised process."""

    command: list[str]
    env: dict[str, str] = field(default_factory=dict)
    user: str | None = None
    startsecs: int = STARTSECS
    # False: started by main() once the database exists (run-prod)
    autostart: bool = True
    # where it starts (PostgreSQL, running as its own user, may not enter the repository)
    directory: Path = ROOT


def healthy(url: str) -> bool:
    """True when web's GET /healthz says every dependency is up."""
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
            return json.load(response).get("status") == "ok"
    except (OSError, ValueError):
        return False


def _ports(free: bool) -> dict[str, int]:
    fixed = {"web": 8080, "rasa1": 5005, "rasa2": 5006, "actions": 5055, "postgres": 5433, "redis": 6380}
    return {name: free_port() for name in fixed} if free else fixed


def _rasa(port: int, model: Path, endpoints: Path, env: dict[str, str]) -> Program:
    return Program(
        [
            str(RASA_VENV / "python"),
            "-m",
            "bot.serve",
            "-i",
            "127.0.0.1",
            "-p",
            str(port),
            "-m",
            str(model),
            "--endpoints",
            str(endpoints),
            "--credentials",
            str(ROOT / "credentials.yml"),
        ],
        env,
    )


def _secret_file(path: Path, make: Callable[[], str]) -> Path:
    """`path`, written once with a new secret (readable by its owner only) when missing."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(make())
        path.chmod(0o600)
    return path


def programs(
    mode: str, work: Path, ports: dict[str, int], model: Path, loopback: bool = False
) -> dict[str, Program]:
    """The processes of `mode`, with their environment; web listens on every interface
    (ARCHITECTURE.md) unless `loopback` (tests) or WEB_HOST say otherwise."""
    actions_url = f"http://127.0.0.1:{ports['actions']}"
    # Rasa's API token, shared by Rasa and web, and the key of Rasa's tracker store (never on
    # a command line)
    token_file = _secret_file(ROOT / "var" / "rasa-token", lambda: secrets.token_urlsafe(32))
    key_file = _secret_file(ROOT / "var" / "tracker-key", lambda: Fernet.generate_key().decode())
    rasa_env = {
        "RASA_TOKEN_FILE": str(token_file),
        "RASA_TRACKER_KEY_FILE": str(key_file),
        "ACTIONS_URL": f"{actions_url}/webhook",
    }
    web_env = {
        "WEB_HOST": os.environ.get("WEB_HOST", "127.0.0.1" if loopback else "0.0.0.0"),
        "WEB_PORT": str(ports["web"]),
        "WEB_PUBLIC_URL": os.environ.get("WEB_PUBLIC_URL", f"http://localhost:{ports['web']}"),
        "WEB_ACTIONS_URL": actions_url,
        "RASA_TOKEN_FILE": str(token_file),
    }
    found = {
        "actions": Program([str(VENV / "python"), "-m", "actions"], {"ACTIONS_PORT": str(ports["actions"])}),
    }
    if mode == "run":
        found["rasa"] = _rasa(ports["rasa1"], model, write_endpoints(work, actions_url), rasa_env)
        web_env["WEB_RASA_URL"] = f"http://127.0.0.1:{ports['rasa1']}"
    else:
        bin_dir = binaries()
        if bin_dir is None:
            sys.exit("PostgreSQL is not installed (Debian package `postgresql`): make system")
        data = _postgres_cluster(bin_dir, work)
        found["postgres"] = Program(
            [
                str(bin_dir / "postgres"),
                "-D",
                str(data),
                "-p",
                str(ports["postgres"]),
                "-k",
                str(data.parent),
                "-c",
                "listen_addresses=127.0.0.1",
            ],
            user="postgres" if os.geteuid() == 0 else None,
            directory=work,
        )
        found["redis"] = Program(
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(ports["redis"]),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(work),
                "--appendonly",
                "yes",
                "--save",
                "",
            ],
        )
        database = {
            "DB_HOST": "127.0.0.1",
            "DB_PORT": str(ports["postgres"]),
            "DB_NAME": "vascern",
            "DB_USER": "postgres",
            "DB_PASSWORD": "",
        }
        rasa_env |= database | {"REDIS_HOST": "127.0.0.1", "REDIS_PORT": str(ports["redis"])}
        endpoints = ROOT / "docker" / "endpoints.yml"
        found["rasa1"] = _rasa(ports["rasa1"], model, endpoints, rasa_env)
        found["rasa2"] = _rasa(ports["rasa2"], model, endpoints, rasa_env)
        web_env["WEB_RASA_URL"] = f"http://127.0.0.1:{ports['rasa1']},http://127.0.0.1:{ports['rasa2']}"
        web_env["DATABASE_URL"] = f"postgresql+psycopg://postgres@127.0.0.1:{ports['postgres']}/vascern"
    found["web"] = Program([str(VENV / "python"), "-m", "web"], web_env)
    if mode == "prod":  # these need the database: started once it exists
        for name in ("rasa1", "rasa2", "web"):
            found[name].autostart = False
    return found


def create_database(port: int) -> None:
    """Wait for run-prod's PostgreSQL to accept connections, and create `vascern` once."""
    bin_dir = binaries()
    assert bin_dir is not None
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    ready = ["-h", "127.0.0.1", "-p", str(port), "-U", "postgres"]
    while subprocess.run([str(bin_dir / "pg_isready"), *ready], capture_output=True).returncode != 0:
        if time.monotonic() > deadline:
            sys.exit(f"PostgreSQL did not start on port {port}")
        time.sleep(0.5)
    created = subprocess.run([str(bin_dir / "createdb"), *ready, "vascern"], capture_output=True, text=True)
    if created.returncode != 0 and "already exists" not in created.stderr:
        sys.exit(f"could not create the database: {created.stderr}")


def _postgres_cluster(bin_dir: Path, work: Path) -> Path:
    """The data folder of run-prod's PostgreSQL (created once: trust on loopback only)."""
    data = work / "postgres"
    if not (data / "PG_VERSION").exists():
        data.mkdir(parents=True, exist_ok=True)
        owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if owner:
            shutil.chown(work, "postgres")
            shutil.chown(data, "postgres")
        subprocess.run(
            [*owner, str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8"],
            check=True,
            capture_output=True,
        )
    return data


def write_config(work: Path, found: dict[str, Program]) -> Path:
    """supervisord.conf for `found`, logs under work/log."""
    logs = work / "log"
    logs.mkdir(parents=True, exist_ok=True)
    common = {
        "PYTHONPATH": str(ROOT),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "RASA_TELEMETRY_ENABLED": "false",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    }
    lines = [
        "[supervisord]",
        f"logfile={logs / 'supervisord.log'}",
        f"pidfile={work / 'supervisord.pid'}",
        "nodaemon=true",
        "[unix_http_server]",
        f"file={work / 'supervisor.sock'}",
        "chmod=0700",
        "[rpcinterface:supervisor]",
        "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface",
        "[supervisorctl]",
        f"serverurl=unix://{work / 'supervisor.sock'}",
    ]
    for name, program in found.items():
        env = ",".join(f'{key}="{value}"' for key, value in (common | program.env).items())
        lines += [
            f"[program:{name}]",
            "command=" + shlex.join(program.command),
            f"directory={program.directory}",
            f"environment={env}",
            f"autostart={str(program.autostart).lower()}",
            "autorestart=true",
            f"startsecs={program.startsecs}",
            f"startretries={STARTRETRIES}",
            "stopasgroup=true",
            "killasgroup=true",
            "stopwaitsecs=20",
            "redirect_stderr=true",
            f"stdout_logfile={logs / (name + '.log')}",
            "stdout_logfile_maxbytes=10MB",
        ]
        if program.user:
            lines.append(f"user={program.user}")
    config = work / "supervisord.conf"
    config.write_text("\n".join(lines) + "\n")
    return config


def main() -> int:
    """Write the configuration, start supervisord, print the URLs once web is healthy, and
    stop everything on Ctrl-C."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("mode", choices=("run", "prod"))
    parser.add_argument("--work", type=Path)
    parser.add_argument("--free-ports", action="store_true")
    parser.add_argument("--model", type=Path, default=os.environ.get("MODEL"))
    args = parser.parse_args()
    if not args.model:
        sys.exit("--model (or MODEL) must name the trained model: make model")
    work = (args.work or ROOT / "var" / "supervise" / args.mode).resolve()
    work.mkdir(parents=True, exist_ok=True)
    ports = _ports(args.free_ports)
    (work / "ports.json").write_text(json.dumps(ports))
    config = write_config(work, programs(args.mode, work, ports, Path(args.model).resolve(), args.free_ports))
    supervisor = subprocess.Popen([str(VENV / "supervisord"), "-c", str(config)])
    signal.signal(signal.SIGTERM, lambda *_: supervisor.terminate())
    url = f"http://localhost:{ports['web']}"
    try:
        if args.mode == "prod":
            create_database(ports["postgres"])
            time.sleep(1)  # supervisord's control socket
            subprocess.run([str(VENV / "supervisorctl"), "-c", str(config), "start", "all"], check=True)
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while not healthy(url) and supervisor.poll() is None and time.monotonic() < deadline:
            time.sleep(1)
        print(
            f"\n  VASCERN patient assistant ({args.mode}): "
            + ("ready" if healthy(url) else f"not healthy yet, see {url}/healthz")
            + f"\n    widget     {url}/   (the demo page: open it and chat)"
            f"\n    chat API   POST {url}/api/chat   (docs/api.md)"
            f"\n    health     {url}/healthz    metrics {url}/metrics    privacy {url}/privacy"
            f"\n    console    {url}/console/   (first account: .venv/bin/python -m web create-moderator"
            " --email you@example.org --name 'Your Name' --role admin)"
            f"\n    logs       {work / 'log'}/"
            f"\n    processes  {VENV / 'supervisorctl'} -c {config} status"
            "\n  Ctrl-C stops everything.\n",
            flush=True,
        )
        return supervisor.wait()
    except KeyboardInterrupt:
        return 130
    finally:  # whatever ends this script (Ctrl-C, a failed start) stops every process
        if supervisor.poll() is None:
            supervisor.terminate()
            supervisor.wait(timeout=120)


if __name__ == "__main__":
    sys.exit(main())
