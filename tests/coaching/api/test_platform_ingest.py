"""Platform payloads through the API land exactly where the adapters' file path puts them."""

import json
from urllib.parse import urlencode

import pytest

from coaching.models import Call, CallEvent
from signals.engine.adapters import load_platform_file
from tests.coaching.api.helpers import (
    SAMPLES,
    assert_error,
    load_sample,
    scoring_enqueues,
    start_call,
)
from tests.factories import CallFactory

pytestmark = pytest.mark.django_db

CONTACT_ID = "5ac9c3a1-7c3e-4f0d-9d3b-2a8a5e1f9c10"
TWILIO_SID = "CA5f0e2f8a1c3b4d5e6f708192a3b4c5d6"


def expected_finals(platform: str, sample: str) -> dict:
    call = load_platform_file(platform, (SAMPLES / sample).read_text())[0]
    # vendor category matches are category events in both (see category_event)
    return {
        e["event_id"]: (e["speaker"], e["offset_ms"], e["text"], e.get("sentiment"))
        for e in call["events"]
        if not e.get("is_partial")
    }


def stored_finals(call_id: str) -> dict:
    rows = CallEvent.objects.filter(call__external_id=call_id, is_partial=False)
    return {r.event_id: (r.speaker, r.offset_ms, r.text, r.sentiment) for r in rows}


def post_json(api, path, payload, **query):
    url = f"/api/v1/ingest/{path}/" + (f"?{urlencode(query)}" if query else "")
    return api.post(url, payload, format="json")


def post_twilio(api, fields, **query):
    url = "/api/v1/ingest/twilio/" + (f"?{urlencode(query)}" if query else "")
    return api.post(url, urlencode(fields), content_type="application/x-www-form-urlencoded")


def test_contact_lens__whole_call_started_implicitly__matches_the_adapter_and_ends(
    api, django_capture_on_commit_callbacks
):
    payloads = load_sample("contact_lens_call.json")

    with django_capture_on_commit_callbacks() as callbacks:
        responses = [
            post_json(api, "contact-lens", p, team="team-a", agent="a-7") for p in payloads
        ]

    assert {r.status_code for r in responses} == {202}
    assert responses[0].json()["started"] is True
    assert responses[-1].json()["ended"] is True
    call = Call.objects.get(external_id=CONTACT_ID)
    assert (call.team.slug, call.agent.external_id, call.status, call.language) == (
        "team-a",
        "a-7",
        "ended",
        "en-US",
    )
    assert stored_finals(CONTACT_ID) == expected_finals("contact_lens", "contact_lens_call.json")
    assert scoring_enqueues(callbacks) == 4  # one per SEGMENTS record


def test_contact_lens__replayed_after_the_end__is_all_duplicates(api):
    payloads = load_sample("contact_lens_call.json")
    for p in payloads:
        post_json(api, "contact-lens", p, team="team-a")
    count = CallEvent.objects.count()

    replies = [post_json(api, "contact-lens", p, team="team-a") for p in payloads]

    assert {r.status_code for r in replies} == {202}
    assert sum(r.json()["accepted"] for r in replies) == 0
    assert CallEvent.objects.count() == count


def test_contact_lens__unknown_call_without_team__is_404_and_starts_nothing(api):
    response = post_json(api, "contact-lens", load_sample("contact_lens_segments.json"))

    assert_error(response, 404, "call_not_found")
    assert not Call.objects.exists()


def test_contact_lens__implicit_start_on_a_team_outside_the_key__is_400(api, other_team):
    response = post_json(
        api, "contact-lens", load_sample("contact_lens_segments.json"), team="team-b"
    )

    assert_error(response, 400, "unknown_team")
    assert not Call.objects.exists()


def test_contact_lens__call_of_another_team__is_404_and_stores_nothing(api, other_team):
    CallFactory(team=other_team, external_id=CONTACT_ID)

    response = post_json(api, "contact-lens", load_sample("contact_lens_segments.json"))

    assert_error(response, 404, "call_not_found")
    assert not CallEvent.objects.exists()


def test_contact_lens__malformed_segment__is_400_with_the_platform_field_path(api):
    start_call(api, call_id=CONTACT_ID)
    payload = load_sample("contact_lens_segments.json")
    payload["Segments"][1]["Transcript"]["BeginOffsetMillis"] = "later"

    response = post_json(api, "contact-lens", payload)

    body = assert_error(response, 400, "invalid_payload")
    assert list(body["fields"]) == ["Segments[1].Transcript.BeginOffsetMillis"]
    assert not CallEvent.objects.exists()


def test_transcribe__stream_of_a_started_call__matches_the_adapter(api):
    doc = load_sample("transcribe_call.json")
    start_call(api, call_id=doc["call_id"])

    responses = [post_json(api, "transcribe", p, call_id=doc["call_id"]) for p in doc["payloads"]]

    assert {r.status_code for r in responses} == {202}
    assert stored_finals(doc["call_id"]) == expected_finals("transcribe", "transcribe_call.json")
    assert CallEvent.objects.filter(is_partial=True).exists()


def test_transcribe__without_call_id__is_400_call_id_required(api):
    response = post_json(api, "transcribe", load_sample("transcribe_utterance_event.json"))

    assert_error(response, 400, "call_id_required")


def test_transcribe__category_event__is_stored_as_a_category_event(api):
    start_call(api, call_id="tx-1")

    response = post_json(
        api, "transcribe", load_sample("transcribe_category_event.json"), call_id="tx-1"
    )

    assert response.status_code == 202
    assert response.json()["accepted"] == 1
    event = CallEvent.objects.get(call__external_id="tx-1")
    assert event.categories == ["escalation-request"]
    assert event.text == ""


def test_google_ccai__conversation_of_a_started_call__matches_the_adapter_and_ends(api):
    start_call(api, call_id="Cv8f2kQd3Tn", started_at="2024-05-14T15:02:00.120Z")

    responses = [post_json(api, "google-ccai", p) for p in load_sample("google_ccai_call.json")]

    assert {r.status_code for r in responses} == {202}
    assert stored_finals("Cv8f2kQd3Tn") == expected_finals("google_ccai", "google_ccai_call.json")
    assert Call.objects.get(external_id="Cv8f2kQd3Tn").status == "ended"


def test_google_ccai__pubsub_push_one_message_at_a_time__is_placed_from_the_call_start(api):
    start_call(api, call_id="Cv8f2kQd3Tn", started_at="2024-05-14T15:02:00.120Z")

    response = post_json(api, "google-ccai", load_sample("google_ccai_pubsub_push.json"))

    assert response.json()["accepted"] == 1
    row = CallEvent.objects.get(event_id="M004")
    assert (row.speaker, row.offset_ms) == ("customer", 16130)


def test_google_ccai__batch_started_implicitly__starts_at_the_first_message(api):
    response = post_json(api, "google-ccai", load_sample("google_ccai_batch.json"), team="team-a")

    assert response.status_code == 202
    assert response.json()["started"] is True
    call = Call.objects.get(external_id="Cv8f2kQd3Tn")
    assert call.started_at.isoformat() == "2024-05-14T15:02:00.120000+00:00"
    assert CallEvent.objects.get(event_id="M001").offset_ms == 0


def test_twilio__form_callbacks_started_implicitly__match_the_adapter_and_end(api):
    callbacks = load_sample("twilio_call.json")

    responses = [post_twilio(api, f, team="team-a", agent="a-7") for f in callbacks]

    assert {r.status_code for r in responses} == {202}, responses[0].content
    assert responses[0].json()["started"] is True
    assert stored_finals(TWILIO_SID) == expected_finals("twilio", "twilio_call.json")
    assert Call.objects.get(external_id=TWILIO_SID).status == "ended"


def test_twilio__partials_and_their_final__share_one_event_id(api):
    for fields in load_sample("twilio_call.json"):
        post_twilio(api, fields, team="team-a")

    partial_ids = set(CallEvent.objects.filter(is_partial=True).values_list("event_id", flat=True))
    final_ids = set(CallEvent.objects.filter(is_partial=False).values_list("event_id", flat=True))
    assert partial_ids
    assert partial_ids <= final_ids


def test_twilio__json_body__is_415(api):
    response = api.post("/api/v1/ingest/twilio/", load_sample("twilio_content.json"), format="json")

    assert_error(response, 415, "unsupported_media_type")


def test_twilio__bad_final_flag__is_400_naming_it(api):
    start_call(api, call_id=TWILIO_SID)
    fields = load_sample("twilio_content.json") | {"Final": "maybe"}

    body = assert_error(post_twilio(api, fields), 400, "invalid_payload")

    assert list(body["fields"]) == ["Final"]


def test_platform_payload__not_json__is_400(api):
    response = api.post("/api/v1/ingest/contact-lens/", "{", content_type="application/json")

    assert_error(response, 400, "malformed_body")


def test_platform_payload__wrong_json_type__is_400_invalid_payload(api):
    assert_error(post_json(api, "contact-lens", json.loads("[1, 2]")), 400, "invalid_payload")
