"""Fixtures for the live floor pages: two teams, a lead of one, an agent with a live call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import (
    AgentFactory,
    CallFactory,
    DetectionFactory,
    IntegrationFactory,
    PromptFactory,
    SignalFactory,
    TeamFactory,
    UserFactory,
)


@dataclass
class Floor:
    team: object
    other_team: object
    lead: object
    other_lead: object
    agent_user: object
    agent: object
    other_agent_user: object
    integration: object


@pytest.fixture
def floor(db):
    integration = IntegrationFactory(monitor_url_template="https://pbx.example/monitor/{call_id}")
    team = TeamFactory(name="Acme", phase=2)
    other_team = TeamFactory(name="Other", phase=3)
    integration.teams.add(team, other_team)
    lead = UserFactory(username="lead-a", role="floor_lead")
    other_lead = UserFactory(username="lead-b", role="floor_lead")
    team.floor_leads.add(lead)
    other_team.floor_leads.add(other_lead)
    agent_user = UserFactory(username="agent-a", role="agent")
    other_agent_user = UserFactory(username="agent-b", role="agent")
    agent = AgentFactory(team=team, user=agent_user, display_name="Jordan Blake")
    AgentFactory(team=other_team, user=other_agent_user, display_name="Sam Okafor")
    return Floor(
        team=team,
        other_team=other_team,
        lead=lead,
        other_lead=other_lead,
        agent_user=agent_user,
        agent=agent,
        other_agent_user=other_agent_user,
        integration=integration,
    )


@pytest.fixture
def live_call(floor):
    """A factory of live calls on ``floor``'s teams with optional risk and detections."""

    def make(*, team=None, agent=None, risk=0.0, seconds_ago=0, started_ago=60, **kwargs):
        team = team or floor.team
        now = timezone.now()
        return CallFactory(
            team=team,
            agent=agent or AgentFactory(team=team),
            integration=floor.integration,
            risk=risk,
            last_detection_at=now - timedelta(seconds=seconds_ago) if risk else None,
            started_at=now - timedelta(seconds=started_ago),
            **kwargs,
        )

    return make


@pytest.fixture
def churn_signal(db):
    return SignalFactory(
        key="churn_intent",
        name="Churn intent",
        category="intent",
        stakes="high",
        cue_label="Churn risk — save desk available",
        handoff_desk="save",
    )


@pytest.fixture
def agent_cue(churn_signal):
    """An agent-audience prompt (with its detection) on ``call``."""

    def make(call, *, signal=None, offset_ms=30_000, label=None):
        signal = signal or churn_signal
        detection = DetectionFactory(
            call=call,
            signal=signal,
            offset_ms=offset_ms,
            audience="agent",
            reason="cued",
            reason_message="Cued the agent.",
        )
        PromptFactory(detection=detection, audience="leads", label=signal.cue_label)
        return PromptFactory(
            detection=detection,
            audience="agent",
            label=label or signal.cue_label,
            handoff_desk=signal.handoff_desk,
        )

    return make
