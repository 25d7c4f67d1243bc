"""Routing under the density budget (DESIGN.md, "Routing under the budget").

A pure function of the candidates, the call's routing state and the team's routing config. Every
candidate gets a ``Decision`` with an audience (``"agent"``, ``"leads"`` or ``None``) and a reason
code plus a human sentence, so a lead or a review can see why a cue did or did not reach an agent.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from signals.engine.spec import Candidate, SignalSpec

Reason = Literal[
    "below_leads_threshold",
    "leads_only_phase",
    "below_agent_threshold",
    "agent_budget_used",
    "cooldown",
    "already_cued",
    "cued",
    "signal_not_enabled",
]

DEFAULT_MAX_AGENT_CUES = 3
DEFAULT_COOLDOWN_S = 60


@dataclass(frozen=True, slots=True)
class Budget:
    max_agent_cues: int = DEFAULT_MAX_AGENT_CUES
    cooldown_s: int = DEFAULT_COOLDOWN_S


@dataclass(frozen=True, slots=True)
class RoutingConfig:
    """The routing-relevant slice of a team's effective config."""

    phase: int
    signals: Mapping[str, SignalSpec]
    budget: Budget = Budget()


@dataclass(slots=True)
class RoutingState:
    """Per-call routing memory (JSON round-trips, stored beside the engine's ``CallState``)."""

    agent_cues: int = 0
    last_agent_cue_ms: int | None = None
    cued_signals: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "agent_cues": self.agent_cues,
            "last_agent_cue_ms": self.last_agent_cue_ms,
            "cued_signals": list(self.cued_signals),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> RoutingState:
        data = data or {}
        last = data.get("last_agent_cue_ms")
        return cls(
            agent_cues=int(data.get("agent_cues", 0)),
            last_agent_cue_ms=None if last is None else int(last),
            cued_signals=list(data.get("cued_signals", [])),
        )


@dataclass(frozen=True, slots=True)
class Decision:
    candidate: Candidate
    above_threshold: bool
    audience: Literal["agent", "leads"] | None
    reason: Reason
    message: str


def _order(candidates: Iterable[Candidate], signals: Mapping[str, SignalSpec]) -> list[Candidate]:
    """Higher stakes first (compliance, churn, the rest), then higher confidence, then call time."""

    def key(c: Candidate) -> tuple[int, int, float, int]:
        spec = signals.get(c.signal)
        prio = spec.priority if spec is not None else (9, 9)
        return (prio[0], prio[1], -c.confidence, c.offset_ms)

    return sorted(candidates, key=key)


def route_candidates(
    candidates: Iterable[Candidate], state: RoutingState, config: RoutingConfig
) -> list[Decision]:
    """Decide each candidate's audience. Mutates ``state`` (agent cues used, cool-down, cued set).

    Invariant: ``state.agent_cues`` never exceeds ``config.budget.max_agent_cues``.
    """
    decisions: list[Decision] = []
    budget = config.budget
    for cand in _order(candidates, config.signals):
        spec = config.signals.get(cand.signal)
        if spec is None:
            decisions.append(
                Decision(
                    cand,
                    False,
                    None,
                    "signal_not_enabled",
                    "Not recorded for routing: signal not enabled.",
                )
            )
            continue
        if not (math.isfinite(cand.confidence) and 0.0 <= cand.confidence <= 1.0):
            # NaN compares false against every threshold and would sail through to the agent.
            decisions.append(
                Decision(
                    cand,
                    False,
                    None,
                    "below_leads_threshold",
                    "Recorded only: confidence is not a number from 0 to 1.",
                )
            )
            continue
        if cand.confidence < spec.leads_threshold:
            decisions.append(
                Decision(
                    cand,
                    False,
                    None,
                    "below_leads_threshold",
                    f"Recorded only: confidence {cand.confidence:.2f} below the leads threshold "
                    f"{spec.leads_threshold:.2f}.",
                )
            )
            continue
        if spec.agent_threshold is None or config.phase <= 1:  # phase 1: agents see nothing
            decisions.append(
                Decision(
                    cand,
                    True,
                    "leads",
                    "leads_only_phase",
                    f"Leads only: not agent-facing in phase {config.phase}.",
                )
            )
            continue
        if cand.confidence < spec.agent_threshold:
            decisions.append(
                Decision(
                    cand,
                    True,
                    "leads",
                    "below_agent_threshold",
                    f"Leads only: confidence {cand.confidence:.2f} below the agent threshold "
                    f"{spec.agent_threshold:.2f}.",
                )
            )
            continue
        if state.agent_cues >= budget.max_agent_cues:
            decisions.append(
                Decision(
                    cand,
                    True,
                    "leads",
                    "agent_budget_used",
                    f"Leads only: agent budget used ({state.agent_cues} of "
                    f"{budget.max_agent_cues} cues).",
                )
            )
            continue
        if (
            budget.cooldown_s > 0
            and state.last_agent_cue_ms is not None
            and cand.offset_ms - state.last_agent_cue_ms < budget.cooldown_s * 1000
        ):
            decisions.append(
                Decision(
                    cand,
                    True,
                    "leads",
                    "cooldown",
                    f"Leads only: within the {budget.cooldown_s} s cool-down since the last "
                    "agent cue.",
                )
            )
            continue
        if cand.signal in state.cued_signals:
            decisions.append(
                Decision(
                    cand, True, "leads", "already_cued", "Leads only: already cued on this call."
                )
            )
            continue
        state.agent_cues += 1
        state.last_agent_cue_ms = max(cand.offset_ms, state.last_agent_cue_ms or 0)
        state.cued_signals.append(cand.signal)
        decisions.append(
            Decision(cand, True, "agent", "cued", "Cued to the agent (leads see it too).")
        )
    return decisions
