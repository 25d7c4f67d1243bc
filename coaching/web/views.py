"""The live floor: the floor leads' triage page and call timeline, the agents' cue panel.

Pages refresh themselves from the server-sent event streams in ``coaching.streams`` (the page
re-fetches its list partial when a message arrives) with a slow poll as a fallback. Scope comes
from ``coaching.selectors``: anything outside the user's calls is a 404, on every page, partial and
POST. Writes go through ``coaching.services``.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event
from django_htmx.middleware import HtmxDetails

from coaching import selectors
from coaching.errors import CoachingError
from coaching.models import PromptStatus
from coaching.services.feedback import feedback_record
from coaching.services.prompts import handoff_request, prompt_respond
from config.roles import AGENT, FLOOR_LEAD, OPS_ADMIN, role_required

#: client events fired after a successful write, so other panels on the page can refresh
FEEDBACK_RECORDED = "feedback-recorded"
CUE_UPDATED = "cue-updated"
PANEL_ACTIONS = {
    "acknowledge": PromptStatus.ACKNOWLEDGED,
    "dismiss": PromptStatus.DISMISSED,
}


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


# --- floor leads ----------------------------------------------------------------------------------


@require_GET
@role_required(FLOOR_LEAD, OPS_ADMIN)
def triage(request: HtmxHttpRequest) -> HttpResponse:
    """Live calls of the lead's teams (ops admins: all), riskiest first."""
    rows = selectors.triage_rows(request.user, timezone.now())
    template = "coaching/triage.html#triage-list" if request.htmx else "coaching/triage.html"
    return render(request, template, {"rows": rows})


@require_GET
@role_required(FLOOR_LEAD, OPS_ADMIN)
def call_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """A call's transcript with every detection inline; another team's call is a 404."""
    detail = selectors.call_detail(request.user, pk)
    template = "coaching/call_detail.html#timeline" if request.htmx else "coaching/call_detail.html"
    return render(request, template, {"detail": detail})


@require_POST
@role_required(FLOOR_LEAD, OPS_ADMIN)
def detection_feedback(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Mark a detection useful (``useful=1``) or not useful (``useful=0``)."""
    detection = selectors.detection_for_feedback(request.user, pk)
    value = request.POST.get("useful", "")
    error = ""
    if value not in {"0", "1"}:
        error = "Choose useful or not useful."
        mine = detection.feedback.filter(user=request.user).values_list("useful", flat=True).first()
    else:
        feedback, _changed = feedback_record(
            detection=detection,
            user=request.user,
            useful=value == "1",
            note=request.POST.get("note", ""),
        )
        mine = feedback.useful
    if not request.htmx:
        return redirect("coaching_web:call_detail", pk=detection.call_id)
    response = render(
        request,
        "coaching/call_detail.html#feedback",
        {"d": {"pk": detection.pk, "my_feedback": mine}, "error": error},
    )
    if not error:
        trigger_client_event(response, FEEDBACK_RECORDED, {"detection": detection.pk})
    return response


# --- agents ---------------------------------------------------------------------------------------


def _panel(request: HtmxHttpRequest, *, error: str = "", status: int = 200) -> HttpResponse:
    panel = selectors.agent_panel(request.user)
    template = (
        "coaching/agent_panel.html#agent-cues" if request.htmx else "coaching/agent_panel.html"
    )
    return render(request, template, {"panel": panel, "error": error}, status=status)


@require_GET
@role_required(AGENT)
def agent_panel(request: HtmxHttpRequest) -> HttpResponse:
    """The agent's current live call and its cues (at most the team's budget)."""
    return _panel(request)


@require_POST
@role_required(AGENT)
def cue_respond(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Acknowledge or dismiss one of the agent's own cues."""
    prompt = selectors.agent_prompt(request.user, pk)
    action = PANEL_ACTIONS.get(request.POST.get("action", ""))
    error = ""
    if action is None:
        error = "Choose acknowledge or dismiss."
    else:
        try:
            prompt_respond(prompt=prompt, action=action, actor=request.user)
        except CoachingError as exc:
            error = exc.message
    if not request.htmx:
        return redirect("coaching_web:agent_panel")
    response = _panel(request, error=error)
    if not error:
        trigger_client_event(response, CUE_UPDATED, {"prompt": prompt.pk})
    return response


@require_POST
@role_required(AGENT)
def cue_handoff(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """One-click handoff of the agent's live call to the cue's desk (save or revenue)."""
    prompt = selectors.agent_prompt(request.user, pk)
    error = ""
    try:
        handoff_request(call=prompt.call, prompt_id=prompt.pk, actor=request.user)
    except CoachingError as exc:
        error = exc.message
    if not request.htmx:
        return redirect("coaching_web:agent_panel")
    response = _panel(request, error=error)
    if not error:
        trigger_client_event(response, CUE_UPDATED, {"prompt": prompt.pk, "handoff": True})
    return response
