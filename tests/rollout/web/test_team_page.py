import pytest
from django.urls import reverse

from rollout.models import (
    AuditEvent,
    PhaseChangeRequest,
    PhaseTransition,
    SignalEnablement,
    TeamRollout,
)
from rollout.services import enablement_set, phase_advance
from rollout.services_approvals import phase_request_create
from tests.factories import SignalEnablementFactory, TeamDailyRollupFactory, TeamFactory

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


def _phase(team):
    return TeamRollout.objects.get(team=team).phase


def test_team_page__shows_gates_timeline_and_matrix(admin_client, ops_admin):
    team = TeamFactory(phase=3, phase__days=10)
    PhaseTransitionFactory = __import__("tests.factories", fromlist=["x"]).PhaseTransitionFactory
    PhaseTransitionFactory(team=team, from_phase=2, to_phase=3, reason="Agents act on cues")
    html = admin_client.get(reverse("rollout_web:team", args=[team.slug])).content.decode()
    assert 'id="gate-checklist"' in html
    assert "Minimum time in phase" in html
    assert "Agents act on cues" in html
    assert 'id="row-churn_intent"' in html


def test_team_partial__htmx_gets_only_the_panel(admin_client):
    team = TeamFactory()
    url = reverse("rollout_web:team", args=[team.slug]) + "?partial=timeline"
    html = admin_client.get(url, **HX).content.decode()
    assert html.lstrip().startswith('<section id="timeline"')


def test_advance__before_minimum_duration__is_refused_inline(admin_client):
    team = TeamFactory(phase=1, phase__days=3)
    response = admin_client.post(
        reverse("rollout_web:advance", args=[team.slug]),
        {"to_phase": 2, "reason": "Leads like it"},
        **HX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Cannot advance to phase 2" in html
    assert "minimum 28 days" in html
    assert "Override reason" in html
    assert _phase(team) == 1
    assert not PhaseChangeRequest.objects.exists()


def test_advance__missing_reason__is_refused_inline(admin_client):
    team = TeamFactory(phase=3, phase__days=100)
    response = admin_client.post(
        reverse("rollout_web:advance", args=[team.slug]), {"to_phase": 4, "reason": ""}, **HX
    )
    assert response.status_code == 200
    assert "A reason is required." in response.content.decode()
    assert _phase(team) == 3


def test_advance_into_phase_4__with_override__goes_through_without_approval(admin_client):
    team = TeamFactory(phase=3, phase__days=2)
    response = admin_client.post(
        reverse("rollout_web:advance", args=[team.slug]),
        {"to_phase": 4, "reason": "Pilot done", "override_reason": "Client deadline"},
        **HX,
    )
    assert response.status_code == 200
    assert "phase-changed" in response["HX-Trigger"]
    assert _phase(team) == 4
    t = PhaseTransition.objects.get(team=team)
    assert (t.kind, t.override_reason) == ("override", "Client deadline")


def test_advance_into_phase_2__files_a_request_not_a_transition(admin_client, ops_admin):
    team = TeamFactory(phase=1, phase__days=30)
    TeamDailyRollupFactory(team=team, lead_feedback=40, lead_feedback_useful=30)
    response = admin_client.post(
        reverse("rollout_web:advance", args=[team.slug]),
        {"to_phase": 2, "reason": "Leads rate cues useful"},
        **HX,
    )
    assert "a second ops admin must approve" in response.content.decode()
    req = PhaseChangeRequest.objects.get(team=team)
    assert (req.status, req.requested_by, req.to_phase) == ("pending", ops_admin, 2)
    assert _phase(team) == 1
    assert AuditEvent.objects.filter(action="phase_request.create").count() == 1


def test_approve__by_the_requester__is_refused(admin_client, ops_admin):
    team = TeamFactory(phase=1, phase__days=30)
    TeamDailyRollupFactory(team=team, lead_feedback=40, lead_feedback_useful=30)
    req = phase_request_create(team=team, actor=ops_admin, reason="Ready")
    response = admin_client.post(
        reverse("rollout_web:request_decide", args=[team.slug, req.pk, "approve"]), **HX
    )
    assert "A second ops admin must approve" in response.content.decode()
    req.refresh_from_db()
    assert req.status == "pending"
    assert _phase(team) == 1


def test_approve__by_a_second_ops_admin__advances_and_records_the_requester(
    client, ops_admin, ops_admin_b
):
    team = TeamFactory(phase=1, phase__days=30)
    TeamDailyRollupFactory(team=team, lead_feedback=40, lead_feedback_useful=30)
    req = phase_request_create(team=team, actor=ops_admin, reason="Ready")
    client.force_login(ops_admin_b)
    response = client.post(
        reverse("rollout_web:request_decide", args=[team.slug, req.pk, "approve"]),
        {"note": "Agreed"},
        **HX,
    )
    assert "phase-changed" in response["HX-Trigger"]
    req.refresh_from_db()
    assert (req.status, req.decided_by, req.decision_note) == ("approved", ops_admin_b, "Agreed")
    assert req.transition.actor == ops_admin_b
    assert "requested by ops" in req.transition.reason
    assert _phase(team) == 2
    html = client.get(reverse("rollout_web:team", args=[team.slug])).content.decode()
    assert "(requested by ops)" in html


def test_approve__gates_failing_now__is_refused_and_request_stays_pending(
    client, ops_admin, ops_admin_b
):
    team = TeamFactory(phase=1, phase__days=30)
    rollup = TeamDailyRollupFactory(team=team, lead_feedback=40, lead_feedback_useful=30)
    req = phase_request_create(team=team, actor=ops_admin, reason="Ready")
    rollup.lead_feedback_useful = 2
    rollup.save()
    client.force_login(ops_admin_b)
    response = client.post(
        reverse("rollout_web:request_decide", args=[team.slug, req.pk, "approve"]), **HX
    )
    assert "Cannot advance to phase 2" in response.content.decode()
    req.refresh_from_db()
    assert req.status == "pending"
    assert _phase(team) == 1


def test_reject__needs_a_note_and_then_closes_the_request(client, ops_admin, ops_admin_b):
    team = TeamFactory(phase=1, phase__days=3)
    req = phase_request_create(team=team, actor=ops_admin, reason="Ready", override_reason="Pilot")
    client.force_login(ops_admin_b)
    url = reverse("rollout_web:request_decide", args=[team.slug, req.pk, "reject"])
    assert "Say why the request is rejected" in client.post(url, **HX).content.decode()
    client.post(url, {"note": "Too early"}, **HX)
    req.refresh_from_db()
    assert (req.status, req.decision_note) == ("rejected", "Too early")
    assert _phase(team) == 1


def test_rollback__to_shadow_mode__moves_agent_enablements_to_leads_only(
    admin_client, ops_admin, signal
):
    team = TeamFactory(phase=2, phase__days=10)
    enablement_set(
        team=team,
        signal=signal("churn_intent"),
        actor=ops_admin,
        audience="agents",
        agent_threshold=0.9,
    )
    response = admin_client.post(
        reverse("rollout_web:rollback", args=[team.slug]),
        {"to_phase": 1, "reason": "Agents ignore cues"},
        **HX,
    )
    assert "Now leads-only: churn_intent" in response.content.decode()
    assert _phase(team) == 1
    e = SignalEnablement.objects.get(team=team, signal__key="churn_intent")
    assert (e.enabled, e.audience) == (True, "leads")
    assert AuditEvent.objects.filter(action="phase.rollback").count() == 1


def test_rollback__without_reason__is_refused(admin_client):
    team = TeamFactory(phase=2)
    response = admin_client.post(
        reverse("rollout_web:rollback", args=[team.slug]), {"to_phase": 1, "reason": " "}, **HX
    )
    assert "A reason is required." in response.content.decode()
    assert _phase(team) == 2


def test_budget__valid__saves_and_triggers_refresh(admin_client):
    team = TeamFactory()
    response = admin_client.post(
        reverse("rollout_web:budget", args=[team.slug]),
        {"max_agent_cues": 2, "cooldown_s": 90},
        **HX,
    )
    assert "budget-changed" in response["HX-Trigger"]
    team.refresh_from_db()
    assert (team.max_agent_cues, team.cooldown_s) == (2, 90)


def test_budget__out_of_range__is_refused_inline(admin_client):
    team = TeamFactory()
    response = admin_client.post(
        reverse("rollout_web:budget", args=[team.slug]),
        {"max_agent_cues": 7, "cooldown_s": 90},
        **HX,
    )
    assert response.status_code == 200
    assert "Must be from 2 to 4." in response.content.decode()
    team.refresh_from_db()
    assert team.max_agent_cues == 3


# --- the enablement matrix ------------------------------------------------------------------------


def _row_post(client, team, key, **values):
    data = {"audience": "leads", **values}
    return client.post(reverse("rollout_web:enablement", args=[team.slug, key]), data, **HX)


def test_matrix__save_row__enables_and_returns_the_row(admin_client):
    team = TeamFactory(phase=1)
    response = _row_post(admin_client, team, "frustration_spike", enabled="on", threshold="0.7")
    html = response.content.decode()
    assert html.lstrip().startswith('<tr id="row-frustration_spike"')
    assert "Saved" in html
    assert "enablement-changed" in response["HX-Trigger"]
    e = SignalEnablement.objects.get(team=team, signal__key="frustration_spike")
    assert (e.enabled, e.threshold) == (True, 0.7)


def test_matrix__phase_2_third_agent_signal__is_refused_inline_and_nothing_saved(
    admin_client, ops_admin, signal
):
    team = TeamFactory(phase=2, phase__days=5)
    for key in ("churn_intent", "disclosure_missing"):
        enablement_set(
            team=team, signal=signal(key), actor=ops_admin, audience="agents", agent_threshold=0.9
        )
    before = AuditEvent.objects.count()
    response = _row_post(
        admin_client,
        team,
        "tcpa_consent_missing",
        enabled="on",
        audience="agents",
        agent_threshold="0.9",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "at most 2 agent-facing signals" in html
    assert "too_many_agent_signals" in html
    assert 'value="agents" selected' in html  # the proposed values stay in the row
    assert not SignalEnablement.objects.filter(
        team=team, signal__key="tcpa_consent_missing"
    ).exists()
    assert AuditEvent.objects.count() == before


def test_matrix__review_button__records_the_review(admin_client, ops_admin, signal):
    team = TeamFactory(phase=3)
    SignalEnablementFactory(team=team, signal=signal("churn_intent"), audience="agents")
    admin_client.post(
        reverse("rollout_web:enablement_review", args=[team.slug, "churn_intent"]), **HX
    )
    e = SignalEnablement.objects.get(team=team, signal__key="churn_intent")
    assert e.threshold_reviewed_at is not None


def test_matrix__review_of_a_signal_never_enabled__is_refused_inline(admin_client):
    team = TeamFactory(phase=3)
    response = admin_client.post(
        reverse("rollout_web:enablement_review", args=[team.slug, "churn_intent"]), **HX
    )
    assert "Enable the signal before reviewing" in response.content.decode()


def test_phase_4_advance_of_already_advanced_team__is_refused(admin_client, ops_admin):
    team = TeamFactory(phase=3, phase__days=2)
    phase_advance(team=team, actor=ops_admin, reason="x", override_reason="y")
    html = admin_client.get(reverse("rollout_web:team", args=[team.slug])).content.decode()
    assert 'id="advance-form"' not in html
    assert "Phase 4 is steady state" in html
