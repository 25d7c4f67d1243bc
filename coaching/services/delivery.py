"""Delivery of what scoring found: live-bus pushes and signed outbound webhooks.

Webhooks: ``POST`` JSON to the integration's URL with
``X-Coachplane-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the secret>``,
plus ``X-Coachplane-Event`` and ``X-Coachplane-Delivery``. A failed attempt (network error, timeout,
non-2xx) is retried with exponential backoff (5 s, 10 s, 20 s … capped at 10 min) up to
``WEBHOOK_MAX_ATTEMPTS``; every attempt is kept on the ``WebhookDelivery`` row (the delivery log).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from datetime import datetime, timedelta
from typing import Any

import httpx
from django.db import transaction
from django.utils import timezone

from coaching import bus
from coaching.models import DeliveryStatus, Integration, Prompt, WebhookDelivery

log = logging.getLogger(__name__)

WEBHOOK_MAX_ATTEMPTS = 8
WEBHOOK_TIMEOUT_S = 5.0
SIGNATURE_TOLERANCE_S = 300


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The signature header value for ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify(secret: str, body: bytes, header: str, *, now: float | None = None) -> bool:
    """Check a signature header as a receiver would (constant time, with a replay window)."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
        given = parts["v1"]
    except (KeyError, ValueError):
        return False
    if abs((now if now is not None else time.time()) - timestamp) > SIGNATURE_TOLERANCE_S:
        return False
    expected = sign(secret, body, timestamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, given)


def webhook_enqueue(
    *, integration: Integration, event: str, payload: dict[str, Any]
) -> WebhookDelivery | None:
    """Record a webhook for delivery and send it once the current transaction commits.

    Returns ``None`` when the integration has no webhook URL.
    """
    if not integration.webhook_url or not integration.active:
        return None
    delivery = WebhookDelivery.objects.create(
        integration=integration, event=event, payload=payload, next_attempt_at=timezone.now()
    )
    from coaching.tasks import deliver_webhook

    transaction.on_commit(lambda: deliver_webhook.delay(delivery.pk))
    return delivery


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(600, 5 * 2 ** max(0, attempts - 1)))


def webhook_deliver(*, delivery_pk: int, now: datetime | None = None) -> WebhookDelivery:
    """Make one attempt at a pending delivery.

    Idempotent: delivered or given-up rows are left alone; a row another worker is sending right now
    is skipped."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .select_related("integration")
            .filter(pk=delivery_pk, status=DeliveryStatus.PENDING)
            .first()
        )
        if delivery is None:
            return WebhookDelivery.objects.get(pk=delivery_pk)
        integration = delivery.integration
        body = json.dumps(
            {"id": delivery.pk, "event": delivery.event, "data": delivery.payload},
            separators=(",", ":"),
        ).encode()
        stamp = int(time.time())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "Coachplane-Webhooks/1",
            "X-Coachplane-Event": delivery.event,
            "X-Coachplane-Delivery": str(delivery.pk),
            "X-Coachplane-Signature": sign(integration.webhook_secret, body, stamp),
        }
        delivery.attempts += 1
        try:
            response = httpx.post(
                integration.webhook_url, content=body, headers=headers, timeout=WEBHOOK_TIMEOUT_S
            )
            delivery.last_status_code = response.status_code
            delivery.last_error = "" if response.is_success else f"HTTP {response.status_code}"
            ok = response.is_success
        except httpx.HTTPError as exc:
            delivery.last_error = f"{type(exc).__name__}"[:300]
            ok = False
        now = now or timezone.now()
        if ok:
            delivery.status = DeliveryStatus.DELIVERED
            delivery.delivered_at = now
            delivery.next_attempt_at = None
        elif delivery.attempts >= WEBHOOK_MAX_ATTEMPTS:
            delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = None
            log.warning("webhook %s to integration %s gave up", delivery.pk, integration.pk)
        else:
            delivery.next_attempt_at = now + _backoff(delivery.attempts)
        delivery.save()
    return delivery


def webhooks_due(*, now: datetime | None = None, limit: int = 200) -> list[int]:
    """Ids of pending deliveries whose next attempt is due (for the periodic retry)."""
    now = now or timezone.now()
    return list(
        WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def prompt_payload(prompt: Prompt) -> dict[str, Any]:
    detection = prompt.detection
    return {
        "prompt_id": prompt.pk,
        "call_id": prompt.call.external_id,
        "audience": prompt.audience,
        "signal": prompt.signal_key,
        "event_id": detection.event_ref,
        "label": prompt.label,
        "handoff_desk": prompt.handoff_desk or None,
        "confidence": round(detection.confidence, 4),
        "offset_ms": detection.offset_ms,
        "deadline_ms": detection.deadline_ms,
        "created_at": prompt.created_at.isoformat(),
    }


def prompts_publish(prompts: list[Prompt]) -> None:
    """Push new prompts to the live bus: leads' team channel, the agent's channel and the
    integration's stream. Runs after commit."""
    for prompt in prompts:
        call = prompt.call
        message = {"type": "prompt", **prompt_payload(prompt)}
        if prompt.audience == "agent":
            if call.agent_id:
                bus.publish(bus.agent_channel(call.agent_id), message)
            bus.publish(bus.integration_channel(call.integration_id), message)
        else:
            bus.publish(bus.team_channel(call.team_id), message)
