"""Replay transcripts through the same engine and routing the workers run (backtests, forecasts).

Touches no database rows of live calls: the engine and router are pure functions of the transcript
and an ``EffectiveConfig``.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from rollout.models import PhasePolicy
from rollout.selectors import EffectiveConfig, policy_for
from signals.engine import CallState, evaluate
from signals.engine.routing import Budget, RoutingState, route_candidates
from signals.engine.spec import SignalSpec
from signals.engine.transcript import Transcript
from signals.models import Signal


def replay_call(transcript: Transcript, config: EffectiveConfig) -> dict[str, Any]:
    """One call through engine + routing, as the replay contract's JSON line (DESIGN.md)."""
    state = CallState.new(transcript.meta)
    routing = RoutingState()
    result = evaluate(state, transcript.events, config.specs)
    last = max((e.end_offset_ms or e.offset_ms for e in transcript.events), default=0)
    # the call is over: windows that would have closed on a silent line still warn, as the sweep
    # does on a live call
    tail = evaluate(state, [], config.specs, now_offset_ms=last + 3_600_000).candidates
    decisions = route_candidates([*result.candidates, *tail], routing, config.routing)
    decisions.sort(key=lambda d: (d.candidate.offset_ms, d.candidate.signal))
    return {
        "call_id": transcript.call_id,
        "detections": [
            {
                "signal": d.candidate.signal,
                "confidence": round(d.candidate.confidence, 4),
                "event_id": d.candidate.event_id,
                "offset_ms": d.candidate.offset_ms,
                "above_threshold": d.above_threshold,
                "audience": d.audience,
                "reason": d.message,
            }
            for d in decisions
        ],
        "agent_prompts": routing.agent_cues,
    }


def config_under_phase(config: EffectiveConfig, phase: int) -> EffectiveConfig:
    """The same enablements evaluated as if the team were in ``phase``: agent-facing signals the
    phase's policy does not allow become leads-only; the agent threshold rises to its minimum; past
    the policy's limit on agent-facing signals, the highest-stakes ones are kept."""
    policy = policy_for(phase)
    signals = {s.key: s for s in Signal.objects.filter(key__in=[s.key for s in config.specs])}
    specs: list[SignalSpec] = []
    kept = 0
    for spec in sorted(config.specs, key=lambda s: (s.priority, s.key)):
        agent = spec.agent_threshold
        signal = signals.get(spec.key)
        if agent is not None and (signal is None or not _agent_allowed(policy, signal, kept)):
            agent = None
        if agent is not None:
            agent = max(agent, policy.min_agent_threshold)
            kept += 1
        specs.append(replace(spec, agent_threshold=agent))
    specs.sort(key=lambda s: s.key)
    return replace(config, phase=phase, specs=tuple(specs))


def _agent_allowed(policy: PhasePolicy, signal: Signal, kept: int) -> bool:
    if not policy.allows_agent_signal(signal):
        return False
    return policy.max_agent_signals is None or kept < policy.max_agent_signals


def catalog_config(*, phase: int = 4, budget: Budget | None = None) -> EffectiveConfig:
    """Every active catalog signal at its default threshold, for leads and agents.

    What ``replay --all-signals`` runs under."""
    specs = tuple(
        SignalSpec(
            key=s.key,
            category=s.category,  # type: ignore[arg-type]
            detector=s.detector,
            params=dict(s.params),
            stakes=s.stakes,  # type: ignore[arg-type]
            leads_threshold=s.default_threshold,
            agent_threshold=s.default_threshold,
            cue_label=s.cue_label,
            handoff_desk=s.handoff_desk,
        )
        for s in Signal.objects.filter(active=True).order_by("key")
    )
    config = EffectiveConfig(
        team_id=0,
        team_slug="(all signals)",
        version=0,
        phase=4,
        specs=specs,
        budget=budget or Budget(),
    )
    return config if phase == 4 else config_under_phase(config, phase)


@dataclass(frozen=True, slots=True)
class DensityForecast:
    """What agents would see under a config, summarised over replayed calls."""

    calls: int
    agent_cues_median: float
    agent_cues_p95: float
    agent_cues_max: int
    #: per signal: share of calls on which it fired above the leads threshold, and agent cue count
    signal_rates: dict[str, dict[str, float]]


def density_forecast(lines: Iterable[dict[str, Any]]) -> DensityForecast:
    """Summarise replay lines into agent cues per call (median, p95, max) and firing rates."""
    per_call: list[int] = []
    fired_calls: Counter[str] = Counter()
    agent_cues: Counter[str] = Counter()
    for line in lines:
        per_call.append(int(line["agent_prompts"]))
        fired = {d["signal"] for d in line["detections"] if d["above_threshold"]}
        fired_calls.update(fired)
        agent_cues.update(d["signal"] for d in line["detections"] if d["audience"] == "agent")
    n = len(per_call)
    if n == 0:
        return DensityForecast(0, 0.0, 0.0, 0, {})
    ordered = sorted(per_call)
    p95 = ordered[min(n - 1, max(0, int(round(0.95 * n + 0.5)) - 1))]
    rates = {
        key: {"firing_rate": fired_calls[key] / n, "agent_cues": float(agent_cues[key])}
        for key in sorted(set(fired_calls) | set(agent_cues))
    }
    return DensityForecast(
        calls=n,
        agent_cues_median=float(statistics.median(per_call)),
        agent_cues_p95=float(p95),
        agent_cues_max=max(per_call),
        signal_rates=rates,
    )
