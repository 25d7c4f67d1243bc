"""The audit trail: one ``AuditEvent`` per state change, written inside the change's transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models

from rollout.models import ActorType, AuditEvent, Team


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is asking: a person, an integration (by name) or the system itself."""

    type: str
    label: str
    user: Any = None

    @classmethod
    def of(cls, who: Actor | AbstractBaseUser | AnonymousUser | None) -> Actor:
        if isinstance(who, Actor):
            return who
        if who is None or not getattr(who, "is_authenticated", False):
            return cls(type=ActorType.SYSTEM, label="system")
        return cls(type=ActorType.USER, label=who.get_username(), user=who)

    @classmethod
    def system(cls, label: str = "system") -> Actor:
        return cls(type=ActorType.SYSTEM, label=label)

    @classmethod
    def integration(cls, name: str) -> Actor:
        return cls(type=ActorType.INTEGRATION, label=name)


def audit_record(
    *,
    actor: Actor | AbstractBaseUser | AnonymousUser | None,
    action: str,
    obj: models.Model,
    team: Team | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    """Write one audit event. Call it inside the service's ``transaction.atomic`` block."""
    who = Actor.of(actor)
    return AuditEvent.objects.create(
        actor=who.user,
        actor_type=who.type,
        actor_label=who.label,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        team=team,
        before=before,
        after=after,
        reason=reason,
    )
