import pytest

from rollout.errors import PolicyViolation, ReasonRequired
from rollout.models import AuditEvent, SignalEnablement
from rollout.services import enablement_set
from tests.factories import SignalEnablementFactory, TeamFactory

pytestmark = pytest.mark.django_db


def _counts():
    return SignalEnablement.objects.count(), AuditEvent.objects.count()


def test_enablement_set__leads_audience_in_phase_1__writes_row_and_one_audit_event(
    signal, ops_admin
):
    team = TeamFactory(phase=1)
    enablement = enablement_set(team=team, signal=signal("churn_intent"), actor=ops_admin)
    assert enablement.audience == "leads"
    event = AuditEvent.objects.get()
    assert event.action == "enablement.set"
    assert event.before is None
    assert event.after["audience"] == "leads"
    assert event.actor == ops_admin


def test_enablement_set__agent_audience_in_phase_1__is_refused(signal, ops_admin):
    team = TeamFactory(phase=1)
    before = _counts()
    with pytest.raises(PolicyViolation) as exc:
        enablement_set(team=team, signal=signal("churn_intent"), actor=ops_admin, audience="agents")
    assert exc.value.code == "policy_violation"
    assert "leads only" in exc.value.message
    assert "audience" in exc.value.fields
    assert _counts() == before


@pytest.mark.parametrize(
    "key", ["frustration_spike", "escalation_request", "expansion_opportunity"]
)
def test_enablement_set__non_compliance_non_churn_to_agents_in_phase_2__is_refused(
    signal, ops_admin, key
):
    team = TeamFactory(phase=2)
    with pytest.raises(PolicyViolation, match="only these may reach agents"):
        enablement_set(team=team, signal=signal(key), actor=ops_admin, audience="agents")
    assert _counts() == (0, 0)


@pytest.mark.parametrize("key", ["churn_intent", "disclosure_missing", "tcpa_consent_missing"])
def test_enablement_set__compliance_or_churn_to_agents_in_phase_2__is_allowed(
    signal, ops_admin, key
):
    team = TeamFactory(phase=2)
    enablement = enablement_set(team=team, signal=signal(key), actor=ops_admin, audience="agents")
    assert enablement.is_agent_facing
    assert AuditEvent.objects.count() == 1


def test_enablement_set__third_agent_signal_in_phase_2__is_refused(signal, ops_admin):
    team = TeamFactory(phase=2)
    SignalEnablementFactory(team=team, signal=signal("churn_intent"), agent_facing=True)
    SignalEnablementFactory(team=team, signal=signal("disclosure_missing"), agent_facing=True)
    before = _counts()
    with pytest.raises(PolicyViolation, match="at most 2 agent-facing") as exc:
        enablement_set(
            team=team, signal=signal("tcpa_consent_missing"), actor=ops_admin, audience="agents"
        )
    assert exc.value.details["rule"] == "too_many_agent_signals"
    assert _counts() == before


def test_enablement_set__changing_an_existing_agent_signal_in_phase_2__is_not_counted_twice(
    signal, ops_admin
):
    team = TeamFactory(phase=2)
    SignalEnablementFactory(team=team, signal=signal("churn_intent"), agent_facing=True)
    SignalEnablementFactory(team=team, signal=signal("disclosure_missing"), agent_facing=True)
    enablement = enablement_set(
        team=team,
        signal=signal("churn_intent"),
        actor=ops_admin,
        audience="agents",
        agent_threshold=0.9,
    )
    assert enablement.agent_threshold == 0.9


def test_enablement_set__agent_threshold_under_phase_2_minimum__is_refused(signal, ops_admin):
    team = TeamFactory(phase=2)
    with pytest.raises(PolicyViolation, match="at least 0.85") as exc:
        enablement_set(
            team=team,
            signal=signal("churn_intent"),
            actor=ops_admin,
            audience="agents",
            agent_threshold=0.8,
        )
    assert "agent_threshold" in exc.value.fields
    assert _counts() == (0, 0)


def test_enablement_set__agent_threshold_below_leads_threshold__is_refused(signal, ops_admin):
    team = TeamFactory(phase=3)
    with pytest.raises(PolicyViolation, match="at least the leads threshold"):
        enablement_set(
            team=team,
            signal=signal("escalation_request"),
            actor=ops_admin,
            audience="agents",
            threshold=0.9,
            agent_threshold=0.8,
        )


def test_enablement_set__phase_4_without_reason__is_refused(signal, ops_admin):
    team = TeamFactory(phase=4)
    with pytest.raises(ReasonRequired):
        enablement_set(team=team, signal=signal("churn_intent"), actor=ops_admin)
    assert _counts() == (0, 0)


def test_enablement_set__phase_4_with_reason__is_recorded_out_of_cycle(signal, ops_admin):
    team = TeamFactory(phase=4)
    enablement_set(
        team=team,
        signal=signal("churn_intent"),
        actor=ops_admin,
        audience="agents",
        reason="Save desk staffed up early",
    )
    event = AuditEvent.objects.get()
    assert event.after["out_of_cycle"] is True
    assert event.reason == "Save desk staffed up early"


def test_enablement_set__update__audits_before_and_after(signal, ops_admin):
    team = TeamFactory(phase=3)
    SignalEnablementFactory(team=team, signal=signal("escalation_request"))
    enablement_set(
        team=team,
        signal=signal("escalation_request"),
        actor=ops_admin,
        audience="agents",
        agent_threshold=0.9,
    )
    event = AuditEvent.objects.get()
    assert event.before["audience"] == "leads"
    assert event.after["audience"] == "agents"
    assert event.after["agent_threshold"] == 0.9


def test_enablement_set__no_change__writes_no_audit_event(signal, ops_admin):
    team = TeamFactory(phase=1)
    SignalEnablementFactory(team=team, signal=signal("churn_intent"))
    enablement_set(team=team, signal=signal("churn_intent"), actor=ops_admin)
    assert AuditEvent.objects.count() == 0


def test_enablement_set__bumps_team_config_version(signal, ops_admin):
    team = TeamFactory(phase=1)
    version = team.config_version
    enablement_set(team=team, signal=signal("churn_intent"), actor=ops_admin)
    team.refresh_from_db()
    assert team.config_version == version + 1


@pytest.mark.parametrize("value", [-0.1, 1.5])
def test_enablement_set__threshold_out_of_range__is_refused(signal, ops_admin, value):
    team = TeamFactory(phase=1)
    with pytest.raises(PolicyViolation) as exc:
        enablement_set(team=team, signal=signal("churn_intent"), actor=ops_admin, threshold=value)
    assert "threshold" in exc.value.fields
    assert _counts() == (0, 0)
