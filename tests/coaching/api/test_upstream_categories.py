"""A vendor's own category (Contact Lens ``MatchedCategories``) enters the same path as Coachplane's
detections: stored on the call as an event, scored by an ``upstream_category`` signal, routed."""

import json
from pathlib import Path

import pytest

from coaching.models import CallEvent, Detection, Prompt
from coaching.services.scoring import call_score
from rollout.models import SignalEnablement
from tests.factories import SignalFactory

pytestmark = pytest.mark.django_db

SAMPLE = (
    Path(__file__).resolve().parents[2]
    / "signals"
    / "engine"
    / "adapters"
    / "samples"
    / "contact_lens_segments.json"
)


def test_contact_lens_category__becomes_a_routed_detection(api, team):
    team.rollout.phase = 3
    team.rollout.save()
    vendor = SignalFactory(
        key="vendor_escalation",
        category="emotion",
        detector="upstream_category",
        params={"categories": ["EscalationRequest"]},
        default_threshold=0.8,
        cue_label="Escalation (vendor)",
    )
    SignalEnablement.objects.create(team=team, signal=vendor, audience="agents")
    payload = json.loads(SAMPLE.read_text())
    contact_id = payload["ContactId"]
    response = api.post(
        f"/api/v1/ingest/contact-lens/?team={team.slug}&agent=a-1", payload, format="json"
    )
    assert response.status_code in (200, 201, 202), response.content
    call_event = CallEvent.objects.get(
        call__external_id=contact_id, event_id__startswith="category:"
    )
    assert call_event.categories == ["EscalationRequest"]
    call_score(call_pk=call_event.call_id)
    detection = Detection.objects.get(signal=vendor)
    assert detection.evidence == "upstream category: EscalationRequest"
    assert detection.audience == "agent"
    assert Prompt.objects.filter(detection=detection, audience="agent").exists()
    # the platform redelivers the same payload: nothing new
    again = api.post(
        f"/api/v1/ingest/contact-lens/?team={team.slug}&agent=a-1", payload, format="json"
    )
    assert again.json()["duplicates"] >= 1
    assert (
        CallEvent.objects.filter(
            call_id=call_event.call_id, event_id__startswith="category:"
        ).count()
        == 1
    )
