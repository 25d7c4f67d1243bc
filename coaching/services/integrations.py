"""Integrations and their API keys.

A key looks like ``<prefix>.<secret>``: the 8-character ``prefix`` is stored in the clear (unique,
for lookup), the whole key only as a SHA-256 hex digest. The key is returned once, on creation or
rotation, and never stored or logged in the clear. A webhook signing secret is generated when the
integration has a webhook URL (it has to be stored as is: it signs outbound requests).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from coaching.errors import IntegrationInvalid, IntegrationRevoked, UnknownTeam
from coaching.models import Integration
from rollout.audit import Actor, audit_record
from rollout.models import Team

Who = Actor | AbstractBaseUser | AnonymousUser | None

KEY_PREFIX_CHARS = 8
KEY_SEPARATOR = "."
MAX_RATE_LIMIT_PER_MINUTE = 1_000_000


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _new_key() -> tuple[str, str]:
    """A fresh ``(key, prefix)`` whose prefix no integration uses yet."""
    for _ in range(5):
        prefix = secrets.token_hex(KEY_PREFIX_CHARS // 2)
        if not Integration.objects.filter(key_prefix=prefix).exists():
            return f"{prefix}{KEY_SEPARATOR}{secrets.token_urlsafe(32)}", prefix
    raise RuntimeError("Could not find a free key prefix.")  # 16^8 prefixes: effectively never


def integration_by_key(key: str) -> Integration | None:
    """The active integration a presented key belongs to, or ``None`` (constant-time compare)."""
    prefix, sep, secret = key.partition(KEY_SEPARATOR)
    if not sep or len(prefix) != KEY_PREFIX_CHARS or not secret:
        return None
    integration = Integration.objects.filter(key_prefix=prefix).first()
    if integration is None:
        # Still hash, so an unknown prefix costs about as much as a wrong secret.
        hmac.compare_digest(key_hash(key), "0" * 64)
        return None
    if not hmac.compare_digest(key_hash(key), integration.key_hash):
        return None
    if not integration.active or integration.revoked_at is not None:
        return None
    return integration


def _validate(webhook_url: str, monitor_url_template: str, rate_limit_per_minute: int) -> None:
    fields: dict[str, list[str]] = {}
    if webhook_url:
        try:
            URLValidator(schemes=["https", "http"])(webhook_url)
        except DjangoValidationError:
            fields["webhook_url"] = ["Enter a valid http(s) URL."]
    if monitor_url_template and (
        "{call_id}" not in monitor_url_template or len(monitor_url_template) > 300
    ):
        fields["monitor_url_template"] = ["Must contain {call_id} and be at most 300 characters."]
    if not 1 <= rate_limit_per_minute <= MAX_RATE_LIMIT_PER_MINUTE:
        fields["rate_limit_per_minute"] = [f"Must be from 1 to {MAX_RATE_LIMIT_PER_MINUTE}."]
    if fields:
        raise IntegrationInvalid("The integration settings are invalid.", fields=fields)


def integration_create(
    *,
    name: str,
    team_slugs: Sequence[str],
    actor: Who,
    webhook_url: str = "",
    monitor_url_template: str = "",
    rate_limit_per_minute: int = 6000,
) -> tuple[Integration, str]:
    """Create an integration scoped to ``team_slugs``; return it and its API key (shown once).

    Audited as ``integration.create`` (the key itself is never recorded).
    """
    name = name.strip()
    if not name or len(name) > 120:
        raise IntegrationInvalid(
            "Give the integration a name.", fields={"name": ["1 to 120 characters."]}
        )
    slugs = sorted({s.strip() for s in team_slugs if s.strip()})
    if not slugs:
        raise IntegrationInvalid(
            "An integration needs at least one team.", fields={"teams": ["Name a team."]}
        )
    _validate(webhook_url, monitor_url_template, rate_limit_per_minute)
    teams = list(Team.objects.filter(slug__in=slugs).order_by("slug"))
    missing = sorted(set(slugs) - {t.slug for t in teams})
    if missing:
        raise UnknownTeam(
            f"Unknown team: {', '.join(missing)}.", fields={"teams": [f"No team {missing[0]}."]}
        )
    with transaction.atomic():
        if Integration.objects.filter(name=name).exists():
            raise IntegrationInvalid(
                "An integration with this name exists.", fields={"name": ["Already taken."]}
            )
        key, prefix = _new_key()
        integration = Integration.objects.create(
            name=name,
            key_prefix=prefix,
            key_hash=key_hash(key),
            webhook_url=webhook_url,
            webhook_secret=secrets.token_hex(32) if webhook_url else "",
            monitor_url_template=monitor_url_template,
            rate_limit_per_minute=rate_limit_per_minute,
        )
        integration.teams.set(teams)
        audit_record(
            actor=actor,
            action="integration.create",
            obj=integration,
            team=teams[0] if len(teams) == 1 else None,
            after={
                "name": name,
                "teams": slugs,
                "key_prefix": prefix,
                "webhook_url": webhook_url,
                "monitor_url_template": monitor_url_template,
                "rate_limit_per_minute": rate_limit_per_minute,
            },
        )
    return integration, key


def integration_revoke(*, integration: Integration, actor: Who, reason: str = "") -> Integration:
    """Revoke an integration's key for good: every request with it is refused (401). Idempotent;
    audited as ``integration.revoke``."""
    with transaction.atomic():
        integration = Integration.objects.select_for_update().get(pk=integration.pk)
        if integration.revoked_at is not None and not integration.active:
            return integration
        before = {"active": integration.active, "revoked_at": None}
        integration.active = False
        integration.revoked_at = timezone.now()
        integration.save(update_fields=["active", "revoked_at"])
        audit_record(
            actor=actor,
            action="integration.revoke",
            obj=integration,
            before=before,
            after={"active": False, "revoked_at": integration.revoked_at.isoformat()},
            reason=reason,
        )
    return integration


def integration_key_rotate(
    *, integration: Integration, actor: Who, reason: str = ""
) -> tuple[Integration, str]:
    """Replace an integration's key; the old key stops working at once. Returns the new key
    (shown once). Refused for a revoked integration. Audited as ``integration.key_rotate``."""
    with transaction.atomic():
        integration = Integration.objects.select_for_update().get(pk=integration.pk)
        if integration.revoked_at is not None or not integration.active:
            raise IntegrationRevoked("This integration is revoked; create a new one.")
        old_prefix = integration.key_prefix
        key, prefix = _new_key()
        integration.key_prefix = prefix
        integration.key_hash = key_hash(key)
        integration.save(update_fields=["key_prefix", "key_hash"])
        audit_record(
            actor=actor,
            action="integration.key_rotate",
            obj=integration,
            before={"key_prefix": old_prefix},
            after={"key_prefix": prefix},
            reason=reason,
        )
    return integration, key
