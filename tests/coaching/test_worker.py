"""The scoring path through a real Celery worker consuming the Redis broker (not eager mode)."""

import time

import pytest
from celery.contrib.testing.worker import start_worker

from coaching.models import CallEvent, Detection, Prompt
from config.celery import app
from tests.coaching.api.helpers import client_for, make_integration


@pytest.fixture
def worker(transactional_db, monkeypatch):
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    with start_worker(
        app, pool="threads", concurrency=2, perform_ping_check=False, loglevel="WARNING"
    ):
        yield


def _wait_for(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.django_db(transaction=True)
def test_events_posted_through_the_api__are_scored_by_a_real_worker(worker, make_call, signal):
    call = make_call(phase=2, signals=[signal("churn_intent")], agents=True)
    integration, key = make_integration(call.team, name="Worker test PBX")
    call.integration = integration
    call.save()
    api = client_for(key)
    response = api.post(
        f"/api/v1/calls/{call.external_id}/events/",
        {
            "events": [
                {"event_id": "e1", "speaker": "agent", "offset_ms": 0, "text": "How can I help?"},
                {
                    "event_id": "e2",
                    "speaker": "customer",
                    "offset_ms": 4000,
                    "text": "I want to cancel my service, I'm switching to another company.",
                },
            ]
        },
        format="json",
    )
    assert response.status_code == 202
    assert _wait_for(lambda: not CallEvent.objects.filter(call=call, scored_at=None).exists())
    detection = Detection.objects.get(call=call, signal__key="churn_intent")
    assert detection.audience == "agent"
    assert Prompt.objects.filter(detection=detection, audience="agent").count() == 1
