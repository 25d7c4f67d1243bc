"""Scoring a live call: the engine and the router under the team's effective config.

``call_score`` is what the ``coaching.score_call`` task runs. It locks the call row, takes the
call's unscored events in call-time order, runs ``signals.engine.evaluate`` and
``route_candidates`` with the call's saved engine and routing state, stores a ``Detection`` for
every candidate (with the routing decision and its reason) and a ``Prompt`` per audience, marks the
events scored, and after commit pushes the prompts live and sends agent-cue webhooks. Redelivered
or concurrent tasks are harmless: the row lock serialises them and a second run finds no unscored
events.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from coaching.bus import redis_client
from coaching.models import Call, CallEvent, CallStatus, Detection, Prompt
from rollout.selectors import EffectiveConfig, effective_config
from signals.engine import CallMeta, CallState, EvalResult, Event, evaluate, evaluate_deadlines
from signals.engine.routing import Decision, RoutingState, route_candidates
from signals.engine.spec import Candidate

log = logging.getLogger(__name__)

STAKES_WEIGHT = {"high": 1.0, "medium": 0.7, "low": 0.4}
#: risk halves every this many seconds without a new detection (the triage page's recency decay)
RISK_HALF_LIFE_S = 120.0


@dataclass(frozen=True, slots=True)
class ScoreResult:
    events: int
    detections: int
    agent_prompts: int


#: how long a "scoring already queued" marker lives if its task never starts (lost worker)
PENDING_TTL_S = 10
#: unscored events older than this are re-enqueued by the sweep (safety net for lost tasks)
STALE_UNSCORED_S = 15


def _pending_key(call_pk: int) -> str:
    return f"coachplane:score-pending:{call_pk}"


def _claim_pending(call_pk: int) -> bool:
    """True when no scoring task is queued for the call yet (and mark one as queued).

    A burst of event batches for one call then costs one task, not one per batch: the queued task
    reads every unscored event when it starts.
    """
    if settings.CELERY_TASK_ALWAYS_EAGER or not settings.REDIS_URL:
        return True
    return bool(redis_client().set(_pending_key(call_pk), 1, nx=True, ex=PENDING_TTL_S))


def _release_pending(call_pk: int) -> None:
    if settings.CELERY_TASK_ALWAYS_EAGER or not settings.REDIS_URL:
        return
    redis_client().delete(_pending_key(call_pk))


def call_score_enqueue(call_pk: int) -> None:
    """Enqueue scoring of ``call_pk`` once the surrounding transaction commits (at most one queued
    task per call at a time)."""
    from coaching.tasks import score_call

    def send() -> None:
        if _claim_pending(call_pk):
            score_call.delay(call_pk)

    transaction.on_commit(send)


def calls_with_stale_unscored_events(*, now: datetime | None = None) -> list[int]:
    """Calls holding events unscored for longer than ``STALE_UNSCORED_S`` (their task was lost)."""
    cutoff = (now or timezone.now()) - timedelta(seconds=STALE_UNSCORED_S)
    return list(
        CallEvent.objects.filter(scored_at__isnull=True, received_at__lt=cutoff)
        .values_list("call_id", flat=True)
        .distinct()[:500]
    )


def _call_meta(call: Call) -> CallMeta:
    return CallMeta(
        call_id=call.external_id,
        direction=call.direction,  # type: ignore[arg-type]
        workflows=frozenset(call.workflows or []),
        language=call.language,
    )


def _engine_event(row: CallEvent) -> Event:
    return Event(
        event_id=row.event_id,
        speaker=row.speaker,  # type: ignore[arg-type]
        offset_ms=row.offset_ms,
        text=row.text,
        end_offset_ms=row.end_offset_ms,
        sentiment=row.sentiment,
        is_partial=row.is_partial,
        categories=tuple(row.categories or ()),
    )


def decayed_risk(risk: float, since: datetime | None, now: datetime) -> float:
    """A call's risk after decay: stakes × confidence of its detections, halving every
    ``RISK_HALF_LIFE_S`` seconds without a new one."""
    if since is None or risk <= 0:
        return 0.0
    elapsed = max(0.0, (now - since).total_seconds())
    return risk * math.pow(0.5, elapsed / RISK_HALF_LIFE_S)


def _store(
    call: Call, config: EffectiveConfig, decisions: list[Decision], now: datetime
) -> list[Prompt]:
    """Write detections and prompts for routing decisions; update the call's risk."""
    decisions = [d for d in decisions if d.candidate.signal in config.signal_ids]
    if not decisions:
        return []
    detections = Detection.objects.bulk_create(
        [
            Detection(
                call=call,
                signal_id=config.signal_ids[d.candidate.signal],
                event_ref=_event_ref(d.candidate),
                confidence=_clamp(d.candidate.confidence),
                offset_ms=d.candidate.offset_ms,
                evidence=d.candidate.evidence[:240],
                deadline_ms=d.candidate.deadline_ms,
                above_threshold=d.above_threshold,
                audience=d.audience or "",
                reason=d.reason,
                reason_message=d.message[:240],
                phase=config.phase,
                config_version=config.version,
            )
            for d in decisions
        ]
    )
    prompts: list[Prompt] = []
    risk = decayed_risk(call.risk, call.last_detection_at, now)
    for detection, decision in zip(detections, decisions, strict=True):
        if decision.audience is None:
            continue
        spec = config.spec(decision.candidate.signal)
        assert spec is not None
        risk = max(risk, STAKES_WEIGHT.get(spec.stakes, 0.5) * detection.confidence)
        audiences = ["agent", "leads"] if decision.audience == "agent" else ["leads"]
        for audience in audiences:
            prompts.append(
                Prompt(
                    detection=detection,
                    call=call,
                    audience=audience,
                    signal_key=spec.key,
                    label=spec.cue_label[:60],
                    handoff_desk=spec.handoff_desk,
                )
            )
    Prompt.objects.bulk_create(prompts)
    if any(d.audience for d in decisions):
        call.risk = risk
        call.last_detection_at = now
    return prompts


def _event_ref(candidate: Candidate) -> str:
    if candidate.deadline_ms is not None:
        return f"{candidate.event_id}@deadline"
    return candidate.event_id


def _clamp(value: float) -> float:
    if math.isnan(value):
        return 0.0
    return min(1.0, max(0.0, value))


def _after_commit(call: Call, prompts: list[Prompt], scored: int) -> None:
    from coaching import bus
    from coaching.services.delivery import prompt_payload, prompts_publish, webhook_enqueue

    for prompt in prompts:
        if prompt.audience == "agent":
            webhook_enqueue(
                integration=call.integration, event="prompt.created", payload=prompt_payload(prompt)
            )

    def push() -> None:
        prompts_publish(prompts)
        bus.publish(
            bus.team_channel(call.team_id),
            {
                "type": "call.scored",
                "call": call.pk,
                "call_id": call.external_id,
                "events": scored,
                "detections": sum(1 for p in prompts if p.audience == "leads"),
                "risk": round(call.risk, 4),
            },
        )

    transaction.on_commit(push)


def _engine_state(call: Call) -> CallState:
    if call.engine_state:
        return CallState.from_dict(call.engine_state)
    return CallState.new(_call_meta(call))


def _route_and_save(
    call: Call, config: EffectiveConfig, result: EvalResult, now: datetime, *, events: int
) -> ScoreResult:
    """Route the engine's candidates, store them, save the call's states; push after commit.
    Runs inside the caller's transaction, with the call row locked."""
    routing = RoutingState.from_dict(call.routing_state)
    decisions = route_candidates(result.candidates, routing, config.routing)
    prompts = _store(call, config, decisions, now)
    call.engine_state = result.state.to_dict()
    call.routing_state = routing.to_dict()
    call.agent_cues = routing.agent_cues
    call.save(
        update_fields=["engine_state", "routing_state", "agent_cues", "risk", "last_detection_at"]
    )
    _after_commit(call, prompts, events)
    return ScoreResult(
        events=events,
        detections=len(decisions),
        agent_prompts=sum(1 for p in prompts if p.audience == "agent"),
    )


def call_score(*, call_pk: int, now: datetime | None = None) -> ScoreResult:
    """Score the call's unscored events in call-time order (see the module docstring)."""
    now = now or timezone.now()
    # Before reading events: a batch stored from now on enqueues a fresh task of its own.
    _release_pending(call_pk)
    with transaction.atomic():
        call = (
            Call.objects.select_for_update(of=("self",))
            .select_related("integration")
            .filter(pk=call_pk)
            .first()
        )
        if call is None:
            return ScoreResult(0, 0, 0)
        rows = list(
            CallEvent.objects.filter(call=call, scored_at__isnull=True).order_by("offset_ms", "pk")
        )
        if not rows:
            return ScoreResult(0, 0, 0)
        config = effective_config(call.team_id)
        result = evaluate(_engine_state(call), [_engine_event(r) for r in rows], config.specs)
        CallEvent.objects.filter(pk__in=[r.pk for r in rows]).update(scored_at=now)
        return _route_and_save(call, config, result, now, events=len(rows))


def call_score_deadlines(*, call_pk: int, now: datetime | None = None) -> ScoreResult:
    """Advance a live call's clock with no new utterance so compliance windows that are about to
    close on a silent line still warn in time (run by the periodic sweep)."""
    now = now or timezone.now()
    with transaction.atomic():
        call = (
            Call.objects.select_for_update(of=("self",), skip_locked=True)
            .select_related("integration")
            .filter(pk=call_pk, status=CallStatus.LIVE)
            .first()
        )
        if call is None:  # ended, or being scored right now (that run advances the clock itself)
            return ScoreResult(0, 0, 0)
        config = effective_config(call.team_id)
        if not any(s.category == "compliance" for s in config.specs):
            return ScoreResult(0, 0, 0)
        elapsed_ms = int((now - call.started_at).total_seconds() * 1000)
        result = evaluate_deadlines(_engine_state(call), config.specs, now_offset_ms=elapsed_ms)
        if not result.candidates:
            return ScoreResult(0, 0, 0)
        return _route_and_save(call, config, result, now, events=0)


def live_calls_with_deadlines() -> list[int]:
    """Live calls whose team enables a compliance signal (candidates for the deadline sweep)."""
    return list(
        Call.objects.filter(
            status=CallStatus.LIVE,
            team__enablements__enabled=True,
            team__enablements__signal__category="compliance",
        )
        .distinct()
        .values_list("pk", flat=True)
    )
