"""Admin for ops admins: teams, policies and the signal catalog edit through the rollout services;
everything else is read-only here (the rollout pages are where phases and enablements change)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.http import HttpRequest

from config.admin import OpsAdminPermissions, ReadOnlyAdmin
from rollout.errors import RolloutError
from rollout.models import (
    Agent,
    AuditEvent,
    PhaseChangeRequest,
    PhasePolicy,
    PhaseTransition,
    SignalEnablement,
    Team,
    TeamDailyRollup,
    TeamRollout,
)
from rollout.services import (
    POLICY_FIELDS,
    SIGNAL_FIELDS,
    policy_update,
    signal_create,
    signal_update,
    team_create,
    team_update,
)
from signals.models import Signal


class ServiceAdmin(OpsAdminPermissions, admin.ModelAdmin):  # type: ignore[type-arg]
    """Saves through a service; a refused change is shown as an error and nothing is written."""

    def save_via_service(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> Any:
        raise NotImplementedError

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        try:
            saved = self.save_via_service(request, obj, form, change)
        except RolloutError as exc:
            details = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.fields.items())
            self.message_user(request, f"{exc.message} {details}".strip(), level=messages.ERROR)
            raise _Refused from exc
        if saved is not None and saved.pk:
            obj.pk = saved.pk

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        pass  # related rows (floor leads) are written by the service

    def changeform_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().changeform_view(request, *args, **kwargs)
        except _Refused:
            from django.shortcuts import redirect

            return redirect(request.get_full_path())


class _Refused(Exception):
    pass


@admin.register(Team)
class TeamAdmin(ServiceAdmin):
    list_display = ("name", "slug", "site", "client", "phase", "max_agent_cues", "config_version")
    list_filter = ("site", "client")
    search_fields = ("name", "slug")
    fields = ("name", "slug", "site", "client", "workflows", "floor_leads")
    filter_horizontal = ("floor_leads",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("slug",) if obj else ()

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("rollout")

    @admin.display(description="phase")
    def phase(self, obj: Team) -> int:
        return obj.rollout.phase

    def save_via_service(self, request: HttpRequest, obj: Team, form: Any, change: bool) -> Team:
        data = form.cleaned_data
        leads = [u.pk for u in data.get("floor_leads", [])]
        if not change:
            team = team_create(
                name=data["name"],
                slug=data["slug"],
                site=data.get("site", ""),
                client=data.get("client", ""),
                workflows=data.get("workflows") or [],
                actor=request.user,
            )
            return team_update(
                team=team,
                actor=request.user,
                name=team.name,
                site=team.site,
                client=team.client,
                workflows=team.workflows,
                floor_lead_ids=leads,
            )
        return team_update(
            team=obj,
            actor=request.user,
            name=data["name"],
            site=data.get("site", ""),
            client=data.get("client", ""),
            workflows=data.get("workflows") or [],
            floor_lead_ids=leads,
        )


class PolicyForm(forms.ModelForm):  # type: ignore[type-arg]
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), help_text="Audited.")

    class Meta:
        model = PhasePolicy
        fields = [*POLICY_FIELDS]


@admin.register(PhasePolicy)
class PhasePolicyAdmin(ServiceAdmin):
    form = PolicyForm
    list_display = (
        "phase",
        "name",
        "min_weeks",
        "max_weeks",
        "max_agent_signals",
        "min_agent_threshold",
    )

    def has_add_permission(self, request: HttpRequest, *args: object) -> bool:
        return False  # the four phases are fixed; their rules are editable

    def save_via_service(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> Any:
        data = form.cleaned_data
        return policy_update(
            policy_phase=obj.phase,
            actor=request.user,
            reason=data["reason"],
            **{k: data[k] for k in POLICY_FIELDS},
        )


@admin.register(Signal)
class SignalAdmin(ServiceAdmin):
    list_display = (
        "key",
        "name",
        "category",
        "stakes",
        "default_threshold",
        "detector",
        "version",
        "active",
    )
    list_filter = ("category", "stakes", "active", "detector")
    search_fields = ("key", "name")
    fields = ("key", *SIGNAL_FIELDS)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("key", "version") if obj else ()

    def save_via_service(self, request: HttpRequest, obj: Signal, form: Any, change: bool) -> Any:
        values = {k: form.cleaned_data[k] for k in SIGNAL_FIELDS if k in form.cleaned_data}
        if change:
            return signal_update(signal=obj, actor=request.user, **values)
        return signal_create(key=form.cleaned_data["key"], actor=request.user, **values)


@admin.register(Agent)
class AgentAdmin(ReadOnlyAdmin):
    list_display = ("display_name", "external_id", "team", "user", "active")
    list_filter = ("team",)
    search_fields = ("display_name", "external_id")


@admin.register(TeamRollout)
class TeamRolloutAdmin(ReadOnlyAdmin):
    list_display = ("team", "phase", "entered_at")


@admin.register(PhaseTransition)
class PhaseTransitionAdmin(ReadOnlyAdmin):
    list_display = ("team", "from_phase", "to_phase", "kind", "actor", "created_at")
    list_filter = ("kind", "team")


@admin.register(SignalEnablement)
class SignalEnablementAdmin(ReadOnlyAdmin):
    list_display = ("team", "signal", "enabled", "audience", "threshold", "agent_threshold")
    list_filter = ("team", "audience", "enabled")


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "actor_label",
        "actor_type",
        "action",
        "object_type",
        "object_id",
        "team",
    )
    list_filter = ("action", "actor_type", "team")
    search_fields = ("actor_label", "object_id", "reason")


@admin.register(TeamDailyRollup)
class TeamDailyRollupAdmin(ReadOnlyAdmin):
    list_display = (
        "team",
        "day",
        "calls",
        "detections",
        "lead_feedback",
        "agent_prompts",
        "agent_dismissed",
        "agent_acted",
    )
    list_filter = ("team",)


@admin.register(PhaseChangeRequest)
class PhaseChangeRequestAdmin(ReadOnlyAdmin):
    list_display = ("team", "to_phase", "requested_by", "status", "decided_by", "created_at")
    list_filter = ("status",)


# People: ops admins add floor leads and agents and give them their role (a group).
User = get_user_model()
admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class PeopleAdmin(OpsAdminPermissions, UserAdmin):  # type: ignore[type-arg]
    list_display = ("username", "first_name", "last_name", "is_active", "roles")

    @admin.display(description="roles")
    def roles(self, obj: Any) -> str:
        return ", ".join(g.name for g in obj.groups.all())

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).prefetch_related("groups")


@admin.register(Group)
class RoleAdmin(OpsAdminPermissions, GroupAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, *args: object) -> bool:
        return False  # the three roles are fixed

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
