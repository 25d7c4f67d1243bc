"""Thin Celery entry points. Each takes ids/primitives and calls one service."""

from __future__ import annotations

from celery import shared_task

from coaching.services import delivery, rollups, scoring


@shared_task(name="coaching.score_call", ignore_result=True, acks_late=True)
def score_call(call_pk: int) -> None:
    """Score a call's unscored events in order. Idempotent: scored events are skipped."""
    scoring.call_score(call_pk=call_pk)


@shared_task(name="coaching.sweep_deadlines", ignore_result=True)
def sweep_deadlines() -> None:
    """Warn on compliance windows closing on silent live calls; re-enqueue lost scoring."""
    for call_pk in scoring.live_calls_with_deadlines():
        scoring.call_score_deadlines(call_pk=call_pk)
    for call_pk in scoring.calls_with_stale_unscored_events():
        score_call.delay(call_pk)


@shared_task(name="coaching.deliver_webhook", ignore_result=True, acks_late=True)
def deliver_webhook(delivery_pk: int) -> None:
    """One attempt at a webhook delivery; failures are rescheduled on the row, not by Celery."""
    delivery.webhook_deliver(delivery_pk=delivery_pk)


@shared_task(name="coaching.retry_webhooks", ignore_result=True)
def retry_webhooks() -> None:
    """Retry webhook deliveries whose backoff has elapsed."""
    for delivery_pk in delivery.webhooks_due():
        delivery.webhook_deliver(delivery_pk=delivery_pk)


@shared_task(name="coaching.rollup_today", ignore_result=True)
def rollup_today() -> None:
    """Rebuild today's and yesterday's per-team rollups from stored rows."""
    rollups.rollups_rebuild_recent()
