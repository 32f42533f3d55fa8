"""docker-compose.yml and the images (issue 18): `docker-compose config` accepts the stack,
and it has the topology ARCHITECTURE.md describes (no Docker engine runs here: this is the
check that can run)."""

from __future__ import annotations

import subprocess

import yaml

from scripts.stack import ROOT

SERVICES = {"postgres", "redis", "rasa1", "rasa2", "actions", "web"}


def compose_config() -> dict:
    done = subprocess.run(
        ["docker-compose", "--env-file", "docker/env.example", "config"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return yaml.safe_load(done.stdout)


def test_docker_compose_config_accepts_the_stack_with_restart_policies_and_healthchecks():
    services = compose_config()["services"]
    assert set(services) == SERVICES
    for name, service in services.items():
        assert service["restart"] == "unless-stopped", name
        assert service.get("healthcheck"), name
    assert list(services["web"]["ports"])[0]["published"] in (8080, "8080")
    assert all("ports" not in services[name] for name in SERVICES - {"web"}), "only web is public"
    web = services["web"]["environment"]
    assert web["WEB_RASA_URL"] == "http://rasa1:5005,http://rasa2:5005"
    assert web["DATABASE_URL"].startswith("postgresql+psycopg://")
    for rasa in ("rasa1", "rasa2"):
        assert services[rasa]["environment"]["REDIS_HOST"] == "redis"


def test_a_missing_secret_is_refused_rather_than_defaulted(tmp_path):
    (tmp_path / "env").write_text("MODEL=models/x.tar.gz\n")
    done = subprocess.run(
        ["docker-compose", "--env-file", str(tmp_path / "env"), "config", "-q"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0 and "POSTGRES_PASSWORD" in done.stderr + done.stdout


def test_rasa_reads_the_production_endpoints_with_a_sql_tracker_store_and_a_redis_lock_store():
    endpoints = yaml.safe_load((ROOT / "docker" / "endpoints.yml").read_text())
    tracker_store = endpoints["tracker_store"]
    assert tracker_store["type"] == "bot.tracker_store.PingingSQLTrackerStore"
    assert tracker_store["dialect"] == "postgresql"
    assert endpoints["lock_store"]["type"] == "redis"
    rasa = (ROOT / "docker" / "rasa.Dockerfile").read_text()
    assert rasa.startswith("#") and "FROM rasa/rasa:3.6.21" in rasa
