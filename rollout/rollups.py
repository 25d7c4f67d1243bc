"""Writing the per-team daily rollups that gates, guardrails and reviews read."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from rollout.models import Team, TeamDailyRollup

ROLLUP_COUNTS = (
    "calls",
    "detections",
    "lead_feedback",
    "lead_feedback_useful",
    "agent_prompts",
    "agent_acknowledged",
    "agent_dismissed",
    "agent_acted",
    "agent_ignored",
)


def rollup_upsert(
    *, team: Team, day: date, counts: dict[str, int], by_signal: dict[str, Any]
) -> TeamDailyRollup:
    """Replace one team-day rollup with fresh counts (idempotent; derived data, not audited)."""
    values = {name: int(counts.get(name, 0)) for name in ROLLUP_COUNTS}
    with transaction.atomic():
        rollup, _ = TeamDailyRollup.objects.update_or_create(
            team=team, day=day, defaults={**values, "by_signal": by_signal}
        )
    return rollup
