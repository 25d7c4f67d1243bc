import pytest

from rollout.models import SignalEnablement
from tests.factories import (
    AgentFactory,
    CallFactory,
    IntegrationFactory,
    SignalFactory,
    TeamFactory,
)


@pytest.fixture
def phrase_signals(db):
    """Four customer-side phrase signals, one per trigger word, each firing at confidence 0.95."""
    return [
        SignalFactory(
            key=f"word_{word}",
            category="intent",
            stakes="medium",
            default_threshold=0.5,
            cue_label=f"Said {word}",
            params={"phrases": [word], "speaker": "customer", "confidence": 0.95},
        )
        for word in ("alpha", "bravo", "charlie", "delta")
    ]


@pytest.fixture
def make_call(db):
    """A live call on a team in ``phase`` with ``signals`` enabled (for agents when ``agents``)."""

    def make(*, phase=3, signals=(), agents=True, budget=3, cooldown=0, **call_kwargs):
        team = TeamFactory(phase=phase, max_agent_cues=budget, cooldown_s=cooldown)
        for sig in signals:
            SignalEnablement.objects.create(
                team=team,
                signal=sig,
                audience="agents" if agents else "leads",
                agent_threshold=0.9 if agents else None,
            )
        integration = call_kwargs.pop("integration", None) or IntegrationFactory()
        integration.teams.add(team)
        agent = AgentFactory(team=team)
        return CallFactory(team=team, agent=agent, integration=integration, **call_kwargs)

    return make
