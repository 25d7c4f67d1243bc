"""Shared fixtures. The suite runs on real PostgreSQL and Redis (see .ci/test)."""

import os

import pytest
from django.conf import settings

pytest_plugins = ["tests.asgi_server", "tests.browser_fixtures"]


def pytest_configure(config):
    # Database tests must not silently fall back to the embedded SQLite default.
    os.environ.setdefault("COACHPLANE_TESTING", "1")


@pytest.fixture(autouse=True, scope="session")
def _real_services_only(django_db_setup, django_db_blocker):
    vendor = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in vendor:
        pytest.exit(
            "Tests run on PostgreSQL: use `make test` (sets DATABASE_URL) or set DATABASE_URL.",
            returncode=2,
        )
    yield
    # Server threads (uvicorn, concurrency tests) may still hold connections to the test database;
    # end them so pytest-django can drop it.
    from django.db import DatabaseError, connection

    try:
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
    except DatabaseError:
        pass  # nothing to clean up


@pytest.fixture
def signal(db):
    from signals.models import Signal

    def get(key):
        return Signal.objects.get(key=key)

    return get


@pytest.fixture
def ops_admin(db):
    from tests.factories import UserFactory

    return UserFactory(username="ops", role="ops_admin")


def _ensure_seed_data():
    """Transactional tests flush every table, seeded rows included; put the migration seeds back."""
    import importlib

    from django.apps import apps
    from django.contrib.auth.models import Group

    from rollout.models import PhasePolicy
    from signals.models import Signal

    if Group.objects.exists() and Signal.objects.exists() and PhasePolicy.objects.exists():
        return
    for module in (
        "signals.migrations.0002_seed_catalog",
        "rollout.migrations.0002_seed_policies_and_roles",
    ):
        importlib.import_module(module).seed(apps, None)


@pytest.fixture(autouse=True)
def _seed_data(request):
    names = set(request.fixturenames)
    if request.node.get_closest_marker("django_db") or names & {
        "db",
        "transactional_db",
        "live_server",
        "asgi_server",
    }:
        request.getfixturevalue("_django_db_helper")
        _ensure_seed_data()
