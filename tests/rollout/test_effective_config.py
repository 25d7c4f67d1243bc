import pytest

from rollout.selectors import effective_config
from rollout.services import enablement_set, phase_rollback, team_budget_set
from tests.factories import SignalEnablementFactory, TeamFactory

pytestmark = pytest.mark.django_db


def test_effective_config__phase_2__agent_threshold_defaults_to_policy_minimum(signal):
    team = TeamFactory(phase=2)
    SignalEnablementFactory(team=team, signal=signal("churn_intent"), agent_facing=True)
    SignalEnablementFactory(team=team, signal=signal("frustration_spike"))
    config = effective_config(team)
    churn = config.spec("churn_intent")
    assert config.phase == 2
    assert churn.agent_threshold == 0.85
    assert churn.leads_threshold == 0.8
    assert config.spec("frustration_spike").agent_threshold is None
    assert config.budget.max_agent_cues == 3


def test_effective_config__disabled_signals__are_left_out(signal):
    team = TeamFactory(phase=1)
    SignalEnablementFactory(team=team, signal=signal("churn_intent"), enabled=False)
    assert effective_config(team).specs == ()


def test_effective_config__is_frozen():
    team = TeamFactory(phase=1)
    config = effective_config(team)
    with pytest.raises(AttributeError):
        config.phase = 4


def test_effective_config__version_changes_on_every_change(signal, ops_admin):
    team = TeamFactory(phase=3, phase__days=1)
    versions = [effective_config(team).version]
    enablement_set(team=team, signal=signal("churn_intent"), actor=ops_admin, audience="agents")
    versions.append(effective_config(team).version)
    team_budget_set(team=team, actor=ops_admin, max_agent_cues=2, cooldown_s=90)
    versions.append(effective_config(team).version)
    phase_rollback(team=team, actor=ops_admin, to_phase=1, reason="shadow")
    config = effective_config(team)
    versions.append(config.version)
    assert len(set(versions)) == 4
    assert config.phase == 1
    assert config.spec("churn_intent").agent_threshold is None
    assert config.budget.max_agent_cues == 2


def test_effective_config__cached__costs_one_query(django_assert_num_queries, signal):
    team = TeamFactory(phase=1)
    SignalEnablementFactory(team=team, signal=signal("churn_intent"))
    effective_config(team.pk)
    with django_assert_num_queries(1):
        effective_config(team.pk)
