import pytest

from tests.browser_fixtures import browser, login, page  # noqa: F401
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


@pytest.fixture(autouse=True)
def _floor_url_names(settings):
    """base.html links to the floor pages; until the coaching web app names them, use stubs."""
    from django.urls import NoReverseMatch, reverse

    try:
        reverse("coaching_web:triage")
        reverse("coaching_web:agent_panel")
    except NoReverseMatch:
        settings.ROOT_URLCONF = "tests.rollout.web.stub_urls"
