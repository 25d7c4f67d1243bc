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


@pytest.fixture
def eager_tasks(monkeypatch):
    """Run Celery tasks in the request that enqueues them (scoring included), so events posted
    through the API of a running test server are scored before the response."""
    from config.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    monkeypatch.setitem(app.conf, "task_eager_propagates", True)


def play(http, script, *, team, agent, upto_s=None, call_id=None, started_ago_s=None):
    """Start ``script`` as a live call through the API and post its lines up to ``upto_s``
    seconds of call time (all of them when ``None``). Returns the call id."""
    from datetime import UTC, datetime

    call_id = call_id or f"{script.script_id}-{agent}"
    ago = started_ago_s if started_ago_s is not None else (upto_s or 0)
    response = http.post(
        "/api/v1/calls/",
        json={
            "call_id": call_id,
            "team": team,
            "agent": agent,
            "direction": script.direction,
            "workflows": list(script.workflows),
            "started_at": (datetime.now(UTC) - timedelta(seconds=ago)).isoformat(),
        },
    )
    assert response.status_code in (200, 201), response.text
    events = [e for e in script.events if upto_s is None or e["offset_ms"] <= upto_s * 1000]
    if events:
        response = http.post(f"/api/v1/calls/{call_id}/events/", json={"events": events})
        assert response.status_code == 202, response.text
    return call_id
