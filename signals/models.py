"""The signal catalog: what Coachplane can detect."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models


class SignalCategory(models.TextChoices):
    EMOTION = "emotion", "Emotion"
    COMPLIANCE = "compliance", "Compliance"
    INTENT = "intent", "Intent"


class Stakes(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class HandoffDesk(models.TextChoices):
    NONE = "", "None"
    SAVE = "save", "Save desk"
    REVENUE = "revenue", "Revenue desk"


signal_key_validator = RegexValidator(
    r"^[a-z][a-z0-9_]{1,63}$",
    "Use lowercase letters, digits and underscores, starting with a letter.",
)


class Signal(models.Model):
    """One detectable signal. ``key`` is a stable API name; ``version`` rises on every edit."""

    key = models.CharField(max_length=64, unique=True, validators=[signal_key_validator])
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    category = models.CharField(max_length=16, choices=SignalCategory.choices)
    stakes = models.CharField(max_length=8, choices=Stakes.choices, default=Stakes.MEDIUM)
    default_threshold = models.FloatField(
        default=0.7, validators=[MinValueValidator(0.0), MaxValueValidator(1.0)]
    )
    cue_label = models.CharField(
        max_length=60, help_text="Short visual label an agent sees. Never a script."
    )
    handoff_desk = models.CharField(
        max_length=16, choices=HandoffDesk.choices, default=HandoffDesk.NONE, blank=True
    )
    detector = models.CharField(max_length=40, help_text="Detector kind, e.g. intent or phrase.")
    params = models.JSONField(default=dict, blank=True)
    is_builtin = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category", "key"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(default_threshold__gte=0) & models.Q(default_threshold__lte=1),
                name="signal_default_threshold_0_1",
            ),
            models.CheckConstraint(
                condition=models.Q(category__in=SignalCategory.values),
                name="signal_category_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def is_agent_eligible_in_phase2(self) -> bool:
        return self.category == SignalCategory.COMPLIANCE or self.key == "churn_intent"
