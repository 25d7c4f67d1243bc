from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from config.roles import is_agent, is_floor_lead, is_ops_admin


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each role to its page: ops admins to the rollout board, leads to the live floor,
    agents to their cue panel."""
    user = request.user
    if is_ops_admin(user):
        return redirect("rollout_web:board")
    if is_floor_lead(user):
        return redirect("coaching_web:triage")
    if is_agent(user):
        return redirect("coaching_web:agent_panel")
    return render(request, "no_role.html", status=403)


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
