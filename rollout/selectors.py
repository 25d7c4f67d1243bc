"""Reads of the rollout app: effective team config, phase policy, gate evaluation."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from django.db.models import Sum
from django.utils import timezone

from rollout.models import (
    PhasePolicy,
    SignalEnablement,
    Team,
    TeamDailyRollup,
    TeamRollout,
)
from signals.engine.routing import Budget, RoutingConfig
from signals.engine.spec import SignalSpec
from signals.models import Signal

GateStatus = Literal["pass", "fail", "inconclusive"]


@dataclass(frozen=True, slots=True)
class EffectiveConfig:
    """One frozen, versioned snapshot of what a team's calls are scored and routed with."""

    team_id: int
    team_slug: str
    version: int
    phase: int
    specs: tuple[SignalSpec, ...]
    budget: Budget
    signal_ids: dict[str, int] = field(default_factory=dict)

    @property
    def routing(self) -> RoutingConfig:
        return RoutingConfig(
            phase=self.phase, signals={s.key: s for s in self.specs}, budget=self.budget
        )

    def spec(self, key: str) -> SignalSpec | None:
        for s in self.specs:
            if s.key == key:
                return s
        return None


def policy_for(phase: int) -> PhasePolicy:
    return PhasePolicy.objects.get(phase=phase)


def agent_threshold_for(enablement: SignalEnablement, signal: Signal, policy: PhasePolicy) -> float:
    """The agent threshold in force: the override, else the phase minimum or the default."""
    leads = enablement.threshold if enablement.threshold is not None else signal.default_threshold
    if enablement.agent_threshold is not None:
        return enablement.agent_threshold
    return max(policy.min_agent_threshold, signal.default_threshold, leads)


def spec_for(
    signal: Signal, enablement: SignalEnablement | None, policy: PhasePolicy | None
) -> SignalSpec:
    """The engine's view of one signal under a team's enablement (or catalog defaults)."""
    leads = signal.default_threshold
    agent: float | None = None
    if enablement is not None:
        if enablement.threshold is not None:
            leads = enablement.threshold
        if policy is not None and enablement.is_agent_facing and policy.allows_agent_signal(signal):
            agent = agent_threshold_for(enablement, signal, policy)
    return SignalSpec(
        key=signal.key,
        category=signal.category,  # type: ignore[arg-type]
        detector=signal.detector,
        params=dict(signal.params),
        stakes=signal.stakes,  # type: ignore[arg-type]
        leads_threshold=leads,
        agent_threshold=agent,
        cue_label=signal.cue_label,
        handoff_desk=signal.handoff_desk,
    )


def _build_effective_config(team: Team) -> EffectiveConfig:
    rollout = team.rollout
    policy = policy_for(rollout.phase)
    enablements = (
        SignalEnablement.objects.filter(team=team, enabled=True, signal__active=True)
        .select_related("signal")
        .order_by("signal__key")
    )
    specs = tuple(spec_for(e.signal, e, policy) for e in enablements)
    return EffectiveConfig(
        team_id=team.pk,
        team_slug=team.slug,
        version=team.config_version,
        phase=rollout.phase,
        specs=specs,
        budget=Budget(max_agent_cues=team.max_agent_cues, cooldown_s=team.cooldown_s),
        signal_ids={e.signal.key: e.signal_id for e in enablements},
    )


_CACHE: dict[int, EffectiveConfig] = {}
_CACHE_LOCK = threading.Lock()


def effective_config(team: Team | int) -> EffectiveConfig:
    """The team's effective config, cached per process and keyed by its ``config_version``.

    Costs one small query when the cached version is current.
    """
    team_id = team if isinstance(team, int) else team.pk
    version = Team.objects.filter(pk=team_id).values_list("config_version", flat=True).first()
    if version is None:
        raise Team.DoesNotExist(f"team {team_id}")
    cached = _CACHE.get(team_id)
    if cached is not None and cached.version == version:
        return cached
    team_obj = Team.objects.select_related("rollout").get(pk=team_id)
    config = _build_effective_config(team_obj)
    with _CACHE_LOCK:
        _CACHE[team_id] = config
    return config


# --- gates ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GateResult:
    key: str
    label: str
    status: GateStatus
    message: str
    evidence: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "status": self.status,
            "message": self.message,
            "evidence": self.evidence,
        }


def days_in_phase(rollout: TeamRollout, now: datetime | None = None) -> float:
    now = now or timezone.now()
    return max(0.0, (now - rollout.entered_at).total_seconds() / 86400)


def _rollup_totals(team: Team, since: datetime) -> dict[str, int]:
    agg = TeamDailyRollup.objects.filter(team=team, day__gte=since.date()).aggregate(
        lead_feedback=Sum("lead_feedback"),
        lead_feedback_useful=Sum("lead_feedback_useful"),
        agent_prompts=Sum("agent_prompts"),
        agent_dismissed=Sum("agent_dismissed"),
        agent_acted=Sum("agent_acted"),
        agent_ignored=Sum("agent_ignored"),
    )
    return {k: int(v or 0) for k, v in agg.items()}


def _gate_min_duration(rollout: TeamRollout, policy: PhasePolicy, now: datetime) -> GateResult:
    days = days_in_phase(rollout, now)
    need = policy.min_weeks * 7
    ok = days >= need
    remaining = max(0.0, need - days)
    msg = (
        f"{days:.0f} days in phase {policy.phase}; the minimum is {need} days."
        if ok
        else f"Only {days:.0f} of the minimum {need} days in phase {policy.phase} "
        f"({remaining:.0f} to go)."
    )
    return GateResult(
        "min_duration",
        "Minimum time in phase",
        "pass" if ok else "fail",
        msg,
        {"days_in_phase": round(days, 1), "min_days": need},
    )


def _gate_rate(
    key: str,
    label: str,
    *,
    numerator: int,
    denominator: int,
    min_count: int,
    limit: float,
    at_most: bool,
    noun: str,
) -> GateResult:
    evidence = {"count": denominator, "matching": numerator, "min_count": min_count, "limit": limit}
    if denominator < min_count:
        return GateResult(
            key,
            label,
            "inconclusive",
            f"Too little data: {denominator} {noun}, {min_count} needed. Hold.",
            evidence,
        )
    rate = numerator / denominator if denominator else 0.0
    evidence["rate"] = round(rate, 3)
    ok = rate <= limit if at_most else rate >= limit
    sign = "≤" if at_most else "≥"
    return GateResult(
        key,
        label,
        "pass" if ok else "fail",
        f"{rate:.0%} over {denominator} {noun} (needs {sign} {limit:.0%}).",
        evidence,
    )


def phase_gates(team: Team, *, now: datetime | None = None) -> list[GateResult]:
    """The gates for leaving the team's current phase, each pass / fail / inconclusive."""
    now = now or timezone.now()
    rollout = team.rollout
    facing: list[SignalEnablement] | None = None
    if rollout.phase == 3:
        facing = list(
            SignalEnablement.objects.filter(team=team, enabled=True, audience="agents")
            .select_related("signal")
            .order_by("signal__key")
        )
    return gates_for(
        rollout,
        policy_for(rollout.phase),
        totals=_rollup_totals(team, rollout.entered_at),
        agent_facing=facing or [],
        now=now,
    )


def gates_for(
    rollout: TeamRollout,
    policy: PhasePolicy,
    *,
    totals: dict[str, int],
    agent_facing: list[SignalEnablement],
    now: datetime,
) -> list[GateResult]:
    """The gates from data already loaded (rollup totals since the phase began, the agent-facing
    enablements with their signals), so list pages can evaluate many teams in a few queries."""
    gates = [_gate_min_duration(rollout, policy, now)]
    params = policy.gate_params or {}
    if rollout.phase == 1:
        gates.append(
            _gate_rate(
                "lead_feedback",
                "Leads rate signals useful",
                numerator=totals["lead_feedback_useful"],
                denominator=totals["lead_feedback"],
                min_count=int(params.get("min_feedback", 20)),
                limit=float(params.get("min_useful_rate", 0.6)),
                at_most=False,
                noun="lead ratings",
            )
        )
    elif rollout.phase in (2, 3):
        shown = totals["agent_prompts"]
        gates.append(
            _gate_rate(
                "dismiss_rate",
                "Agents keep cues (dismiss/ignore rate)",
                numerator=totals["agent_dismissed"] + totals["agent_ignored"],
                denominator=shown,
                min_count=int(params.get("min_agent_prompts", 30)),
                limit=float(params.get("max_dismiss_rate", 0.35)),
                at_most=True,
                noun="agent cues",
            )
        )
        if "min_acted_rate" in params:
            gates.append(
                _gate_rate(
                    "acted_rate",
                    "Agents act on cues",
                    numerator=totals["agent_acted"],
                    denominator=shown,
                    min_count=int(params.get("min_agent_prompts", 30)),
                    limit=float(params["min_acted_rate"]),
                    at_most=False,
                    noun="agent cues",
                )
            )
    if rollout.phase == 3:
        facing = agent_facing
        unreviewed = [
            e.signal.key
            for e in facing
            if e.threshold_reviewed_at is None or e.threshold_reviewed_at < rollout.entered_at
        ]
        if not facing:
            gates.append(
                GateResult(
                    "thresholds_reviewed",
                    "Every agent-facing threshold reviewed",
                    "inconclusive",
                    "No agent-facing signal yet. Hold.",
                    {"agent_facing": []},
                )
            )
        else:
            gates.append(
                GateResult(
                    "thresholds_reviewed",
                    "Every agent-facing threshold reviewed",
                    "fail" if unreviewed else "pass",
                    f"Not reviewed in this phase: {', '.join(unreviewed)}."
                    if unreviewed
                    else f"All {len(facing)} agent-facing thresholds reviewed.",
                    {"agent_facing": [e.signal.key for e in facing], "unreviewed": unreviewed},
                )
            )
    return gates


def phase_overdue(
    rollout: TeamRollout, *, now: datetime | None = None, policy: PhasePolicy | None = None
) -> bool:
    policy = policy or policy_for(rollout.phase)
    if policy.max_weeks is None:
        return False
    return (now or timezone.now()) - rollout.entered_at > timedelta(weeks=policy.max_weeks)


def policy_offenders(team: Team, policy: PhasePolicy) -> list[dict[str, Any]]:
    """Agent-facing enablements the given phase policy would not allow, with the rule broken."""
    facing = list(
        SignalEnablement.objects.filter(team=team, enabled=True, audience="agents")
        .select_related("signal")
        .order_by("signal__key")
    )
    offenders: list[dict[str, Any]] = []
    for e in facing:
        if not policy.agents_allowed:
            offenders.append({"signal": e.signal.key, "rule": "leads_only_phase"})
        elif not policy.allows_agent_signal(e.signal):
            offenders.append({"signal": e.signal.key, "rule": "category_not_allowed"})
        elif agent_threshold_for(e, e.signal, policy) < policy.min_agent_threshold:
            offenders.append({"signal": e.signal.key, "rule": "agent_threshold_below_minimum"})
    allowed = [e for e in facing if e.signal.key not in {o["signal"] for o in offenders}]
    if policy.max_agent_signals is not None and len(allowed) > policy.max_agent_signals:
        ranked = sorted(
            allowed, key=lambda e: (spec_for(e.signal, None, None).priority, e.signal.key)
        )
        for e in ranked[policy.max_agent_signals :]:
            offenders.append({"signal": e.signal.key, "rule": "too_many_agent_signals"})
    return offenders
