"""Shared fixtures. The suite runs on real PostgreSQL and Redis (see .ci/test)."""

import os

import pytest
from django.conf import settings


def pytest_configure(config):
    # Database tests must not silently fall back to the embedded SQLite default.
    os.environ.setdefault("COACHPLANE_TESTING", "1")


@pytest.fixture(autouse=True, scope="session")
def _real_services_only(django_db_setup):
    vendor = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in vendor:
        pytest.exit(
            "Tests run on PostgreSQL: use `make test` (sets DATABASE_URL) or set DATABASE_URL.",
            returncode=2,
        )


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
