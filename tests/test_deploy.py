"""docker-compose.yml and the images (issue 18): `docker-compose config` accepts the stack,
and it has the topology ARCHITECTURE.md describes (no Docker engine runs here: this is the
check that can run)."""

from __future__ import annotations

import fnmatch
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
    assert tracker_store["type"] == "bot.tracker_store.LeanSQLTrackerStore"
    assert tracker_store["dialect"] == "postgresql"
    assert endpoints["lock_store"]["type"] == "redis"
    rasa = (ROOT / "docker" / "rasa.Dockerfile").read_text()
    assert rasa.startswith("#") and "FROM rasa/rasa:3.6.21" in rasa


def _dockerfile_copies(name: str) -> list[list[str]]:
    """The sources of each COPY from the build context in docker/<name>."""
    lines = (ROOT / "docker" / name).read_text().splitlines()
    copies = [line.split()[1:] for line in lines if line.startswith("COPY ") and "--from=" not in line]
    return [words[:-1] for words in copies]


def _left_out_of_the_context(path: str, patterns: list[str]) -> bool:
    """Whether .dockerignore leaves ``path`` out of the build context: the last pattern that
    matches the path or one of its parent directories decides ("!" puts it back)."""
    parts = path.strip("/").split("/")
    prefixes = ["/".join(parts[: end + 1]) for end in range(len(parts))]
    left_out = False
    for pattern in patterns:
        bare = pattern.lstrip("!").strip("/")
        if bare.startswith("**/"):  # at any depth
            matches = any(fnmatch.fnmatchcase(prefix.split("/")[-1], bare[3:]) for prefix in prefixes)
        else:  # from the root of the context
            matches = any(fnmatch.fnmatchcase(prefix, bare) for prefix in prefixes)
        if matches:
            left_out = not pattern.startswith("!")
    return left_out


def test_everything_the_images_copy_is_in_the_build_context():
    ignore = (ROOT / ".dockerignore").read_text().splitlines()
    patterns = [line.strip() for line in ignore if line.strip() and not line.startswith("#")]
    for name in ("rasa.Dockerfile", "app.Dockerfile"):
        for sources in _dockerfile_copies(name):
            for source in sources:
                left_out = _left_out_of_the_context(source, patterns)
                assert not left_out, f"{name}: .dockerignore leaves out {source}"


def test_the_rasa_image_holds_every_package_of_ours_that_rasa_imports():
    # Import every module of bot/ in Rasa's venv, as the Rasa process does through config.yml,
    # endpoints.yml and bot.serve, and list the top-level folders of this repository they load.
    script = (
        "import importlib, pkgutil, sys, bot\n"
        "for module in pkgutil.walk_packages(bot.__path__, 'bot.'):\n"
        "    importlib.import_module(module.name)\n"
        f"root = {str(ROOT)!r}\n"
        "files = [getattr(m, '__file__', None) or '' for m in list(sys.modules.values())]\n"
        "print(sorted({f[len(root) + 1:].split('/')[0] for f in files if f.startswith(root + '/')}))\n"
    )
    done = subprocess.run(
        [str(ROOT / ".venv-rasa" / "bin" / "python"), "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    packages = yaml.safe_load(done.stdout.strip().splitlines()[-1])
    copied = {source.strip("/") for sources in _dockerfile_copies("rasa.Dockerfile") for source in sources}
    assert "bot" in packages and "knowledge" in packages
    ours = {package for package in packages if not package.startswith(".")}  # not the venv
    assert ours <= copied, f"not in the rasa image: {sorted(ours - copied)}"
