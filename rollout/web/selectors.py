"""Reads sized for the ops admin pages: board, team page, catalog, audit log.

The board evaluates every team's gates from data loaded in a constant number of queries.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from rollout.models import (
    Audience,
    AuditEvent,
    PhaseChangeRequest,
    PhasePolicy,
    RequestStatus,
    SignalEnablement,
    Team,
)
from rollout.selectors import GateResult, days_in_phase, gates_for, phase_overdue
from signals.models import Signal

ROLLUP_FIELDS = (
    "lead_feedback",
    "lead_feedback_useful",
    "agent_prompts",
    "agent_dismissed",
    "agent_acted",
    "agent_ignored",
)
GUARDRAIL_DAYS = 7
#: below this many agent cues in the window, a dismiss rate is noise: no alert
GUARDRAIL_MIN_CUES = 10
DEFAULT_MAX_DISMISS_RATE = 0.35


@dataclass(frozen=True, slots=True)
class TeamCard:
    team: Team
    phase: int
    policy: PhasePolicy
    days: float
    min_days: int
    max_days: int | None
    overdue: bool
    gates: list[GateResult]
    alerts: list[str]
    agent_signals: int
    pending_requests: int

    @property
    def gate_counts(self) -> dict[str, int]:
        c = Counter(g.status for g in self.gates)
        return {"pass": c["pass"], "fail": c["fail"], "inconclusive": c["inconclusive"]}

    @property
    def scale_days(self) -> float:
        """The bar's full width: the max duration, or (ongoing phases) what has elapsed."""
        top = self.max_days or max(self.min_days, self.days, 1)
        return max(top, self.days, 1)

    @property
    def progress_pct(self) -> int:
        return min(100, round(self.days * 100 / self.scale_days))

    @property
    def min_pct(self) -> int:
        return min(100, round(self.min_days * 100 / self.scale_days))


@dataclass(frozen=True, slots=True)
class Board:
    columns: list[tuple[PhasePolicy, list[TeamCard]]]
    sites: list[str]
    clients: list[str]
    site: str = ""
    client: str = ""
    total: int = field(default=0)


def board(*, site: str = "", client: str = "", now: datetime | None = None) -> Board:
    """Every team as a card in its phase column, filtered by site and client. Five queries."""
    now = now or timezone.now()
    since_guardrail = (now - timedelta(days=GUARDRAIL_DAYS)).date()
    in_phase = Q(rollups__day__gte=TruncDate(F("rollout__entered_at")))
    recent = Q(rollups__day__gte=since_guardrail)
    sums: dict[str, Any] = {f"t_{f}": Sum(f"rollups__{f}", filter=in_phase) for f in ROLLUP_FIELDS}
    sums |= {
        f"g_{f}": Sum(f"rollups__{f}", filter=recent)
        for f in ("agent_prompts", "agent_dismissed", "agent_ignored")
    }
    teams_qs = Team.objects.select_related("rollout").annotate(**sums).order_by("name")
    if site:
        teams_qs = teams_qs.filter(site=site)
    if client:
        teams_qs = teams_qs.filter(client=client)
    teams = list(teams_qs)
    policies = {p.phase: p for p in PhasePolicy.objects.all()}
    team_ids = [t.pk for t in teams]
    facing: dict[int, list[SignalEnablement]] = defaultdict(list)
    for e in (
        SignalEnablement.objects.filter(
            team_id__in=team_ids, enabled=True, audience=Audience.AGENTS, signal__active=True
        )
        .select_related("signal")
        .order_by("signal__key")
    ):
        facing[e.team_id].append(e)
    pending = dict(
        PhaseChangeRequest.objects.filter(team_id__in=team_ids, status=RequestStatus.PENDING)
        .values_list("team_id")
        .annotate(n=Count("pk"))
    )
    facets = Team.objects.values_list("site", "client")
    sites = sorted({s for s, _ in facets if s})
    clients = sorted({c for _, c in facets if c})

    columns: dict[int, list[TeamCard]] = {p: [] for p in sorted(policies)}
    for team in teams:
        rollout = team.rollout
        policy = policies[rollout.phase]
        totals = {f: int(getattr(team, f"t_{f}") or 0) for f in ROLLUP_FIELDS}
        gates = gates_for(rollout, policy, totals=totals, agent_facing=facing[team.pk], now=now)
        columns[rollout.phase].append(
            TeamCard(
                team=team,
                phase=rollout.phase,
                policy=policy,
                days=days_in_phase(rollout, now),
                min_days=policy.min_weeks * 7,
                max_days=policy.max_weeks * 7 if policy.max_weeks is not None else None,
                overdue=phase_overdue(rollout, now=now, policy=policy),
                gates=gates,
                alerts=_guardrail_alerts(team, policy),
                agent_signals=len(facing[team.pk]),
                pending_requests=pending.get(team.pk, 0),
            )
        )
    return Board(
        columns=[(policies[p], cards) for p, cards in columns.items()],
        sites=sites,
        clients=clients,
        site=site,
        client=client,
        total=len(teams),
    )


def _guardrail_alerts(team: Team, policy: PhasePolicy) -> list[str]:
    """Guardrails over the last 7 days of rollups (agents dismissing or ignoring cues)."""
    shown = int(team.g_agent_prompts or 0)  # type: ignore[attr-defined]
    if shown < GUARDRAIL_MIN_CUES:
        return []
    dropped = int(team.g_agent_dismissed or 0) + int(team.g_agent_ignored or 0)  # type: ignore[attr-defined]
    limit = float((policy.gate_params or {}).get("max_dismiss_rate", DEFAULT_MAX_DISMISS_RATE))
    rate = dropped / shown
    if rate > limit:
        return [
            f"Agents dismiss/ignore {rate:.0%} of cues over {GUARDRAIL_DAYS} days "
            f"(limit {limit:.0%}, {shown} cues)."
        ]
    return []


# --- team page ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MatrixRow:
    """One matrix row; after a refused save, ``proposed`` holds the values the admin typed (shown
    again, unsaved) and ``error``/``rule`` the policy refusal."""

    signal: Signal
    enablement: SignalEnablement | None
    proposed: dict[str, Any] | None = None
    error: str = ""
    rule: str = ""
    saved: bool = False

    @property
    def values(self) -> dict[str, Any]:
        if self.proposed is not None:
            return self.proposed
        e = self.enablement
        return {
            "enabled": bool(e and e.enabled),
            "audience": e.audience if e else Audience.LEADS,
            "threshold": e.threshold if e else None,
            "agent_threshold": e.agent_threshold if e else None,
            "reason": "",
        }

    @property
    def enabled(self) -> bool:
        return bool(self.enablement and self.enablement.enabled)

    @property
    def audience(self) -> str:
        return self.enablement.audience if self.enablement else Audience.LEADS

    @property
    def reviewed_at(self) -> datetime | None:
        return self.enablement.threshold_reviewed_at if self.enablement else None


def matrix_rows(team: Team) -> list[MatrixRow]:
    """Every catalog signal (active first) with the team's enablement, if any. Two queries."""
    enablements = {e.signal_id: e for e in SignalEnablement.objects.filter(team=team)}
    return [
        MatrixRow(signal=s, enablement=enablements.get(s.pk))
        for s in Signal.objects.order_by("-active", "category", "key")
    ]


def matrix_row(team: Team, signal: Signal) -> MatrixRow:
    return MatrixRow(
        signal=signal, enablement=SignalEnablement.objects.filter(team=team, signal=signal).first()
    )


def team_transitions(team: Team) -> QuerySet:
    return team.transitions.select_related("actor", "request__requested_by").order_by(
        "-created_at", "-pk"
    )


def team_requests(team: Team) -> QuerySet:
    return PhaseChangeRequest.objects.filter(team=team).select_related("requested_by", "decided_by")


# --- catalog --------------------------------------------------------------------------------------


def catalog_signals() -> QuerySet:
    """The catalog with how many teams enable each signal. One query."""
    return Signal.objects.annotate(
        used_by=Count("enablements__team", filter=Q(enablements__enabled=True), distinct=True)
    ).order_by("-active", "category", "key")


# --- audit log ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AuditFilters:
    team: str = ""
    actor: str = ""
    action: str = ""
    since: date | None = None
    until: date | None = None


def audit_events(f: AuditFilters) -> QuerySet:
    qs = AuditEvent.objects.select_related("team").order_by("-created_at", "-pk")
    if f.team:
        qs = qs.filter(team__slug=f.team)
    if f.actor:
        qs = qs.filter(actor_label__iexact=f.actor)
    if f.action:
        qs = qs.filter(action=f.action)
    if f.since:
        qs = qs.filter(created_at__date__gte=f.since)
    if f.until:
        qs = qs.filter(created_at__date__lte=f.until)
    return qs


def audit_actions() -> list[str]:
    return list(AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct())


@dataclass(frozen=True, slots=True)
class DiffRow:
    key: str
    before: Any
    after: Any
    changed: bool


def audit_diff(event: AuditEvent) -> list[DiffRow]:
    """Before/after per key; changed keys first."""
    before = event.before if isinstance(event.before, dict) else {}
    after = event.after if isinstance(event.after, dict) else {}
    keys = list(dict.fromkeys([*before, *after]))
    rows = [
        DiffRow(
            key=k,
            before=before.get(k),
            after=after.get(k),
            changed=(k in before) != (k in after) or before.get(k) != after.get(k),
        )
        for k in keys
    ]
    return sorted(rows, key=lambda r: not r.changed)
