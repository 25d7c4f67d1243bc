"""Stored calls read back as canonical transcripts (for forecasts and backtests)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime, timedelta

from django.utils import timezone

from coaching.models import Call, CallEvent
from rollout.models import Team
from signals.engine import CallMeta, Event, Transcript

RECENT_DAYS = 14
MAX_CALLS = 1000


def recent_team_transcripts(
    team: Team, *, days: int = RECENT_DAYS, now: datetime | None = None, limit: int = MAX_CALLS
) -> Iterator[Transcript]:
    """The team's calls of the last ``days`` days (newest ``limit``), final utterances only, in
    call-time order — what a density forecast replays. Two queries however many calls."""
    since = (now or timezone.now()) - timedelta(days=days)
    calls = list(
        Call.objects.filter(team=team, started_at__gte=since)
        .order_by("-started_at")
        .values("pk", "external_id", "direction", "workflows", "language")[:limit]
    )
    by_call: dict[int, list[Event]] = defaultdict(list)
    rows = (
        CallEvent.objects.filter(call_id__in=[c["pk"] for c in calls], is_partial=False)
        .order_by("call_id", "offset_ms", "pk")
        .values_list(
            "call_id", "event_id", "speaker", "offset_ms", "end_offset_ms", "text", "sentiment"
        )
    )
    for call_id, event_id, speaker, offset, end, text, sentiment in rows.iterator(chunk_size=2000):
        by_call[call_id].append(Event(event_id, speaker, offset, text, end, sentiment))
    for call in reversed(calls):
        meta = CallMeta(
            call_id=call["external_id"],
            direction=call["direction"],
            workflows=frozenset(call["workflows"] or []),
            language=call["language"],
        )
        yield Transcript(meta=meta, events=tuple(by_call.get(call["pk"], ())))
