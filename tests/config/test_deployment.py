"""docker-compose.yml cannot run on these machines (no Docker engine); check it by reading it."""

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose__has_the_full_stack(compose):
    assert {"web", "worker", "beat", "postgres", "redis", "migrate"} <= set(compose["services"])


@pytest.mark.parametrize("name", ["web", "worker", "postgres", "redis"])
def test_compose__long_running_services_have_health_checks(compose, name):
    assert "healthcheck" in compose["services"][name]


def test_compose__commands_point_at_real_modules(compose):
    services = compose["services"]
    assert services["web"]["command"][1] == "config.asgi:application"
    module, attr = services["web"]["command"][1].split(":")
    assert hasattr(importlib.import_module(module), attr)
    for name in ("worker", "beat"):
        assert services[name]["command"][:3] == ["celery", "-A", "config"]
    from config import celery_app

    assert celery_app.main == "coachplane"
    assert (ROOT / ".env.example").is_file()


def test_compose__app_services_run_in_production_mode(compose):
    for name in ("web", "worker", "beat", "migrate"):
        env = compose["services"][name]["environment"]
        assert env["DJANGO_ENV"] == "production"
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["REDIS_URL"].startswith("redis://")


def _settings_subprocess(env):
    code = "import config.settings as s; print(s.EMBEDDED, s.CELERY_TASK_ALWAYS_EAGER)"
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    return subprocess.run(  # noqa: S603 - our own interpreter and a fixed snippet
        [sys.executable, "-c", code],
        env={**clean, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_settings__production_without_secrets__refuses_to_start():
    result = _settings_subprocess({"DJANGO_ENV": "production"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert "DATABASE_URL" in result.stderr
    assert "REDIS_URL" in result.stderr


def test_settings__no_database_or_redis_url__is_embedded():
    result = _settings_subprocess({"DJANGO_ENV": "development"})
    assert result.stdout.split() == ["True", "True"]


def test_settings__with_urls__is_full_mode():
    result = _settings_subprocess(
        {"DATABASE_URL": "postgres://x@127.0.0.1/db", "REDIS_URL": "redis://127.0.0.1:6379/0"}
    )
    assert result.stdout.split() == ["False", "False"]


def test_openapi_schema__documents_the_push_stream(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    stream = schema["paths"]["/api/v1/stream/"]["get"]
    assert "text/event-stream" in stream["responses"]["200"]["content"]
