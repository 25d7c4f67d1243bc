import pytest

from coaching.api.errors import flatten
from coaching.models import Integration
from tests.coaching.api.helpers import assert_error, client_for, make_integration, start_call

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("detail", "expected"),
    [
        ({"csat": ["Bad."]}, {"csat": ["Bad."]}),
        ({"events": {3: {"offset_ms": ["Bad."]}}}, {"events[3].offset_ms": ["Bad."]}),
        ({"events": [{}, {"text": ["Bad."]}]}, {"events[1].text": ["Bad."]}),
        ({"events": {2: ["Not an object."]}}, {"events[2]": ["Not an object."]}),
        ({"non_field_errors": ["Whole body."]}, {"non_field_errors": ["Whole body."]}),
        (["Top level."], {"non_field_errors": ["Top level."]}),
    ],
)
def test_flatten__nested_drf_errors__become_flat_paths(detail, expected):
    assert flatten(detail) == expected


def test_unknown_endpoint__is_json_404(api):
    assert_error(api.get("/api/v1/nothing/here/"), 404, "not_found")


def test_wrong_method__is_json_405(api):
    assert_error(api.get("/api/v1/calls/"), 405, "method_not_allowed")


def test_malformed_json__is_400_malformed_body(api):
    response = api.post("/api/v1/calls/", "{not json", content_type="application/json")

    assert_error(response, 400, "malformed_body")


def test_unsupported_media_type__is_415(api):
    response = api.post("/api/v1/calls/", "call_id=x", content_type="text/plain")

    assert_error(response, 415, "unsupported_media_type")


def test_rate_limit__exceeded__is_429_with_retry_after(team):
    integration, key = make_integration(team, name="Tiny", rate_limit_per_minute=2)
    client = client_for(key)

    statuses = [start_call(client, call_id=f"c{i}").status_code for i in range(3)]

    assert statuses[:2] == [201, 201]
    response = start_call(client, call_id="c3")
    assert_error(response, 429, "throttled")
    assert 0 < int(response["Retry-After"]) <= 60
    assert Integration.objects.get(pk=integration.pk).calls.count() == 2


def test_rate_limit__is_per_key(team):
    _, tiny = make_integration(team, name="Tiny", rate_limit_per_minute=1)
    _, roomy = make_integration(team, name="Roomy")
    start_call(client_for(tiny), call_id="t1")

    assert start_call(client_for(roomy), call_id="r1").status_code == 201
    assert start_call(client_for(tiny), call_id="t2").status_code == 429
