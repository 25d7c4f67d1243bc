"""Thin Celery entry points. Each takes ids/primitives and calls one service."""

from __future__ import annotations

from celery import shared_task

from coaching.services import scoring


@shared_task(name="coaching.score_call", ignore_result=True, acks_late=True)
def score_call(call_pk: int) -> None:
    """Score a call's unscored events in order. Idempotent: scored events are skipped."""
    scoring.call_score(call_pk=call_pk)
