import pytest

from tests.factories import UserFactory


@pytest.fixture
def ops_admin_b(db):
    return UserFactory(username="ops2", role="ops_admin")


@pytest.fixture
def admin_client(client, ops_admin):
    client.force_login(ops_admin)
    return client


@pytest.fixture
def htmx_headers():
    return {"HTTP_HX_REQUEST": "true"}
