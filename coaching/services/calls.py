"""Live calls as the telephony side reports them: start, transcript events, end, outcome.

Ingest is the hot path, so it writes no audit rows: a call's events are their own record
(``CallEvent`` is append-only). What a reviewer cares about (a new agent on a team, handoffs,
integrations) is audited by the services that do it.

Idempotency: a call is identified by ``(integration, call_id)``; an event by
``(call, event_id, is_partial)``. Replays are accepted and change nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone

from coaching.errors import (
    BatchTooLarge,
    CallConflict,
    CallEnded,
    CallIdRequired,
    CallNotFound,
    CoachingError,
    InvalidOutcome,
    UnknownTeam,
)
from coaching.models import Call, CallEvent, CallOutcome, CallStatus, Direction, Integration
from coaching.services.scoring import call_score_enqueue
from rollout.audit import Actor, audit_record
from rollout.models import Agent, Team
from signals.engine.adapters import contact_lens, google_ccai, transcribe, twilio
from signals.engine.adapters.base import AdapterResult, category_event, parse_timestamp
from signals.engine.errors import AdapterError
from signals.engine.transcript import Event

log = logging.getLogger(__name__)

Who = Actor | AbstractBaseUser | AnonymousUser | None

#: most events one request may carry (the events endpoint and every platform payload)
MAX_BATCH_EVENTS = 200
#: how long a Twilio stream's partial/final memory is kept after its last callback
TWILIO_STATE_TTL_S = 24 * 3600
PLATFORMS = ("contact_lens", "transcribe", "google_ccai", "twilio")


@dataclass(frozen=True, slots=True)
class IngestResult:
    accepted: int
    duplicates: int


# --- lookups -------------------------------------------------------------------------------------


def call_in_scope(*, integration: Integration, external_id: str) -> Call:
    """The call with this platform id on one of the integration's teams, or ``CallNotFound``.

    Calls are unique per integration; another integration of the same team (an agent desktop
    next to the telephony platform) finds the team's call too. The integration's own call wins.
    """
    call = (
        Call.objects.filter(external_id=external_id, team__integrations=integration)
        .select_related("team", "agent", "integration")
        .annotate(
            foreign=Case(
                When(integration=integration, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("foreign", "-pk")
        .first()
    )
    if call is None:
        raise CallNotFound("No such call.")
    return call


def _lock(call: Call) -> Call:
    return Call.objects.select_for_update().get(pk=call.pk)


# --- agents and calls ----------------------------------------------------------------------------


def agent_for_call(*, team: Team, external_id: str, actor: Who, display_name: str = "") -> Agent:
    """The team's agent with this telephony id, created on first sight (audited ``agent.create``;
    display name = the id unless one is given)."""
    agent = Agent.objects.filter(team=team, external_id=external_id).first()
    if agent is not None:
        return agent
    name = (display_name or external_id)[:120]
    try:
        with transaction.atomic():
            agent = Agent.objects.create(team=team, external_id=external_id, display_name=name)
            audit_record(
                actor=actor,
                action="agent.create",
                obj=agent,
                team=team,
                after={"external_id": external_id, "display_name": name, "source": "api"},
            )
    except IntegrityError:  # created concurrently by another request for the same agent
        agent = Agent.objects.get(team=team, external_id=external_id)
    return agent


def _normalise_start(direction: str, workflows: Sequence[str], language: str) -> list[str]:
    fields: dict[str, list[str]] = {}
    if direction not in Direction.values:
        fields["direction"] = ['Must be "inbound" or "outbound".']
    tags = sorted({w.strip().lower() for w in workflows if isinstance(w, str) and w.strip()})
    if any(len(t) > 32 for t in tags):
        fields["workflows"] = ["Tags are at most 32 characters."]
    if not 0 < len(language) <= 16:
        fields["language"] = ['Must be a language tag such as "en".']
    if fields:
        raise CoachingError("The call is invalid.", fields=fields)
    return tags


def call_start(
    *,
    integration: Integration,
    external_id: str,
    team_slug: str,
    actor: Who,
    agent_external_id: str | None = None,
    agent_name: str = "",
    direction: str = Direction.INBOUND,
    workflows: Sequence[str] = (),
    language: str = "en",
    started_at: datetime | None = None,
) -> tuple[Call, bool]:
    """Start a live call; return ``(call, created)``.

    Idempotent on ``(integration, external_id)``: a replay returns the existing call unchanged
    (``created`` false); a replay naming a different team raises ``CallConflict``. The team must be
    one of the integration's (``UnknownTeam`` otherwise, also for teams that exist elsewhere).
    """
    tags = _normalise_start(direction, workflows, language)
    team = Team.objects.filter(slug=team_slug, integrations=integration).first()
    if team is None:
        raise UnknownTeam("No such team for this integration.", fields={"team": ["Unknown team."]})
    existing = Call.objects.filter(integration=integration, external_id=external_id).first()
    if existing is not None:
        return _replayed(existing, team), False
    with transaction.atomic():
        agent = (
            agent_for_call(
                team=team, external_id=agent_external_id, display_name=agent_name, actor=actor
            )
            if agent_external_id
            else None
        )
        try:
            with transaction.atomic():
                call = Call.objects.create(
                    integration=integration,
                    external_id=external_id,
                    team=team,
                    agent=agent,
                    direction=direction,
                    workflows=tags,
                    language=language,
                    started_at=started_at or timezone.now(),
                )
        except IntegrityError:  # the same call started concurrently: that one wins
            existing = Call.objects.get(integration=integration, external_id=external_id)
            return _replayed(existing, team), False
        transaction.on_commit(lambda: _lifecycle_publish(call, "call.started"))
    call.team = team
    return call, True


def _lifecycle_publish(call: Call, kind: str) -> None:
    """Tell the live floor a call started or ended (team channel; the agent's channel too), so the
    triage page and the agent's cue panel refresh. Runs after commit; never raises."""
    from coaching import bus

    message = {"type": kind, "call": call.pk, "call_id": call.external_id}
    bus.publish(bus.team_channel(call.team_id), message)
    if call.agent_id:
        bus.publish(bus.agent_channel(call.agent_id), message)


def _replayed(call: Call, team: Team) -> Call:
    if call.team_id != team.pk:
        raise CallConflict(
            "This call_id was already started on another team.",
            fields={"team": ["Does not match the team the call was started on."]},
        )
    return Call.objects.select_related("team", "agent").get(pk=call.pk)


def call_end(*, call: Call, actor: Who, ended_at: datetime | None = None) -> Call:
    """Mark the call ended. Idempotent: ending an ended call changes nothing."""
    with transaction.atomic():
        locked = _lock(call)
        if locked.status == CallStatus.ENDED:
            return locked
        moment = ended_at or timezone.now()
        if moment < locked.started_at:
            raise CoachingError(
                "A call cannot end before it started.",
                fields={"ended_at": ["Must not be before started_at."]},
            )
        locked.status = CallStatus.ENDED
        locked.ended_at = moment
        locked.save(update_fields=["status", "ended_at"])
        transaction.on_commit(lambda: _lifecycle_publish(locked, "call.ended"))
    return locked


# --- events --------------------------------------------------------------------------------------


def events_ingest(*, call: Call, events: Sequence[Event], actor: Who) -> IngestResult:
    """Store a batch of canonical events (all or nothing) and enqueue scoring after commit.

    Events already stored for the call (same ``event_id`` and ``is_partial``), or repeated within
    the batch, count as duplicates and change nothing. Order does not matter: scoring reads events
    in call-time order. On an ended call a batch of nothing but duplicates is still accepted (a
    platform retrying a delivery), while a new event raises ``CallEnded``. Not audited (hot path).
    """
    if len(events) > MAX_BATCH_EVENTS:
        raise BatchTooLarge(
            f"At most {MAX_BATCH_EVENTS} events per request; split the batch.",
            fields={"events": [f"At most {MAX_BATCH_EVENTS} events."]},
        )
    if not events:
        return IngestResult(accepted=0, duplicates=0)
    with transaction.atomic():
        locked = _lock(call)
        stored = set(
            CallEvent.objects.filter(
                call=locked, event_id__in={e.event_id for e in events}
            ).values_list("event_id", "is_partial")
        )
        fresh: list[CallEvent] = []
        for event in events:
            key = (event.event_id, event.is_partial)
            if key in stored:
                continue
            stored.add(key)
            fresh.append(
                CallEvent(
                    call=locked,
                    event_id=event.event_id,
                    speaker=event.speaker,
                    offset_ms=event.offset_ms,
                    end_offset_ms=event.end_offset_ms,
                    text=event.text,
                    sentiment=event.sentiment,
                    is_partial=event.is_partial,
                    categories=list(event.categories),
                )
            )
        if fresh and locked.status == CallStatus.ENDED:
            raise CallEnded("The call has ended; it takes no new events.")
        if fresh:
            # The call row is locked, so nothing can conflict; ignore_conflicts is a safety net.
            CallEvent.objects.bulk_create(fresh, ignore_conflicts=True)
            call_score_enqueue(locked.pk)
    return IngestResult(accepted=len(fresh), duplicates=len(events) - len(fresh))


def outcome_record(
    *,
    call: Call,
    actor: Who,
    csat: int | None = None,
    effort: int | None = None,
    resolved: bool | None = None,
) -> tuple[CallOutcome, bool]:
    """Record the post-call outcome (CSAT 1–5, effort 1–7, resolved); return ``(outcome, created)``.

    Upsert: fields given overwrite, fields left out (``None``) keep their value. Not audited
    (platform-reported facts, not a decision).
    """
    fields: dict[str, list[str]] = {}
    if csat is not None and not 1 <= csat <= 5:
        fields["csat"] = ["Must be from 1 to 5."]
    if effort is not None and not 1 <= effort <= 7:
        fields["effort"] = ["Must be from 1 to 7."]
    if csat is None and effort is None and resolved is None:
        fields["non_field_errors"] = ["Give at least one of csat, effort, resolved."]
    if fields:
        raise InvalidOutcome("The outcome is invalid.", fields=fields)
    values = {
        name: value
        for name, value in (("csat", csat), ("effort", effort), ("resolved", resolved))
        if value is not None
    }
    with transaction.atomic():
        _lock(call)
        return CallOutcome.objects.update_or_create(call=call, defaults=values)


# --- platform payloads ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImplicitStart:
    """How to start a call a platform payload names but nobody started yet."""

    team_slug: str
    agent_external_id: str | None = None
    agent_name: str = ""
    direction: str = Direction.INBOUND
    workflows: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PlatformIngestResult:
    call: Call
    accepted: int
    duplicates: int
    ended: bool
    started: bool


def _call_or_start(
    *,
    integration: Integration,
    external_id: str,
    start: ImplicitStart | None,
    started_at: datetime | None,
    language: str | None,
    actor: Who,
) -> tuple[Call, bool]:
    try:
        return call_in_scope(integration=integration, external_id=external_id), False
    except CallNotFound:
        if start is None:
            raise CallNotFound(
                "No such call: start it with POST /api/v1/calls/ first, or pass ?team= (and "
                "?agent=) to start it from this payload."
            ) from None
    call, created = call_start(
        integration=integration,
        external_id=external_id,
        team_slug=start.team_slug,
        agent_external_id=start.agent_external_id,
        agent_name=start.agent_name,
        direction=start.direction,
        workflows=start.workflows,
        language=(language or "en")[:16],
        started_at=started_at,
        actor=actor,
    )
    return call, created


def _twilio_state_key(call: Call) -> str:
    # created_at keeps the key unique even when a database is recreated and ids restart.
    return f"twilio-stream:{call.pk}:{call.created_at.timestamp()}"


def _twilio_time(fields: Mapping[str, Any]) -> datetime | None:
    value = fields.get("Timestamp")
    return None if value is None else parse_timestamp(value, "Timestamp")


def upstream_category_events(matches: Sequence[tuple[str, int]]) -> list[Event]:
    """A vendor's category matches as canonical events carrying ``categories`` (no text), so they
    take the same path as Coachplane's own detections: an ``upstream_category`` signal maps them
    to a catalog signal, and routing, the budget and the audit trail apply as usual."""
    return [category_event(name, offset) for name, offset in matches]


def platform_payload_ingest(
    *,
    integration: Integration,
    platform: str,
    payload: Any,
    actor: Who,
    call_id: str | None = None,
    start: ImplicitStart | None = None,
    customer_track: str = "inbound_track",
) -> PlatformIngestResult:
    """Map one platform payload into canonical events and feed them to ``events_ingest``.

    The call is the one the payload names (Contact Lens ``ContactId``, CCAI conversation id, Twilio
    ``CallSid``; Transcribe payloads name none, so ``call_id`` is required). An unknown call is
    started from ``start`` when given, else ``CallNotFound``. A payload saying the call is over
    ends it. Raises ``AdapterError`` (naming the platform's field) for a malformed payload. Vendor
    category matches are not stored yet (see ``docs/api.md``).
    """
    if platform not in PLATFORMS:
        raise AdapterError(f"Unknown platform; use one of {', '.join(PLATFORMS)}.", field="")
    with transaction.atomic():
        started_at: datetime | None = None
        if platform == "contact_lens":
            result = contact_lens.to_events(payload)
            external_id = call_id or result.call_id
        elif platform == "transcribe":
            result = transcribe.to_events(payload)
            external_id = call_id
        elif platform == "google_ccai":
            result = google_ccai.to_events(payload)  # validates and names the conversation
            external_id = call_id or result.call_id
            times = google_ccai.message_times(payload)
            started_at = min(times) if times else None
        else:
            result = twilio.to_events(payload, customer_track=customer_track)  # validates
            external_id = call_id or result.call_id
            started_at = _twilio_time(payload)
        if not external_id:
            raise CallIdRequired(
                "This payload does not name its call: pass ?call_id=.",
                fields={"call_id": ["This field is required."]},
            )
        if len(result.events) > MAX_BATCH_EVENTS:
            raise BatchTooLarge(f"At most {MAX_BATCH_EVENTS} events per payload.")
        call, created = _call_or_start(
            integration=integration,
            external_id=external_id,
            start=start,
            started_at=started_at,
            language=result.language,
            actor=actor,
        )
        if platform == "google_ccai":
            # Offsets count from the call's start, so one message at a time lands where it belongs.
            result = google_ccai.to_events(payload, started_at=call.started_at)
        elif platform == "twilio":
            result = _twilio_with_state(call, payload, customer_track)
        events = [*result.events, *upstream_category_events(result.upstream_categories)]
        ingested = events_ingest(call=call, events=events, actor=actor)
        if result.ended:
            call = call_end(call=call, actor=actor)
    return PlatformIngestResult(
        call=call,
        accepted=ingested.accepted,
        duplicates=ingested.duplicates,
        ended=result.ended,
        started=created,
    )


def _twilio_with_state(call: Call, fields: Any, customer_track: str) -> AdapterResult:
    """Map a Twilio callback with the stream's partial/final memory, kept per call in the cache.

    The call row is locked first, so callbacks of one call are mapped one at a time.
    """
    _lock(call)
    key = _twilio_state_key(call)
    state = twilio.TwilioStreamState.from_dict(cache.get(key))
    result = twilio.to_events(fields, customer_track=customer_track, state=state)
    cache.set(key, state.to_dict(), TWILIO_STATE_TTL_S)
    return result
