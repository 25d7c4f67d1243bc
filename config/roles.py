"""Roles are Django groups: ``ops_admin``, ``floor_lead``, ``agent``. Checks live here, once."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

OPS_ADMIN = "ops_admin"
FLOOR_LEAD = "floor_lead"
AGENT = "agent"


def roles_of(user: Any) -> set[str]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    cached = getattr(user, "_coachplane_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached.add(OPS_ADMIN)
        user._coachplane_roles = cached
    return cached


def is_ops_admin(user: Any) -> bool:
    return OPS_ADMIN in roles_of(user)


def is_floor_lead(user: Any) -> bool:
    return FLOOR_LEAD in roles_of(user)


def is_agent(user: Any) -> bool:
    return AGENT in roles_of(user)


def role_required(
    *roles: str,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """View decorator: anonymous users go to the login page; users without a role get 403."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            if not roles_of(request.user) & set(roles):
                raise PermissionDenied("Your role cannot open this page.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
