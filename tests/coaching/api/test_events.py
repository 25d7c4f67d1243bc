import pytest

from coaching.models import Call, CallEvent
from coaching.services import scoring
from coaching.services.calls import MAX_BATCH_EVENTS
from tests.coaching.api.helpers import assert_error, event, scoring_enqueues, start_call
from tests.factories import CallEventFactory, CallFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/calls/c-1001/events/"


@pytest.fixture
def call(api):
    start_call(api)
    return Call.objects.get(external_id="c-1001")


def post_events(api, events, url=URL):
    return api.post(url, {"events": events}, format="json")


def test_events__new_batch__is_202_stored_and_scoring_enqueued(
    api, call, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = post_events(api, [event(1), event(2, sentiment=-0.4), event(3, is_partial=True)])

    assert response.status_code == 202
    assert response.json() == {"accepted": 3, "duplicates": 0}
    assert scoring_enqueues(callbacks) == 1
    stored = CallEvent.objects.get(call=call, event_id="e2")
    assert (stored.speaker, stored.offset_ms, stored.sentiment) == ("agent", 2000, -0.4)


def test_events__enqueued_scoring__scores_the_stored_events(api, call):
    post_events(api, [event(1), event(2)])

    scoring.call_score(call_pk=call.pk)

    assert not CallEvent.objects.filter(call=call, scored_at__isnull=True).exists()


def test_events__same_batch_twice__counts_duplicates_and_changes_nothing(
    api, call, django_capture_on_commit_callbacks
):
    batch = [event(1), event(2), event(3)]
    post_events(api, batch)

    with django_capture_on_commit_callbacks() as callbacks:
        response = post_events(api, batch)

    assert response.status_code == 202
    assert response.json() == {"accepted": 0, "duplicates": 3}
    assert CallEvent.objects.filter(call=call).count() == 3
    assert scoring_enqueues(callbacks) == 0


def test_events__partial_and_final_of_one_utterance__are_two_rows(api, call):
    response = post_events(api, [event(1, is_partial=True), event(1), event(1)])

    assert response.json() == {"accepted": 2, "duplicates": 1}
    assert CallEvent.objects.filter(call=call, event_id="e1").count() == 2


def test_events__out_of_order__are_accepted(api, call):
    post_events(api, [event(5), event(6)])

    response = post_events(api, [event(1), event(2)])

    assert response.json() == {"accepted": 2, "duplicates": 0}
    assert list(CallEvent.objects.filter(call=call).values_list("event_id", flat=True)) == [
        "e1",
        "e2",
        "e5",
        "e6",
    ]


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"speaker": "supervisor"}, "events[2].speaker"),
        ({"offset_ms": -1}, "events[2].offset_ms"),
        ({"offset_ms": "soon"}, "events[2].offset_ms"),
        ({"text": None}, "events[2].text"),
        ({"sentiment": 3}, "events[2].sentiment"),
        ({"event_id": ""}, "events[2].event_id"),
        ({"is_partial": "yes"}, "events[2].is_partial"),
    ],
)
def test_events__bad_event_in_the_middle__is_400_naming_it_and_stores_nothing(
    api, call, bad, field
):
    CallEventFactory(call=call, event_id="kept")
    batch = [event(1), event(2), event(3) | bad, event(4)]

    response = post_events(api, batch)

    body = assert_error(response, 400, "invalid")
    assert list(body["fields"]) == [field]
    assert list(CallEvent.objects.filter(call=call).values_list("event_id", flat=True)) == ["kept"]


def test_events__several_bad_events__are_all_reported(api, call):
    response = post_events(api, [event(1) | {"speaker": "x"}, "not an object", event(3)])

    fields = assert_error(response, 400, "invalid")["fields"]
    assert set(fields) == {"events[0].speaker", "events[1]"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "events"),
        ({"events": []}, "events"),
        ({"events": "e1"}, "events"),
        ({"evts": [1]}, "events"),
        ([{"event_id": "e1"}], "non_field_errors"),
    ],
)
def test_events__wrong_shape__is_400(api, call, body, field):
    response = api.post(URL, body, format="json")

    assert field in assert_error(response, 400, "invalid")["fields"]
    assert not CallEvent.objects.exists()


def test_events__malformed_json__is_400(api, call):
    response = api.post(URL, '{"events": [', content_type="application/json")

    assert_error(response, 400, "malformed_body")


def test_events__oversized_batch__is_400_batch_too_large(api, call):
    batch = [event(i) for i in range(MAX_BATCH_EVENTS + 1)]

    assert_error(post_events(api, batch), 400, "batch_too_large")
    assert not CallEvent.objects.exists()


def test_events__largest_batch__is_accepted(api, call):
    batch = [event(i) for i in range(MAX_BATCH_EVENTS)]

    assert post_events(api, batch).json() == {"accepted": MAX_BATCH_EVENTS, "duplicates": 0}


def test_events__unknown_call__is_404(api):
    assert_error(
        post_events(api, [event(1)], url="/api/v1/calls/nope/events/"), 404, "call_not_found"
    )


def test_events__call_of_another_team__is_404_and_stores_nothing(api, other_team):
    theirs = CallFactory(team=other_team, external_id="theirs")

    response = post_events(api, [event(1)], url="/api/v1/calls/theirs/events/")

    assert_error(response, 404, "call_not_found")
    assert not CallEvent.objects.filter(call=theirs).exists()


def test_events__other_integration_of_the_same_team__finds_the_call(api, call, team):
    from tests.coaching.api.helpers import client_for, make_integration

    _, desk_key = make_integration(team, name="Agent desktop")

    response = post_events(client_for(desk_key), [event(1)])

    assert response.status_code == 202
    assert CallEvent.objects.filter(call=call).count() == 1


def test_events__new_event_on_an_ended_call__is_409(api, call):
    post_events(api, [event(1)])
    api.post("/api/v1/calls/c-1001/end/", {}, format="json")

    assert_error(post_events(api, [event(1), event(2)]), 409, "call_ended")
    assert CallEvent.objects.filter(call=call).count() == 1


def test_events__replay_on_an_ended_call__is_accepted_as_duplicates(api, call):
    post_events(api, [event(1)])
    api.post("/api/v1/calls/c-1001/end/", {}, format="json")

    response = post_events(api, [event(1)])

    assert response.status_code == 202
    assert response.json() == {"accepted": 0, "duplicates": 1}
