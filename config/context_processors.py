from typing import Any

from django.http import HttpRequest

from config.roles import AGENT, FLOOR_LEAD, OPS_ADMIN, roles_of


def nav(request: HttpRequest) -> dict[str, Any]:
    roles = roles_of(getattr(request, "user", None))
    return {
        "nav_roles": {
            OPS_ADMIN: OPS_ADMIN in roles,
            FLOOR_LEAD: FLOOR_LEAD in roles,
            AGENT: AGENT in roles,
        }
    }
