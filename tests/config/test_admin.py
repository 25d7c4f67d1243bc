import pytest
from django.contrib import admin
from django.urls import reverse

from rollout.models import AuditEvent, PhasePolicy, Team
from signals.models import Signal
from tests.factories import CallFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ops_client(client, ops_admin):
    client.force_login(ops_admin)
    return client


@pytest.mark.parametrize("role", ["floor_lead", "agent"])
def test_admin__other_roles__are_sent_to_log_in(client, role):
    user = UserFactory(role=role)
    user.is_staff = True  # even a staff flag does not open the admin without the ops admin role
    user.save()
    client.force_login(user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_admin__every_registered_changelist__opens_for_an_ops_admin(ops_client):
    CallFactory()
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert ops_client.get(url).status_code == 200, url


def test_admin__team_edit__goes_through_the_service_and_is_audited(ops_client, ops_admin):
    team = TeamFactory(name="Old name")
    lead = UserFactory(role="floor_lead")
    url = reverse("admin:rollout_team_change", args=[team.pk])
    response = ops_client.post(
        url,
        {
            "name": "New name",
            "site": "Austin",
            "client": "",
            "workflows": '["phi"]',
            "floor_leads": [lead.pk],
        },
    )
    assert response.status_code == 302
    team.refresh_from_db()
    assert team.name == "New name"
    assert list(team.floor_leads.all()) == [lead]
    event = AuditEvent.objects.get(action="team.update")
    assert event.before["name"] == "Old name"
    assert event.actor == ops_admin


def test_admin__team_create__starts_in_phase_1(ops_client):
    response = ops_client.post(
        reverse("admin:rollout_team_add"),
        {"name": "Pilot", "slug": "pilot", "site": "", "client": "", "workflows": "[]"},
    )
    assert response.status_code == 302
    assert Team.objects.get(slug="pilot").rollout.phase == 1


def test_admin__policy_edit_without_reason__is_refused_inline(ops_client):
    policy = PhasePolicy.objects.get(phase=2)
    url = reverse("admin:rollout_phasepolicy_change", args=[policy.pk])
    data = {
        "name": policy.name,
        "min_weeks": 1,
        "max_weeks": 8,
        "agents_allowed": "on",
        "max_agent_signals": 2,
        "agent_categories": '["compliance"]',
        "agent_signals": '["churn_intent"]',
        "min_agent_threshold": 0.85,
        "gate_params": "{}",
        "reason": "",
    }
    response = ops_client.post(url, data)
    assert response.status_code == 200  # the form comes back with the error
    assert "reason" in response.context["adminform"].form.errors
    policy.refresh_from_db()
    assert policy.min_weeks == 6


def test_admin__policy_edit__audited_with_reason(ops_client):
    policy = PhasePolicy.objects.get(phase=2)
    url = reverse("admin:rollout_phasepolicy_change", args=[policy.pk])
    data = {
        "name": policy.name,
        "min_weeks": 5,
        "max_weeks": 8,
        "agents_allowed": "on",
        "max_agent_signals": 2,
        "agent_categories": '["compliance"]',
        "agent_signals": '["churn_intent"]',
        "min_agent_threshold": 0.85,
        "gate_params": '{"min_agent_prompts": 30}',
        "reason": "Client wants a shorter pilot",
    }
    assert ops_client.post(url, data).status_code == 302
    policy.refresh_from_db()
    assert policy.min_weeks == 5
    assert AuditEvent.objects.get(action="policy.update").reason == "Client wants a shorter pilot"


def test_admin__signal_edit_with_bad_params__shows_the_error_and_writes_nothing(ops_client):
    signal = Signal.objects.get(key="churn_intent")
    url = reverse("admin:signals_signal_change", args=[signal.pk])
    data = {
        "name": signal.name,
        "description": "",
        "category": "intent",
        "stakes": "high",
        "default_threshold": 0.8,
        "cue_label": signal.cue_label,
        "handoff_desk": "save",
        "detector": "intent",
        "params": '{"intent": "nonsense"}',
        "active": "on",
    }
    response = ops_client.post(url, data, follow=True)
    assert any("not valid" in str(m) for m in response.context["messages"])
    signal.refresh_from_db()
    assert signal.params == {"intent": "churn"}
    assert signal.version == 1
