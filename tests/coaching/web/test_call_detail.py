from django.urls import reverse

from coaching.models import Feedback
from coaching.services.feedback import feedback_record
from tests.factories import CallEventFactory, DetectionFactory, FeedbackFactory, SignalFactory


def test_call_detail__timeline_in_offset_order_with_detections_inline(client, floor, live_call):
    call = live_call()
    CallEventFactory(
        call=call, event_id="e2", speaker="customer", offset_ms=9_000, text="Cancel it."
    )
    CallEventFactory(
        call=call, event_id="e1", speaker="agent", offset_ms=1_000, text="Hello there."
    )
    CallEventFactory(call=call, event_id="e1", is_partial=True, offset_ms=1_000, text="Hel")
    signal = SignalFactory(key="churnish", name="Churnish", category="intent")
    DetectionFactory(
        call=call,
        signal=signal,
        event_ref="e2",
        offset_ms=9_000,
        confidence=0.93,
        audience="leads",
        reason="agent_budget_used",
        reason_message="Leads only: agent budget used (3 of 3 cues).",
    )
    client.force_login(floor.lead)
    response = client.get(reverse("coaching_web:call_detail", args=[call.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Hello there.") < html.index("Cancel it.") < html.index("Churnish")
    assert "Hel<" not in html  # partials are superseded by their finals
    assert "Leads only: agent budget used (3 of 3 cues)." in html
    assert "93%" in html
    assert "speaker-customer" in html
    assert "speaker-agent" in html


def test_call_detail__another_teams_call__404(client, floor, live_call):
    call = live_call(team=floor.other_team)
    client.force_login(floor.lead)
    assert client.get(reverse("coaching_web:call_detail", args=[call.pk])).status_code == 404


def test_call_detail__ops_admin_sees_any_team(client, floor, live_call, ops_admin):
    call = live_call(team=floor.other_team)
    client.force_login(ops_admin)
    assert client.get(reverse("coaching_web:call_detail", args=[call.pk])).status_code == 200


def test_call_detail__agent_is_refused(client, floor, live_call):
    call = live_call(agent=floor.agent)
    client.force_login(floor.agent_user)
    assert client.get(reverse("coaching_web:call_detail", args=[call.pk])).status_code == 403


# --- feedback -------------------------------------------------------------------------------------


def test_feedback_record__creates_then_updates_then_is_idempotent(floor, live_call):
    detection = DetectionFactory(call=live_call())
    feedback, changed = feedback_record(detection=detection, user=floor.lead, useful=True)
    assert changed
    assert feedback.useful
    again, changed = feedback_record(detection=detection, user=floor.lead, useful=True)
    assert not changed
    assert again.pk == feedback.pk
    flipped, changed = feedback_record(
        detection=detection, user=floor.lead, useful=False, note="wrong speaker"
    )
    assert changed
    assert not flipped.useful
    assert flipped.note == "wrong speaker"
    assert Feedback.objects.filter(detection=detection).count() == 1


def test_feedback_record__one_row_per_user(floor, live_call, ops_admin):
    detection = DetectionFactory(call=live_call())
    feedback_record(detection=detection, user=floor.lead, useful=True)
    feedback_record(detection=detection, user=ops_admin, useful=False)
    assert Feedback.objects.filter(detection=detection).count() == 2


def test_feedback_post__htmx__records_and_renders_chosen_button(client, floor, live_call):
    detection = DetectionFactory(call=live_call())
    client.force_login(floor.lead)
    url = reverse("coaching_web:detection_feedback", args=[detection.pk])
    response = client.post(url, {"useful": "0"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "feedback-recorded" in response["HX-Trigger"]
    assert 'aria-pressed="true"' in response.content.decode()
    assert Feedback.objects.get(detection=detection, user=floor.lead).useful is False


def test_feedback_post__invalid_value__rerenders_with_error(client, floor, live_call):
    detection = DetectionFactory(call=live_call())
    client.force_login(floor.lead)
    url = reverse("coaching_web:detection_feedback", args=[detection.pk])
    response = client.post(url, {"useful": "maybe"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Choose useful or not useful." in response.content.decode()
    assert not Feedback.objects.exists()


def test_feedback_post__plain_form__redirects_to_the_call(client, floor, live_call):
    call = live_call()
    detection = DetectionFactory(call=call)
    FeedbackFactory(detection=detection, user=floor.lead, useful=False)
    client.force_login(floor.lead)
    response = client.post(
        reverse("coaching_web:detection_feedback", args=[detection.pk]), {"useful": "1"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("coaching_web:call_detail", args=[call.pk])
    assert Feedback.objects.get(detection=detection).useful is True


def test_feedback_post__another_teams_detection__404(client, floor, live_call):
    detection = DetectionFactory(call=live_call(team=floor.other_team))
    client.force_login(floor.lead)
    url = reverse("coaching_web:detection_feedback", args=[detection.pk])
    assert client.post(url, {"useful": "1"}).status_code == 404
    assert not Feedback.objects.exists()


def test_feedback_post__get_not_allowed(client, floor, live_call):
    detection = DetectionFactory(call=live_call())
    client.force_login(floor.lead)
    url = reverse("coaching_web:detection_feedback", args=[detection.pk])
    assert client.get(url).status_code == 405
