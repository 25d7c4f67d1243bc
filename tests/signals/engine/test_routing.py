from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from signals.engine.routing import Budget, RoutingConfig, RoutingState, route_candidates
from signals.engine.spec import Candidate, SignalSpec

SPECS = {
    "disclosure_missing": SignalSpec(
        "disclosure_missing",
        "compliance",
        "disclosure_window",
        stakes="high",
        leads_threshold=0.6,
        agent_threshold=0.9,
    ),
    "churn_intent": SignalSpec(
        "churn_intent", "intent", "intent", stakes="high", leads_threshold=0.5, agent_threshold=0.85
    ),
    "escalation_request": SignalSpec(
        "escalation_request",
        "emotion",
        "intent",
        stakes="high",
        leads_threshold=0.5,
        agent_threshold=0.8,
    ),
    "expansion_opportunity": SignalSpec(
        "expansion_opportunity", "intent", "intent", leads_threshold=0.5, agent_threshold=0.8
    ),
    "sentiment_recovery": SignalSpec(
        "sentiment_recovery", "emotion", "sentiment_recovery", stakes="low", leads_threshold=0.7
    ),
}


def config(budget: int = 3, cooldown: int = 60, phase: int = 3) -> RoutingConfig:
    return RoutingConfig(phase=phase, signals=SPECS, budget=Budget(budget, cooldown))


def cand(signal: str, confidence: float = 0.95, offset_s: float = 0, event: str = "e") -> Candidate:
    return Candidate(signal, confidence, f"{event}{offset_s}", int(offset_s * 1000))


def route_one(c: Candidate, state: RoutingState | None = None, **kw: int):  # type: ignore[no-untyped-def]
    (decision,) = route_candidates([c], state or RoutingState(), config(**kw))
    return decision


def test_route__below_leads_threshold__recorded_only() -> None:
    d = route_one(cand("churn_intent", 0.4))

    assert (d.audience, d.reason, d.above_threshold) == (None, "below_leads_threshold", False)
    assert "0.40" in d.message


def test_route__not_agent_facing__leads_only() -> None:
    d = route_one(cand("sentiment_recovery", 0.99))

    assert (d.audience, d.reason, d.above_threshold) == ("leads", "leads_only_phase", True)


def test_route__between_thresholds__leads_only() -> None:
    d = route_one(cand("churn_intent", 0.7))

    assert (d.audience, d.reason) == ("leads", "below_agent_threshold")
    assert "0.85" in d.message


def test_route__agent_threshold_met_exactly__cues_agent() -> None:
    state = RoutingState()

    d = route_one(cand("churn_intent", 0.85, 30), state)

    assert (d.audience, d.reason) == ("agent", "cued")
    assert state.to_dict() == {
        "agent_cues": 1,
        "last_agent_cue_ms": 30_000,
        "cued_signals": ["churn_intent"],
    }


def test_route__budget_used__leads_with_reason() -> None:
    state = RoutingState(agent_cues=2, last_agent_cue_ms=0, cued_signals=["a", "b"])

    d = route_one(cand("churn_intent", 0.99, 600), state, budget=2)

    assert (d.audience, d.reason) == ("leads", "agent_budget_used")
    assert "2 of 2" in d.message
    assert state.agent_cues == 2


def test_route__inside_cooldown__leads_only() -> None:
    state = RoutingState(agent_cues=1, last_agent_cue_ms=100_000, cued_signals=["churn_intent"])

    d = route_one(cand("escalation_request", 0.99, 159.999), state, cooldown=60)
    later = route_one(cand("escalation_request", 0.99, 160), state, cooldown=60)

    assert (d.audience, d.reason) == ("leads", "cooldown")
    assert (later.audience, later.reason) == ("agent", "cued")


def test_route__same_signal_already_cued__leads_only() -> None:
    state = RoutingState(agent_cues=1, last_agent_cue_ms=0, cued_signals=["churn_intent"])

    d = route_one(cand("churn_intent", 0.99, 600), state)

    assert (d.audience, d.reason) == ("leads", "already_cued")


def test_route__unknown_signal__not_routed() -> None:
    d = route_one(cand("made_up", 0.99))

    assert (d.audience, d.reason) == (None, "signal_not_enabled")


def test_route__competing_candidates__compliance_then_churn_then_the_rest() -> None:
    batch = [
        cand("escalation_request", 0.99, 10),
        cand("churn_intent", 0.9, 11),
        cand("disclosure_missing", 0.91, 12),
    ]
    state = RoutingState()

    decisions = route_candidates(batch, state, config(budget=3, cooldown=0))

    assert [d.candidate.signal for d in decisions] == [
        "disclosure_missing",
        "churn_intent",
        "escalation_request",
    ]
    assert all(d.audience == "agent" for d in decisions)


def test_route__competing_with_one_slot_left__compliance_wins() -> None:
    batch = [
        cand("escalation_request", 0.99, 100),
        cand("churn_intent", 0.99, 100),
        cand("disclosure_missing", 0.95, 100),
    ]
    state = RoutingState(agent_cues=1, last_agent_cue_ms=0, cued_signals=["expansion_opportunity"])

    decisions = {d.candidate.signal: d for d in route_candidates(batch, state, config(budget=2))}

    assert decisions["disclosure_missing"].audience == "agent"
    assert decisions["churn_intent"].reason == "agent_budget_used"
    assert decisions["escalation_request"].reason == "agent_budget_used"


def test_route__every_decision__has_reason_and_message() -> None:
    batch = [cand(s, c, o) for s in SPECS for c in (0.3, 0.7, 0.99) for o in (0, 30, 200)]

    decisions = route_candidates(batch, RoutingState(), config())

    assert len(decisions) == len(batch)
    assert all(d.reason and d.message for d in decisions)


def test_route__leads_only_phase__never_cues_agents() -> None:
    d = route_one(cand("churn_intent", 0.99), phase=1)

    assert d.audience == "leads"


@pytest.mark.parametrize("confidence", [math.nan, math.inf, -math.inf, 1.5, -0.1])
def test_route__out_of_range_confidence__never_reaches_agents(confidence: float) -> None:
    d = route_one(cand("churn_intent", confidence))

    assert d.audience != "agent"


signals = st.sampled_from([*SPECS, "made_up"])
candidates = st.builds(
    Candidate,
    signal=signals,
    confidence=st.floats(0, 1),
    event_id=st.text(min_size=1, max_size=4),
    offset_ms=st.integers(0, 30 * 60 * 1000),
)


@settings(max_examples=400, deadline=None)
@given(
    batches=st.lists(st.lists(candidates, max_size=8), max_size=10),
    budget=st.integers(2, 4),
    cooldown=st.integers(0, 120),
)
def test_route__any_batches__respect_budget_uniqueness_and_cooldown(
    batches: list[list[Candidate]], budget: int, cooldown: int
) -> None:
    cfg = config(budget=budget, cooldown=cooldown)
    state = RoutingState()
    cues: list[Candidate] = []
    for batch in batches:
        decisions = route_candidates(batch, state, cfg)
        assert sorted(map(id, (d.candidate for d in decisions))) == sorted(map(id, batch))
        cues += [d.candidate for d in decisions if d.audience == "agent"]
        state = RoutingState.from_dict(json.loads(json.dumps(state.to_dict())))
        assert state.agent_cues == len(cues)

    assert len(cues) <= budget
    assert len({c.signal for c in cues}) == len(cues)
    times = sorted(c.offset_ms for c in cues)
    assert all(b - a >= cooldown * 1000 for a, b in zip(times, times[1:], strict=False))
    for c in cues:
        spec = SPECS[c.signal]
        assert spec.agent_threshold is not None
        assert c.confidence >= spec.agent_threshold
