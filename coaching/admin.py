"""Admin for ops admins: live-call records are read-only; integrations are created, revoked and
re-keyed through the services (a new key is shown once, in the confirmation message)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest

from coaching.errors import CoachingError
from coaching.models import (
    Call,
    CallEvent,
    Detection,
    Feedback,
    Handoff,
    Integration,
    Prompt,
    WebhookDelivery,
)
from coaching.services.integrations import integration_key_rotate, integration_revoke
from config.admin import ReadOnlyAdmin


@admin.register(Integration)
class IntegrationAdmin(ReadOnlyAdmin):
    list_display = ("name", "key_prefix", "active", "revoked_at", "webhook_url", "created_at")
    readonly_fields = ("key_prefix",)
    exclude = ("key_hash", "webhook_secret")
    actions = ("rotate_key", "revoke")

    @admin.action(description="Rotate the API key (the new key is shown once)")
    def rotate_key(self, request: HttpRequest, queryset: Any) -> None:
        for integration in queryset:
            try:
                _, key = integration_key_rotate(integration=integration, actor=request.user)
            except CoachingError as exc:
                self.message_user(request, f"{integration}: {exc.message}", messages.ERROR)
                continue
            self.message_user(
                request, f"{integration}: new key (shown once): {key}", messages.WARNING
            )

    @admin.action(description="Revoke (the key stops working at once)")
    def revoke(self, request: HttpRequest, queryset: Any) -> None:
        for integration in queryset:
            integration_revoke(integration=integration, actor=request.user)
        self.message_user(request, "Revoked.", messages.SUCCESS)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return obj is None and super().has_view_permission(request)  # list actions only


@admin.register(Call)
class CallAdmin(ReadOnlyAdmin):
    list_display = (
        "external_id",
        "team",
        "agent",
        "direction",
        "status",
        "agent_cues",
        "started_at",
    )
    list_filter = ("status", "team", "direction")
    search_fields = ("external_id",)
    exclude = ("engine_state", "routing_state")


@admin.register(CallEvent)
class CallEventAdmin(ReadOnlyAdmin):
    list_display = ("call", "event_id", "speaker", "offset_ms", "is_partial", "scored_at")
    search_fields = ("call__external_id", "event_id")
    exclude = ("text",)  # transcript text stays on the call page, not in admin lists


@admin.register(Detection)
class DetectionAdmin(ReadOnlyAdmin):
    list_display = ("call", "signal", "confidence", "audience", "reason", "created_at")
    list_filter = ("signal", "audience", "reason")


@admin.register(Prompt)
class PromptAdmin(ReadOnlyAdmin):
    list_display = ("call", "audience", "signal_key", "label", "status", "created_at")
    list_filter = ("audience", "status", "signal_key")


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    list_display = ("detection", "user", "useful", "created_at")


@admin.register(Handoff)
class HandoffAdmin(ReadOnlyAdmin):
    list_display = ("call", "desk", "status", "created_at")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = (
        "integration",
        "event",
        "status",
        "attempts",
        "last_status_code",
        "created_at",
        "delivered_at",
    )
    list_filter = ("status", "event")
