"""Daily rollups of live-call activity per team (zero AI cost: counts over stored rows)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from coaching.models import Call, CallStatus, Detection, Feedback, Prompt, PromptStatus
from rollout.models import Team
from rollout.rollups import rollup_upsert


def _bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())
    return start, start + timedelta(days=1)


def rollups_rebuild(*, day: date) -> int:
    """Recompute every team's rollup for ``day``. Returns the number of teams written."""
    start, end = _bounds(day)
    per_team: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    per_signal: dict[int, dict[str, dict[str, int]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(int))
    )
    for row in (
        Call.objects.filter(started_at__gte=start, started_at__lt=end)
        .values("team_id")
        .annotate(n=Count("pk"))
    ):
        per_team[row["team_id"]]["calls"] = row["n"]
    for row in (
        Detection.objects.filter(created_at__gte=start, created_at__lt=end)
        .exclude(audience="")
        .values("call__team_id", "signal__key")
        .annotate(n=Count("pk"))
    ):
        per_team[row["call__team_id"]]["detections"] += row["n"]
        per_signal[row["call__team_id"]][row["signal__key"]]["detections"] += row["n"]
    for row in (
        Feedback.objects.filter(created_at__gte=start, created_at__lt=end)
        .values("detection__call__team_id", "detection__signal__key")
        .annotate(n=Count("pk"), useful=Count("pk", filter=Q(useful=True)))
    ):
        team_id, key = row["detection__call__team_id"], row["detection__signal__key"]
        per_team[team_id]["lead_feedback"] += row["n"]
        per_team[team_id]["lead_feedback_useful"] += row["useful"]
        per_signal[team_id][key]["feedback"] += row["n"]
        per_signal[team_id][key]["useful"] += row["useful"]
    ignored = Q(status=PromptStatus.PENDING, call__status=CallStatus.ENDED)
    for row in (
        Prompt.objects.filter(audience="agent", created_at__gte=start, created_at__lt=end)
        .values("call__team_id", "signal_key")
        .annotate(
            n=Count("pk"),
            ack=Count("pk", filter=Q(status=PromptStatus.ACKNOWLEDGED)),
            dismissed=Count("pk", filter=Q(status=PromptStatus.DISMISSED)),
            acted=Count("pk", filter=Q(status=PromptStatus.ACTED)),
            ignored=Count("pk", filter=ignored),
        )
    ):
        team_id, key = row["call__team_id"], row["signal_key"]
        for field, name in (
            ("n", "agent_prompts"),
            ("ack", "agent_acknowledged"),
            ("dismissed", "agent_dismissed"),
            ("acted", "agent_acted"),
            ("ignored", "agent_ignored"),
        ):
            per_team[team_id][name] += row[field]
            per_signal[team_id][key][name] += row[field]
    teams = Team.objects.in_bulk(list(per_team))
    for team_id, counts in per_team.items():
        by_signal: dict[str, Any] = {k: dict(v) for k, v in per_signal[team_id].items()}
        rollup_upsert(team=teams[team_id], day=day, counts=dict(counts), by_signal=by_signal)
    return len(per_team)


def rollups_rebuild_recent(*, now: datetime | None = None) -> int:
    """Today's and yesterday's rollups (yesterday's late feedback and ignored cues settle)."""
    today = timezone.localdate(now or timezone.now())
    return rollups_rebuild(day=today) + rollups_rebuild(day=today - timedelta(days=1))
