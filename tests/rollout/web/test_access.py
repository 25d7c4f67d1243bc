import pytest
from django.core.exceptions import PermissionDenied
from django.urls import resolve, reverse

from tests.factories import SignalFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def _urls(team, signal):
    return {
        "get": [
            reverse("rollout_web:board"),
            reverse("rollout_web:team", args=[team.slug]),
            reverse("rollout_web:audit"),
            reverse("signals_web:catalog"),
            reverse("signals_web:signal_new"),
            reverse("signals_web:signal", args=[signal.key]),
        ],
        "post": [
            reverse("rollout_web:advance", args=[team.slug]),
            reverse("rollout_web:rollback", args=[team.slug]),
            reverse("rollout_web:budget", args=[team.slug]),
            reverse("rollout_web:enablement", args=[team.slug, signal.key]),
            reverse("rollout_web:enablement_review", args=[team.slug, signal.key]),
            reverse("rollout_web:forecast", args=[team.slug]),
            reverse("signals_web:signal_try", args=[signal.key]),
        ],
    }


@pytest.mark.parametrize("role", ["floor_lead", "agent", None])
def test_ops_pages__other_roles__are_denied(rf, role):
    # called directly: the 403 page's navigation links belong to other apps
    team = TeamFactory()
    urls = _urls(team, SignalFactory(key="churn_intent"))
    user = UserFactory(role=role)
    for method, paths in urls.items():
        for url in paths:
            request = getattr(rf, method)(url)
            request.user = user
            match = resolve(url)
            with pytest.raises(PermissionDenied):
                match.func(request, *match.args, **match.kwargs)


def test_ops_pages__anonymous__redirects_to_login(client):
    team = TeamFactory()
    urls = _urls(team, SignalFactory(key="churn_intent"))
    for url in urls["get"] + urls["post"]:
        response = client.get(url) if url in urls["get"] else client.post(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_ops_pages__ops_admin__get_200(admin_client):
    team = TeamFactory()
    urls = _urls(team, SignalFactory(key="churn_intent"))
    for url in urls["get"]:
        assert admin_client.get(url).status_code == 200, url


def test_post_endpoints__get__are_refused(admin_client):
    team = TeamFactory()
    for url in _urls(team, SignalFactory(key="churn_intent"))["post"]:
        assert admin_client.get(url).status_code == 405, url


def test_post_endpoints__without_csrf_token__are_refused(ops_admin):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(ops_admin)
    team = TeamFactory()
    url = reverse("rollout_web:rollback", args=[team.slug])
    assert client.post(url, {"to_phase": 1, "reason": "x"}).status_code == 403
