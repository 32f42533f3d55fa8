"""docker-compose.yml and the images (issue 18): `docker-compose config` accepts the stack,
and it has the topology ARCHITECTURE.md describes (no Docker engine runs here: this is the
check that can run)."""

from __future__ import annotations

import fnmatch
import json
import shutil
import subprocess
from pathlib import Path

import yaml

from scripts.stack import ROOT

SERVICES = {"postgres", "redis", "rasa1", "rasa2", "actions", "web"}
LEFT_OUT_BY_DOCKERIGNORE = shutil.ignore_patterns("__pycache__", "node_modules")


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


def _dockerfile_copies(name: str, model: str = "models/any.tar.gz") -> list[list[str]]:
    """The sources, then the destination, of each COPY from the build context in
    docker/<name>, with `model` for the MODEL build argument."""
    lines = (ROOT / "docker" / name).read_text().replace("${MODEL}", model).splitlines()
    return [line.split()[1:] for line in lines if line.startswith("COPY ") and "--from=" not in line]


def _copied_sources(name: str, model: str = "models/any.tar.gz") -> set[str]:
    return {source.strip("/") for *sources, _ in _dockerfile_copies(name, model) for source in sources}


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
        for source in _copied_sources(name):
            left_out = _left_out_of_the_context(source, patterns)
            assert not left_out, f"{name}: .dockerignore leaves out {source}"


def test_the_rasa_image_takes_only_the_model_it_serves_and_the_app_image_no_model():
    rasa = compose_config()["services"]["rasa1"]
    model = rasa["build"]["args"]["MODEL"]
    assert model == rasa["environment"]["MODEL"]  # built with the model it is told to serve
    rasa_copies = _copied_sources("rasa.Dockerfile", model)
    assert model in rasa_copies and not any(source in ("models", ".") for source in rasa_copies)
    app = _copied_sources("app.Dockerfile")
    assert "." not in app and not any(source.startswith(("models", "var")) for source in app)
    assert not any("blind" in source for source in app | rasa_copies)


def test_the_app_images_copies_hold_every_module_and_the_same_build_inputs(tmp_path):
    # Lay a folder out as app.Dockerfile's COPY lines do; import every module of the two
    # processes there, and list the inputs of its build step (`knowledge build`, `safety.train`).
    for *sources, destination in _dockerfile_copies("app.Dockerfile"):
        for source in sources:
            target = tmp_path / (Path(source).name if destination == "./" else destination)
            if (ROOT / source).is_dir():
                shutil.copytree(ROOT / source, target, ignore=LEFT_OUT_BY_DOCKERIGNORE)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(ROOT / source, target)
    script = (
        "import importlib, pkgutil, sys, json\n"
        "for package in ('actions', 'common', 'knowledge', 'safety', 'web'):\n"
        "    for module in pkgutil.walk_packages(importlib.import_module(package).__path__, package + '.'):\n"
        "        importlib.import_module(module.name)\n"
        "from knowledge.settings import get_settings\n"
        "from knowledge.topic_model import TRAIN_DIR\n"
        "from safety.train import ROOT, _inputs\n"
        "from web.settings import Settings\n"
        "files = [*_inputs(), *TRAIN_DIR.rglob('*'), *get_settings().content_dir.rglob('*'),\n"
        "         Settings.domain_file, *Settings.widget_dir.rglob('*')]\n"
        "print(json.dumps(sorted({str(f.relative_to(ROOT)) for f in files if f.is_file()})))\n"
    )

    in_image, in_repository = (
        [path for path in json.loads(_last_line(".venv", script, folder)) if "__pycache__" not in path]
        for folder in (tmp_path, ROOT)
    )
    assert len(in_image) > 100 and in_image == in_repository


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
    packages = yaml.safe_load(_last_line(".venv-rasa", script, ROOT))
    copied = _copied_sources("rasa.Dockerfile")
    assert "bot" in packages and "knowledge" in packages
    ours = {package for package in packages if not package.startswith(".")}  # not the venv
    assert ours <= copied, f"not in the rasa image: {sorted(ours - copied)}"


def _last_line(venv: str, script: str, folder: Path) -> str:
    """The last line a Python script prints, run with `venv`'s Python in `folder` (imports
    from there only)."""
    done = subprocess.run(
        [str(ROOT / venv / "bin" / "python"), "-c", script],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PYTHONPATH": str(folder), "HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip().splitlines()[-1]
