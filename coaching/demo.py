"""Demo data: four teams in the four phases, their people, enablements that respect each phase, a
history of daily rollups and phase transitions, and the integration the demo floor simulator uses.

Idempotent: running it again changes nothing that exists. Passwords are demo-only and printed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from coaching.models import Integration
from coaching.services.integrations import integration_create
from rollout.audit import Actor
from rollout.models import Agent, Team
from rollout.rollups import rollup_upsert
from rollout.services import enablement_set, phase_advance, team_create
from signals.models import Signal

DEMO_PASSWORD = "coachplane-demo"  # noqa: S105 - printed demo log-in, never production
DEMO_INTEGRATION = "Demo floor simulator"
SYSTEM = Actor.system("demo_seed")


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    description: str


USERS = [
    DemoUser("ops", "ops_admin", "ops admin: rollout board, gates, enablements, audit"),
    DemoUser("ops2", "ops_admin", "second ops admin: approves phase promotions"),
    DemoUser("lead", "floor_lead", "floor lead of Acme Health and Northwind Retention"),
    DemoUser("lead2", "floor_lead", "floor lead of Contoso Outbound and Fabrikam Cards"),
    DemoUser("agent", "agent", "agent Jordan on Northwind Retention (phase 2: sees cues)"),
    DemoUser("agent3", "agent", "agent Sam on Contoso Outbound (phase 3)"),
]

# slug, name, site, client, workflows, phase, days in phase, lead, agents (external id, name, user)
TEAMS = [
    (
        "acme-health",
        "Acme Health — Member Services",
        "Austin",
        "Acme Health",
        ["phi"],
        1,
        24,
        "lead",
        [("ah-101", "Riley Chen", None), ("ah-102", "Morgan Diaz", None)],
    ),
    (
        "northwind-retention",
        "Northwind Telecom — Retention",
        "Manila",
        "Northwind Telecom",
        ["tcpa"],
        2,
        31,
        "lead",
        [("nw-201", "Jordan Blake", "agent"), ("nw-202", "Avery Singh", None)],
    ),
    (
        "contoso-outbound",
        "Contoso Energy — Outbound Sales",
        "Manila",
        "Contoso Energy",
        ["tcpa"],
        3,
        70,
        "lead2",
        [("co-301", "Sam Okafor", "agent3"), ("co-302", "Taylor Reyes", None)],
    ),
    (
        "fabrikam-cards",
        "Fabrikam Bank — Card Services",
        "Austin",
        "Fabrikam Bank",
        [],
        4,
        40,
        "lead2",
        [("fb-401", "Casey Novak", None), ("fb-402", "Jamie Park", None)],
    ),
]

# Enablements per phase: (signal key, audience, agent threshold)
ENABLEMENTS = {
    1: [
        (k, "leads", None)
        for k in (
            "frustration_spike",
            "sentiment_recovery",
            "escalation_request",
            "disclosure_missing",
            "identity_verification_incomplete",
            "tcpa_consent_missing",
            "churn_intent",
            "expansion_opportunity",
        )
    ],
    2: [
        ("churn_intent", "agents", 0.88),
        ("tcpa_consent_missing", "agents", 0.9),
        ("frustration_spike", "leads", None),
        ("escalation_request", "leads", None),
        ("disclosure_missing", "leads", None),
        ("sentiment_recovery", "leads", None),
        ("expansion_opportunity", "leads", None),
    ],
    3: [
        ("disclosure_missing", "agents", 0.9),
        ("tcpa_consent_missing", "agents", 0.9),
        ("expansion_opportunity", "agents", 0.85),
        ("escalation_request", "agents", 0.85),
        ("churn_intent", "leads", None),
        ("frustration_spike", "leads", None),
        ("sentiment_recovery", "leads", None),
    ],
    4: [
        ("churn_intent", "agents", 0.88),
        ("escalation_request", "agents", 0.85),
        ("expansion_opportunity", "agents", 0.85),
        ("frustration_spike", "leads", None),
        ("sentiment_recovery", "leads", None),
        ("disclosure_missing", "leads", None),
    ],
}

#: how long each earlier phase lasted in the demo history (its minimum plus a little)
PHASE_DAYS = {1: 33, 2: 47, 3: 63}

ADVANCE_REASONS = {
    2: "Leads rated churn and consent cues useful in shadow mode",
    3: "Agents act on cues; dismiss rate well under the guardrail",
    4: "Every agent-facing threshold reviewed with the floor leads",
}


def _user(spec: DemoUser) -> object:
    User = get_user_model()
    user, created = User.objects.get_or_create(username=spec.username)
    if created:
        user.set_password(DEMO_PASSWORD)
        user.is_staff = spec.role == "ops_admin"
        user.first_name = spec.username.capitalize()
        user.save()
        user.groups.add(Group.objects.get(name=spec.role))
    return user


def _history(team: Team, phase: int, days_in_phase: int, rng: random.Random) -> None:
    """Daily rollups for the team's past and the transitions that brought it to ``phase``."""
    now = timezone.now()
    durations = PHASE_DAYS
    start = now - timedelta(days=days_in_phase + sum(durations[p] for p in range(1, phase)))
    day = start
    current = 1
    entered = start
    while day.date() <= now.date():
        if current < phase and (day - entered).days >= durations[current]:
            current += 1
            entered = day
        calls = rng.randint(140, 220)
        prompts = 0 if current == 1 else rng.randint(calls // 6, calls // 4)
        dismissed = int(prompts * rng.uniform(0.08, 0.2))
        acted = int(prompts * rng.uniform(0.3, 0.45))
        feedback = rng.randint(4, 12)
        rollup_upsert(
            team=team,
            day=day.date(),
            counts={
                "calls": calls,
                "detections": rng.randint(calls // 3, calls // 2),
                "lead_feedback": feedback,
                "lead_feedback_useful": int(feedback * rng.uniform(0.65, 0.9)),
                "agent_prompts": prompts,
                "agent_acknowledged": prompts - dismissed - acted,
                "agent_dismissed": dismissed,
                "agent_acted": acted,
                "agent_ignored": 0,
            },
            by_signal={},
        )
        day += timedelta(days=1)


def demo_seed() -> dict[str, object]:
    """Create the demo data if missing. Returns what was created, for printing."""
    rng = random.Random(20261204)  # noqa: S311 - reproducible demo history, not security
    users = {u.username: _user(u) for u in USERS}
    ops = users["ops"]
    created_teams = []
    for slug, name, site, client, workflows, phase, days, lead, agents in TEAMS:
        if Team.objects.filter(slug=slug).exists():
            continue
        with transaction.atomic():
            total = days + sum(PHASE_DAYS[p] for p in range(1, phase))
            team = team_create(
                name=name,
                slug=slug,
                site=site,
                client=client,
                workflows=workflows,
                actor=ops,
                now=timezone.now() - timedelta(days=total),
            )
            team.floor_leads.add(users[lead])
            for external_id, display, username in agents:
                Agent.objects.create(
                    team=team,
                    external_id=external_id,
                    display_name=display,
                    user=users.get(username) if username else None,
                )
            _history(team, phase, days, rng)
            _walk_phases(team, phase, days, ops)
            created_teams.append(slug)
    integration = Integration.objects.filter(name=DEMO_INTEGRATION).first()
    if integration is None:
        integration, _key = integration_create(
            name=DEMO_INTEGRATION,
            team_slugs=[t[0] for t in TEAMS],
            actor=SYSTEM,
            monitor_url_template="https://pbx.example.invalid/monitor/{call_id}",
            rate_limit_per_minute=60_000,
        )
    return {"teams": created_teams, "integration": integration}


def _walk_phases(team: Team, phase: int, days_in_phase: int, ops: object) -> None:
    """Enable phase 1's leads-only set, then advance phase by phase (gates evaluated on the seeded
    rollups at the historical dates), setting each phase's enablements on arrival."""
    now = timezone.now()
    durations = PHASE_DAYS
    at = now - timedelta(days=days_in_phase + sum(durations[p] for p in range(1, phase)))
    _enable(team, 1, ops)
    for target in range(2, phase + 1):
        at = at + timedelta(days=durations[target - 1])
        if target == 4:
            from rollout.services import enablement_threshold_review

            for key, audience, _thr in ENABLEMENTS[3]:
                if audience == "agents":
                    enablement_threshold_review(
                        team=team,
                        signal=Signal.objects.get(key=key),
                        actor=ops,
                        note="Monthly review with floor leads",
                        now=at - timedelta(days=2),
                    )
        phase_advance(team=team, actor=ops, reason=ADVANCE_REASONS[target], now=at)
        _enable(team, target, ops)


def _enable(team: Team, phase: int, ops: object) -> None:
    wanted = {k: (aud, thr) for k, aud, thr in ENABLEMENTS[phase]}
    # first demote what leaves the agent set, so the phase's agent limit is never exceeded
    for enablement in team.enablements.select_related("signal"):
        key = enablement.signal.key
        if enablement.audience == "agents" and wanted.get(key, ("leads",))[0] != "agents":
            enablement_set(
                team=team,
                signal=enablement.signal,
                actor=ops,
                audience="leads",
                enabled=key in wanted,
                reason="Demo phase set-up",
            )
    for key, (audience, threshold) in wanted.items():
        enablement_set(
            team=team,
            signal=Signal.objects.get(key=key),
            actor=ops,
            audience=audience,
            agent_threshold=threshold,
            reason="Demo phase set-up",
        )
