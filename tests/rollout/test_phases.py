import datetime as dt

import pytest
from django.utils import timezone

from rollout.errors import (
    InvalidTransition,
    PhaseGateFailed,
    PhaseIncompatible,
    ReasonRequired,
)
from rollout.models import AuditEvent, PhasePolicy, PhaseTransition, SignalEnablement, TeamRollout
from rollout.selectors import phase_gates
from rollout.services import phase_advance, phase_rollback
from tests.factories import SignalEnablementFactory, TeamDailyRollupFactory, TeamFactory

pytestmark = pytest.mark.django_db


def _nothing_written(team, phase):
    team.rollout.refresh_from_db()
    return (
        team.rollout.phase == phase
        and not PhaseTransition.objects.exists()
        and not AuditEvent.objects.exists()
    )


def test_phase_advance__before_minimum_duration__is_refused_with_the_gate(ops_admin):
    team = TeamFactory(phase=1, phase__days=3)
    TeamDailyRollupFactory(team=team, lead_feedback=40, lead_feedback_useful=35)
    with pytest.raises(PhaseGateFailed) as exc:
        phase_advance(team=team, actor=ops_admin, reason="Leads are happy")
    gates = {g["key"]: g for g in exc.value.details["gates"]}
    assert gates["min_duration"]["status"] == "fail"
    assert gates["lead_feedback"]["status"] == "pass"
    assert "minimum 28 days" in exc.value.message
    assert _nothing_written(team, 1)


def test_phase_advance__too_little_feedback__is_inconclusive_not_pass(ops_admin):
    team = TeamFactory(phase=1, phase__days=35)
    TeamDailyRollupFactory(team=team, lead_feedback=3, lead_feedback_useful=3)
    gates = {g.key: g for g in phase_gates(team)}
    assert gates["lead_feedback"].status == "inconclusive"
    with pytest.raises(PhaseGateFailed, match="inconclusive"):
        phase_advance(team=team, actor=ops_admin, reason="Ready")
    assert _nothing_written(team, 1)


def test_phase_advance__gates_pass__moves_phase_and_audits_once(ops_admin):
    team = TeamFactory(phase=1, phase__days=30)
    TeamDailyRollupFactory(team=team, lead_feedback=40, lead_feedback_useful=30)
    transition = phase_advance(team=team, actor=ops_admin, reason="Leads rate cues useful")
    assert (transition.from_phase, transition.to_phase, transition.kind) == (1, 2, "advance")
    assert all(g["status"] == "pass" for g in transition.gate_results)
    assert TeamRollout.objects.get(team=team).phase == 2
    event = AuditEvent.objects.get()
    assert event.action == "phase.advance"
    assert event.before["phase"] == 1
    assert event.after["phase"] == 2


def test_phase_advance__override_with_reason__goes_through_and_is_audited(ops_admin):
    team = TeamFactory(phase=1, phase__days=2)
    transition = phase_advance(
        team=team, actor=ops_admin, reason="Pilot", override_reason="Client pilot deadline"
    )
    assert transition.kind == "override"
    assert transition.override_reason == "Client pilot deadline"
    event = AuditEvent.objects.get()
    assert event.action == "phase.override"
    assert event.after["override_reason"] == "Client pilot deadline"


def test_phase_advance__skip_without_override__is_refused(ops_admin):
    team = TeamFactory(phase=1, phase__days=60)
    TeamDailyRollupFactory(team=team, lead_feedback=40, lead_feedback_useful=30)
    with pytest.raises(PhaseGateFailed, match="skipping to phase 3"):
        phase_advance(team=team, actor=ops_admin, reason="Big bang", to_phase=3)
    assert _nothing_written(team, 1)


def test_phase_advance__without_reason__is_refused(ops_admin):
    team = TeamFactory(phase=1, phase__days=60)
    with pytest.raises(ReasonRequired):
        phase_advance(team=team, actor=ops_admin, reason="  ")
    assert _nothing_written(team, 1)


def test_phase_advance__from_phase_4__is_refused(ops_admin):
    team = TeamFactory(phase=4)
    with pytest.raises(InvalidTransition):
        phase_advance(team=team, actor=ops_admin, reason="More", override_reason="x")


def test_phase_advance__into_phase_the_enablements_break__lists_offenders(signal, ops_admin):
    team = TeamFactory(phase=3, phase__days=100)
    SignalEnablementFactory(team=team, signal=signal("frustration_spike"), agent_facing=True)
    # An ops admin tightened phase 4's policy: emotion signals may no longer reach agents.
    PhasePolicy.objects.filter(phase=4).update(agent_categories=["compliance", "intent"])
    with pytest.raises(PhaseIncompatible) as exc:
        phase_advance(team=team, actor=ops_admin, reason="Ready", override_reason="Reviewed")
    assert exc.value.details["offenders"] == [
        {"signal": "frustration_spike", "rule": "category_not_allowed"}
    ]
    assert _nothing_written(team, 3)


def test_phase_gates__phase_3__needs_every_agent_threshold_reviewed(signal, ops_admin):
    team = TeamFactory(phase=3, phase__days=100)
    SignalEnablementFactory(team=team, signal=signal("churn_intent"), agent_facing=True)
    reviewed = SignalEnablementFactory(
        team=team, signal=signal("escalation_request"), agent_facing=True
    )
    reviewed.threshold_reviewed_at = timezone.now()
    reviewed.save()
    gates = {g.key: g for g in phase_gates(team)}
    assert gates["thresholds_reviewed"].status == "fail"
    assert gates["thresholds_reviewed"].evidence["unreviewed"] == ["churn_intent"]


def test_phase_rollback__demotes_agent_enablements_the_target_does_not_allow(signal, ops_admin):
    team = TeamFactory(phase=3, phase__days=10)
    SignalEnablementFactory(team=team, signal=signal("churn_intent"), agent_facing=True)
    SignalEnablementFactory(team=team, signal=signal("frustration_spike"), agent_facing=True)
    transition = phase_rollback(team=team, actor=ops_admin, to_phase=2, reason="Agents overwhelmed")
    assert transition.kind == "rollback"
    assert transition.changed_enablements == [
        {"signal": "frustration_spike", "rule": "category_not_allowed"}
    ]
    audiences = dict(SignalEnablement.objects.values_list("signal__key", "audience"))
    assert audiences == {"churn_intent": "agents", "frustration_spike": "leads"}
    assert AuditEvent.objects.get().action == "phase.rollback"


def test_phase_rollback__to_shadow_mode__keeps_enablements_leads_only(signal, ops_admin):
    team = TeamFactory(phase=2, phase__days=10)
    SignalEnablementFactory(team=team, signal=signal("churn_intent"), agent_facing=True)
    phase_rollback(team=team, actor=ops_admin, to_phase=1, reason="Shadow while retuning")
    enablement = SignalEnablement.objects.get()
    assert enablement.enabled
    assert enablement.audience == "leads"
    assert TeamRollout.objects.get(team=team).phase == 1


def test_phase_rollback__without_reason__is_refused(ops_admin):
    team = TeamFactory(phase=2)
    with pytest.raises(ReasonRequired):
        phase_rollback(team=team, actor=ops_admin, to_phase=1, reason="")
    assert _nothing_written(team, 2)


def test_phase_rollback__to_a_later_phase__is_refused(ops_admin):
    team = TeamFactory(phase=2)
    with pytest.raises(InvalidTransition):
        phase_rollback(team=team, actor=ops_admin, to_phase=3, reason="x")


def test_phase_advance__resets_time_in_phase(ops_admin):
    team = TeamFactory(phase=1, phase__days=30)
    now = timezone.now()
    phase_advance(team=team, actor=ops_admin, reason="r", override_reason="o", now=now)
    assert TeamRollout.objects.get(team=team).entered_at == now
    assert now - dt.timedelta(seconds=1) < TeamRollout.objects.get(team=team).entered_at
