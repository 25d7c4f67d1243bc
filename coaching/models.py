"""Live calls: integrations, calls, events, detections, prompts, feedback, handoffs, outcomes."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from rollout.models import Agent, Team
from signals.models import Signal


class Integration(models.Model):
    """A telephony platform or agent desktop calling the API. Its key is stored hashed."""

    name = models.CharField(max_length=120, unique=True)
    key_prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64)
    teams = models.ManyToManyField(Team, related_name="integrations", blank=True)
    webhook_url = models.URLField(blank=True)
    webhook_secret = models.CharField(max_length=64, blank=True)
    monitor_url_template = models.CharField(
        max_length=300,
        blank=True,
        help_text="Live-monitor link for floor leads, e.g. https://pbx.example/monitor/{call_id}",
    )
    rate_limit_per_minute = models.PositiveIntegerField(default=6000)
    active = models.BooleanField(default=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Direction(models.TextChoices):
    INBOUND = "inbound", "Inbound"
    OUTBOUND = "outbound", "Outbound"


class CallStatus(models.TextChoices):
    LIVE = "live", "Live"
    ENDED = "ended", "Ended"


class Call(models.Model):
    integration = models.ForeignKey(Integration, on_delete=models.PROTECT, related_name="calls")
    external_id = models.CharField(max_length=128, help_text="The platform's call id.")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="calls")
    agent = models.ForeignKey(
        Agent, on_delete=models.PROTECT, related_name="calls", null=True, blank=True
    )
    direction = models.CharField(max_length=8, choices=Direction.choices, default=Direction.INBOUND)
    workflows = models.JSONField(default=list, blank=True)
    language = models.CharField(max_length=16, default="en")
    status = models.CharField(max_length=8, choices=CallStatus.choices, default=CallStatus.LIVE)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    #: the engine's CallState and the router's RoutingState, as JSON
    engine_state = models.JSONField(default=dict, blank=True)
    routing_state = models.JSONField(default=dict, blank=True)
    agent_cues = models.PositiveSmallIntegerField(default=0)
    risk = models.FloatField(default=0.0)
    last_detection_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["integration", "external_id"], name="call_unique_external_id"
            )
        ]
        indexes = [models.Index(fields=["team", "status"], name="call_team_status")]

    def __str__(self) -> str:
        return self.external_id


class Speaker(models.TextChoices):
    AGENT = "agent", "Agent"
    CUSTOMER = "customer", "Customer"


class CallEvent(models.Model):
    """One utterance as received. Append-only; a partial and its final are two rows."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="events")
    event_id = models.CharField(max_length=128)
    speaker = models.CharField(max_length=8, choices=Speaker.choices)
    offset_ms = models.PositiveIntegerField()
    end_offset_ms = models.PositiveIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)
    sentiment = models.FloatField(null=True, blank=True)
    is_partial = models.BooleanField(default=False)
    #: vendor category names matched on this utterance (Contact Lens / Transcribe categories)
    categories = models.JSONField(default=list, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    scored_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["offset_ms", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "event_id", "is_partial"], name="event_unique_per_call"
            )
        ]
        indexes = [
            models.Index(
                fields=["call", "offset_ms"],
                name="event_unscored",
                condition=models.Q(scored_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.call_id}:{self.event_id}"


class PromptAudience(models.TextChoices):
    AGENT = "agent", "Agent"
    LEADS = "leads", "Floor leads"


class DetectionSource(models.TextChoices):
    ENGINE = "engine", "Coachplane engine"
    UPSTREAM = "upstream", "Upstream platform"


class Detection(models.Model):
    """Every candidate the engine produced for a call, with the routing decision and its reason."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="detections")
    signal = models.ForeignKey(Signal, on_delete=models.PROTECT, related_name="detections")
    event_ref = models.CharField(
        max_length=160, help_text="Triggering event id (or a deadline ref)."
    )
    confidence = models.FloatField(validators=[MinValueValidator(0.0), MaxValueValidator(1.0)])
    offset_ms = models.PositiveIntegerField()
    evidence = models.CharField(max_length=240, blank=True)
    deadline_ms = models.PositiveIntegerField(null=True, blank=True)
    above_threshold = models.BooleanField()
    audience = models.CharField(max_length=8, choices=PromptAudience.choices, blank=True)
    reason = models.CharField(max_length=32)
    reason_message = models.CharField(max_length=240)
    source = models.CharField(
        max_length=16, choices=DetectionSource.choices, default=DetectionSource.ENGINE
    )
    phase = models.PositiveSmallIntegerField()
    config_version = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["offset_ms", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "signal", "event_ref"], name="detection_unique_per_event"
            )
        ]

    def __str__(self) -> str:
        return f"{self.signal_id}@{self.call_id}"


class PromptStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    DISMISSED = "dismissed", "Dismissed"
    ACTED = "acted", "Acted on"


class Prompt(models.Model):
    """What one audience was shown for a detection: a visual cue, never a script."""

    detection = models.ForeignKey(Detection, on_delete=models.CASCADE, related_name="prompts")
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="prompts")
    audience = models.CharField(max_length=8, choices=PromptAudience.choices)
    signal_key = models.CharField(max_length=64)
    label = models.CharField(max_length=60)
    handoff_desk = models.CharField(max_length=16, blank=True)
    status = models.CharField(
        max_length=16, choices=PromptStatus.choices, default=PromptStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["detection", "audience"], name="prompt_unique_audience")
        ]
        indexes = [models.Index(fields=["call", "audience", "id"], name="prompt_call_audience")]

    def __str__(self) -> str:
        return f"{self.audience}:{self.signal_key}@{self.call_id}"


class Feedback(models.Model):
    """A floor lead's verdict on a detection: useful or not (reviews and gates use it)."""

    detection = models.ForeignKey(Detection, on_delete=models.CASCADE, related_name="feedback")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    useful = models.BooleanField()
    note = models.CharField(max_length=280, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["detection", "user"], name="feedback_unique_per_user")
        ]

    def __str__(self) -> str:
        return f"{'useful' if self.useful else 'not useful'}: {self.detection_id}"


class HandoffStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    DELIVERED = "delivered", "Delivered to the desk"
    FAILED = "failed", "Delivery failed"


class Handoff(models.Model):
    """A one-click transfer of a call to the cue's desk (save or revenue)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="handoffs")
    prompt = models.OneToOneField(Prompt, on_delete=models.CASCADE, related_name="handoff")
    desk = models.CharField(max_length=16)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    status = models.CharField(
        max_length=16, choices=HandoffStatus.choices, default=HandoffStatus.REQUESTED
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.desk}@{self.call_id}"


class CallOutcome(models.Model):
    """Post-call outcome reported by the platform (XLA/CX inputs)."""

    call = models.OneToOneField(Call, on_delete=models.CASCADE, related_name="outcome")
    csat = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    effort = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(7)]
    )
    resolved = models.BooleanField(null=True, blank=True)
    recorded_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"outcome of {self.call_id}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed (gave up)"


class WebhookDelivery(models.Model):
    """One signed webhook to an integration's URL, with its attempts (the delivery log)."""

    integration = models.ForeignKey(
        Integration, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=40)
    payload = models.JSONField()
    status = models.CharField(
        max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="webhook_due",
                condition=models.Q(status="pending"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.integration_id} ({self.status})"
