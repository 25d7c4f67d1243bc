"""API-key authentication, the per-integration rate limit, and the permission every view uses.

``Authorization: Api-Key <key>``. Platforms that cannot set headers but can put credentials in a
callback URL (Twilio) may send HTTP Basic instead, with the key as the password (any user name).
A request authenticates as an ``IntegrationUser`` (``request.user``) with the ``Integration`` as
``request.auth``.
"""

from __future__ import annotations

import base64
import binascii
import time
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from coaching.models import Integration
from coaching.services.integrations import integration_by_key
from rollout.audit import Actor

KEYWORD = "Api-Key"


@dataclass(frozen=True, slots=True)
class IntegrationUser:
    """What ``request.user`` is for an API-key request: not a person, never staff."""

    integration: Integration
    is_authenticated: bool = True
    is_active: bool = True
    is_staff: bool = False
    is_superuser: bool = False

    @property
    def actor(self) -> Actor:
        return Actor.integration(self.integration.name)

    def get_username(self) -> str:
        return f"integration:{self.integration.name}"


class ApiKeyAuthentication(BaseAuthentication):
    """``Authorization: Api-Key <key>`` (or Basic with the key as password). Unknown, revoked and
    inactive keys are all refused with the same 401."""

    def authenticate(self, request: Request) -> tuple[IntegrationUser, Integration] | None:
        header = get_authorization_header(request).split()
        if not header:
            return None
        scheme = header[0].lower()
        if scheme == KEYWORD.lower().encode():
            if len(header) != 2:
                raise exceptions.AuthenticationFailed("Send `Authorization: Api-Key <key>`.")
            key = header[1]
        elif scheme == b"basic" and len(header) == 2:
            try:
                key = base64.b64decode(header[1], validate=True).partition(b":")[2]
            except (binascii.Error, ValueError):
                raise exceptions.AuthenticationFailed("Malformed Basic credentials.") from None
        else:
            return None
        try:
            text = key.decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("Invalid API key.") from None
        integration = integration_by_key(text)
        if integration is None:
            raise exceptions.AuthenticationFailed("Invalid or revoked API key.")
        return IntegrationUser(integration), integration

    def authenticate_header(self, request: Request) -> str:
        return f'{KEYWORD} realm="api"'


class IsIntegration(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return isinstance(request.auth, Integration)


class IntegrationRateThrottle(BaseThrottle):
    """``Integration.rate_limit_per_minute`` requests per calendar minute per key (a fixed window
    counted with an atomic increment in the shared cache, so every worker sees one count)."""

    def __init__(self) -> None:
        self._wait: float | None = None

    def allow_request(self, request: Request, view: Any) -> bool:
        integration = request.auth
        if not isinstance(integration, Integration):
            return True
        now = time.time()
        window = int(now // 60)
        # The key prefix, not the pk: a rotated key starts a fresh count, ids never collide.
        key = f"api-rate:{integration.key_prefix}:{window}"
        cache.add(key, 0, timeout=120)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=120)
            count = 1
        if count <= integration.rate_limit_per_minute:
            return True
        self._wait = (window + 1) * 60 - now
        return False

    def wait(self) -> float | None:
        return self._wait


class ApiKeyScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "coaching.api.auth.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Authorization: Api-Key <key>`; a key is scoped to its "
            "integration's teams. `python manage.py create_integration` prints one.",
        }
