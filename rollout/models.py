"""Who sees what, when: teams, phases and their policy, enablements, transitions, the audit log."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from signals.models import Signal

WORKFLOW_CHOICES = ("phi", "tcpa")


class Role(models.TextChoices):
    OPS_ADMIN = "ops_admin", "Ops admin"
    FLOOR_LEAD = "floor_lead", "Floor lead"
    AGENT = "agent", "Agent"


class Team(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=64, unique=True)
    site = models.CharField(max_length=80, blank=True)
    client = models.CharField(max_length=80, blank=True, help_text="BPO client the team serves.")
    floor_leads = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="lead_teams", blank=True
    )
    workflows = models.JSONField(
        default=list, blank=True, help_text='Compliance tags, e.g. ["phi"].'
    )
    max_agent_cues = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(2), MaxValueValidator(4)]
    )
    cooldown_s = models.PositiveSmallIntegerField(
        default=60, validators=[MinValueValidator(0), MaxValueValidator(600)]
    )
    #: bumped by every service that changes what the team's effective config contains
    config_version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_agent_cues__gte=2) & models.Q(max_agent_cues__lte=4),
                name="team_max_agent_cues_2_4",
            ),
            models.CheckConstraint(
                condition=models.Q(cooldown_s__lte=600), name="team_cooldown_at_most_600"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Agent(models.Model):
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="agents")
    external_id = models.CharField(
        max_length=128, help_text="The agent's id on the telephony side."
    )
    display_name = models.CharField(max_length=120)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agent_profile",
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["display_name"]
        constraints = [
            models.UniqueConstraint(fields=["team", "external_id"], name="agent_unique_per_team")
        ]

    def __str__(self) -> str:
        return self.display_name


class PhasePolicy(models.Model):
    """The rules of one rollout phase. Seeded with DESIGN.md's defaults; ops admins may edit."""

    phase = models.PositiveSmallIntegerField(
        unique=True, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    name = models.CharField(max_length=80)
    min_weeks = models.PositiveSmallIntegerField()
    max_weeks = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Empty: ongoing.")
    agents_allowed = models.BooleanField(default=True)
    max_agent_signals = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Most agent-facing signals; empty: no limit."
    )
    agent_categories = models.JSONField(
        default=list, blank=True, help_text="Categories allowed to reach agents; empty: any."
    )
    agent_signals = models.JSONField(
        default=list, blank=True, help_text="Extra signal keys allowed to reach agents."
    )
    min_agent_threshold = models.FloatField(
        default=0.0, validators=[MinValueValidator(0.0), MaxValueValidator(1.0)]
    )
    changes_need_reason = models.BooleanField(
        default=False, help_text="Enablement changes are out-of-cycle and need a reason."
    )
    gate_params = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["phase"]
        verbose_name_plural = "phase policies"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(phase__gte=1) & models.Q(phase__lte=4), name="policy_phase_1_4"
            )
        ]

    def __str__(self) -> str:
        return f"Phase {self.phase}: {self.name}"

    def allows_agent_signal(self, signal: Signal) -> bool:
        if not self.agents_allowed:
            return False
        if not self.agent_categories and not self.agent_signals:
            return True
        return signal.category in self.agent_categories or signal.key in self.agent_signals


class TeamRollout(models.Model):
    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="rollout")
    phase = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    entered_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(phase__gte=1) & models.Q(phase__lte=4), name="rollout_phase_1_4"
            )
        ]

    def __str__(self) -> str:
        return f"{self.team} in phase {self.phase}"


class TransitionKind(models.TextChoices):
    ADVANCE = "advance", "Advance"
    OVERRIDE = "override", "Advance by override"
    ROLLBACK = "rollback", "Rollback"


class PhaseTransition(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="transitions")
    from_phase = models.PositiveSmallIntegerField()
    to_phase = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=16, choices=TransitionKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    reason = models.TextField(blank=True)
    override_reason = models.TextField(blank=True)
    gate_results = models.JSONField(default=list, blank=True)
    changed_enablements = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.team}: {self.from_phase} → {self.to_phase} ({self.kind})"


class Audience(models.TextChoices):
    LEADS = "leads", "Floor leads only"
    AGENTS = "agents", "Leads and agents"


class SignalEnablement(models.Model):
    """One signal for one team: on or off, who sees it, and at what confidence."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="enablements")
    signal = models.ForeignKey(Signal, on_delete=models.PROTECT, related_name="enablements")
    enabled = models.BooleanField(default=True)
    audience = models.CharField(max_length=8, choices=Audience.choices, default=Audience.LEADS)
    threshold = models.FloatField(
        null=True,
        blank=True,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text="Leads threshold; empty: the signal's default.",
    )
    agent_threshold = models.FloatField(
        null=True,
        blank=True,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text="Agent threshold when agent-facing; empty: the phase minimum or the default.",
    )
    threshold_reviewed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["team", "signal__key"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "signal"], name="enablement_unique_team_signal"
            ),
            models.CheckConstraint(
                condition=models.Q(audience__in=Audience.values), name="enablement_audience_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team.slug}:{self.signal.key}"

    @property
    def is_agent_facing(self) -> bool:
        return self.enabled and self.audience == Audience.AGENTS


class ActorType(models.TextChoices):
    USER = "user", "User"
    INTEGRATION = "integration", "Integration"
    SYSTEM = "system", "System"


class AuditEvent(models.Model):
    """Append-only record of every state change: who, what, before/after, why."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    actor_type = models.CharField(max_length=16, choices=ActorType.choices)
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="audit_events"
    )
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["team", "-created_at"], name="audit_team_time"),
            models.Index(fields=["action", "-created_at"], name="audit_action_time"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type}:{self.object_id}"


class TeamDailyRollup(models.Model):
    """Per team and day, the counts gates, guardrails and reviews read (built by coaching's rollup
    task at zero AI cost; rollout never reads live-call tables)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="rollups")
    day = models.DateField()
    calls = models.PositiveIntegerField(default=0)
    detections = models.PositiveIntegerField(default=0)
    lead_feedback = models.PositiveIntegerField(default=0)
    lead_feedback_useful = models.PositiveIntegerField(default=0)
    agent_prompts = models.PositiveIntegerField(default=0)
    agent_acknowledged = models.PositiveIntegerField(default=0)
    agent_dismissed = models.PositiveIntegerField(default=0)
    agent_acted = models.PositiveIntegerField(default=0)
    agent_ignored = models.PositiveIntegerField(default=0)
    #: per signal key: {"feedback": n, "useful": n, "agent_prompts": n, "dismissed": n, ...}
    by_signal = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["team", "day"], name="rollup_unique_team_day")
        ]

    def __str__(self) -> str:
        return f"{self.team_id} on {self.day}"


class RequestStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    CANCELLED = "cancelled", "Cancelled"


class PhaseChangeRequest(models.Model):
    """A promotion that exposes agents to new cues (into phase 2 or 3): one ops admin asks, a
    different ops admin approves (which advances the team) or rejects."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="phase_requests")
    from_phase = models.PositiveSmallIntegerField()
    to_phase = models.PositiveSmallIntegerField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField()
    override_reason = models.TextField(blank=True)
    status = models.CharField(
        max_length=16, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    transition = models.OneToOneField(
        PhaseTransition,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="request",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["team"],
                condition=models.Q(status="pending"),
                name="phase_request_one_pending_per_team",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "approved", "rejected", "cancelled"]),
                name="phase_request_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team}: → phase {self.to_phase} ({self.status})"


class ForecastStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class ForecastRun(models.Model):
    """A density forecast: replay of a transcript set under the current and a proposed config
    (built in memory, never saved as an enablement)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="forecast_runs")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    #: {"change": {...}, "current": <config>, "proposed": <config>}
    proposed_config = models.JSONField(default=dict)
    source = models.CharField(max_length=40, default="demo")
    #: canonical calls, kept only for an uploaded transcript set
    source_calls = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=16, choices=ForecastStatus.choices, default=ForecastStatus.PENDING
    )
    progress = models.PositiveSmallIntegerField(
        default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"forecast {self.pk} for {self.team} ({self.status})"
