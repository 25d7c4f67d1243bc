"""The ops admin control plane: the rollout board and the team page (phases, approvals, rollback,
budget, enablement matrix, density forecast). Every write goes through a rollout service."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event
from django_htmx.middleware import HtmxDetails

from config.roles import OPS_ADMIN, role_required
from rollout.errors import RolloutError
from rollout.forecast import (
    ASYNC_CALLS,
    UPLOAD_SOURCE,
    ProposedChange,
    forecast_run_create,
    forecast_run_execute,
    load_source,
    parse_upload,
    transcript_sources,
)
from rollout.models import (
    Audience,
    ForecastRun,
    ForecastStatus,
    PhaseChangeRequest,
    PhasePolicy,
    RequestStatus,
    SignalEnablement,
    Team,
)
from rollout.selectors import days_in_phase, phase_gates, phase_overdue
from rollout.services import (
    enablement_set,
    enablement_threshold_review,
    phase_advance,
    phase_rollback,
    team_budget_set,
)
from rollout.services_approvals import (
    needs_approval,
    phase_request_approve,
    phase_request_cancel,
    phase_request_create,
    phase_request_reject,
)
from rollout.web import selectors as web
from rollout.web.forms import (
    AdvanceForm,
    BudgetForm,
    DecisionForm,
    EnablementForm,
    RollbackForm,
    add_service_errors,
)
from signals.engine.errors import TranscriptError
from signals.models import Signal

#: client events fired by successful writes on the team page; the other panels listen and refresh
PHASE_CHANGED = "phase-changed"
BUDGET_CHANGED = "budget-changed"
ENABLEMENT_CHANGED = "enablement-changed"
TEAM_PARTIALS = {
    "team-header",
    "phase-panel",
    "gate-checklist",
    "timeline",
    "matrix",
    "budget-panel",
}


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _hx(request: HtmxHttpRequest) -> bool:
    return bool(request.htmx)


# --- the board ------------------------------------------------------------------------------------


@require_GET
@role_required(OPS_ADMIN)
def board(request: HtmxHttpRequest) -> HttpResponse:
    """Teams as cards in four phase columns; ``?site=`` and ``?client=`` filter (htmx-swapped)."""
    data = web.board(site=request.GET.get("site", ""), client=request.GET.get("client", ""))
    template = "rollout/board.html#board-columns" if _hx(request) else "rollout/board.html"
    return render(request, template, {"board": data})


# --- the team page --------------------------------------------------------------------------------


def _team(slug: str) -> Team:
    return get_object_or_404(Team.objects.select_related("rollout"), slug=slug)


def _team_context(team: Team, **extra: Any) -> dict[str, Any]:
    now = timezone.now()
    rollout = team.rollout
    policies = {p.phase: p for p in PhasePolicy.objects.all()}
    policy = policies[rollout.phase]
    gates = phase_gates(team, now=now)
    days = days_in_phase(rollout, now)
    max_days = policy.max_weeks * 7 if policy.max_weeks is not None else None
    scale = max(max_days or 0, policy.min_weeks * 7, days, 1)
    pending = [r for r in web.team_requests(team) if r.status == RequestStatus.PENDING]
    ctx: dict[str, Any] = {
        "team": team,
        "rollout": rollout,
        "policy": policy,
        "policies": [policies[p] for p in sorted(policies)],
        "next_policy": policies.get(rollout.phase + 1),
        "gates": gates,
        "gates_blocking": any(g.status != "pass" for g in gates),
        "days": days,
        "min_days": policy.min_weeks * 7,
        "max_days": max_days,
        "progress_pct": min(100, round(days * 100 / scale)),
        "min_pct": min(100, round(policy.min_weeks * 700 / scale)),
        "overdue": phase_overdue(rollout, now=now, policy=policy),
        "pending": pending,
        "advance_targets": list(range(rollout.phase + 1, 5)),
        "rollback_targets": list(range(1, rollout.phase)),
        "approval_phases": [p for p in range(rollout.phase + 1, 5) if needs_approval(p)],
        "transitions": web.team_transitions(team),
        "recent_requests": [r for r in web.team_requests(team)[:10] if r.status != "pending"],
        "rows": web.matrix_rows(team),
        "audiences": Audience.choices,
        "sources": transcript_sources(),
        "advance_form": AdvanceForm(initial={"to_phase": rollout.phase + 1}),
        "rollback_form": RollbackForm(),
        "budget_form": BudgetForm(
            initial={"max_agent_cues": team.max_agent_cues, "cooldown_s": team.cooldown_s}
        ),
        "phase4": rollout.phase == 4,
    }
    ctx.update(extra)
    return ctx


@require_GET
@role_required(OPS_ADMIN)
def team_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """The team page; an htmx request with ``?partial=NAME`` gets that panel only (refreshes)."""
    team = _team(slug)
    partial = request.GET.get("partial", "")
    if _hx(request) and partial in TEAM_PARTIALS:
        return render(request, f"rollout/team.html#{partial}", _team_context(team))
    return render(request, "rollout/team.html", _team_context(team))


def _done(
    request: HtmxHttpRequest,
    team: Team,
    partial: str,
    message: str,
    event: str = PHASE_CHANGED,
    **extra: Any,
) -> HttpResponse:
    """After a successful write: htmx gets the panel back plus a client event (``phase-changed``,
    ``budget-changed``) other panels refresh on; a plain form post goes back to the team page."""
    if not _hx(request):
        return redirect("rollout_web:team", slug=team.slug)
    team = _team(team.slug)
    response = render(
        request, f"rollout/team.html#{partial}", _team_context(team, flash=message, **extra)
    )
    return trigger_client_event(response, event, {"team": team.slug})


def _refused(request: Any, team: Team, partial: str, **extra: Any) -> HttpResponse:
    # 200 so htmx swaps the form with its inline errors in
    return render(request, f"rollout/team.html#{partial}", _team_context(team, **extra))


@require_POST
@role_required(OPS_ADMIN)
def team_advance(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Advance: into phases 2 and 3 this files a request a second ops admin approves; into 4 it
    advances directly. Gates are checked either way; a failing gate needs an override reason."""
    team = _team(slug)
    form = AdvanceForm(request.POST)
    if not form.is_valid():
        return _refused(request, team, "phase-panel", advance_form=form)
    d = form.cleaned_data
    try:
        if needs_approval(d["to_phase"]):
            phase_request_create(
                team=team,
                actor=request.user,
                reason=d["reason"],
                to_phase=d["to_phase"],
                override_reason=d["override_reason"],
            )
            message = f"Requested phase {d['to_phase']}: a second ops admin must approve it."
        else:
            phase_advance(
                team=team,
                actor=request.user,
                reason=d["reason"],
                to_phase=d["to_phase"],
                override_reason=d["override_reason"],
            )
            message = f"Advanced to phase {d['to_phase']}."
    except RolloutError as exc:
        add_service_errors(form, exc)
        return _refused(
            request,
            team,
            "phase-panel",
            advance_form=form,
            advance_error=exc,
            show_override=True,
        )
    return _done(request, team, "phase-panel", message)


@require_POST
@role_required(OPS_ADMIN)
def request_decide(request: HtmxHttpRequest, slug: str, pk: int, decision: str) -> HttpResponse:
    """Approve (a different ops admin than the requester), reject, or cancel a pending request."""
    team = _team(slug)
    req = get_object_or_404(PhaseChangeRequest, pk=pk, team=team)
    form = DecisionForm(request.POST)
    form.is_valid()
    note = form.cleaned_data.get("note", "")
    actions = {
        "approve": (phase_request_approve, "Approved: the team advanced to phase {}."),
        "reject": (phase_request_reject, "Rejected the request for phase {}."),
        "cancel": (phase_request_cancel, "Cancelled the request for phase {}."),
    }
    if decision not in actions:
        return HttpResponseBadRequest("unknown decision")
    service, message = actions[decision]
    try:
        service(request=req, actor=request.user, note=note)
    except RolloutError as exc:
        return _refused(request, team, "phase-panel", request_error=exc, request_error_pk=req.pk)
    return _done(request, team, "phase-panel", message.format(req.to_phase))


@require_POST
@role_required(OPS_ADMIN)
def team_rollback(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Roll back to an earlier phase (phase 1 = leads-only shadow mode). No approval; audited."""
    team = _team(slug)
    form = RollbackForm(request.POST)
    if not form.is_valid():
        return _refused(request, team, "phase-panel", rollback_form=form)
    try:
        transition = phase_rollback(
            team=team,
            actor=request.user,
            to_phase=form.cleaned_data["to_phase"],
            reason=form.cleaned_data["reason"],
        )
    except RolloutError as exc:
        add_service_errors(form, exc)
        return _refused(request, team, "phase-panel", rollback_form=form)
    demoted = ", ".join(o["signal"] for o in transition.changed_enablements)
    message = f"Rolled back to phase {transition.to_phase}." + (
        f" Now leads-only: {demoted}." if demoted else ""
    )
    return _done(request, team, "phase-panel", message)


@require_POST
@role_required(OPS_ADMIN)
def team_budget(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Set the agent density budget (2–4 cues per call, cool-down)."""
    team = _team(slug)
    form = BudgetForm(request.POST)
    if not form.is_valid():
        return _refused(request, team, "budget-panel", budget_form=form)
    try:
        team_budget_set(
            team=team,
            actor=request.user,
            max_agent_cues=form.cleaned_data["max_agent_cues"],
            cooldown_s=form.cleaned_data["cooldown_s"],
            reason=form.cleaned_data["reason"],
        )
    except RolloutError as exc:
        add_service_errors(form, exc)
        return _refused(request, team, "budget-panel", budget_form=form)
    return _done(request, team, "budget-panel", "Budget saved.", BUDGET_CHANGED)


# --- the enablement matrix ------------------------------------------------------------------------


def _row_response(
    request: Any, team: Team, row: web.MatrixRow, *, changed: bool = False
) -> HttpResponse:
    ctx = {
        "team": team,
        "row": row,
        "audiences": Audience.choices,
        "phase4": team.rollout.phase == 4,
    }
    response = render(request, "rollout/team.html#matrix-row", ctx)
    if changed:
        trigger_client_event(
            response, ENABLEMENT_CHANGED, {"team": team.slug, "signal": row.signal.key}
        )
    return response


def _proposed(form: EnablementForm) -> dict[str, Any]:
    d = form.cleaned_data if form.is_bound and hasattr(form, "cleaned_data") else {}
    return {
        "enabled": bool(d.get("enabled")) if d else form.data.get("enabled") == "on",
        "audience": d.get("audience") or form.data.get("audience", Audience.LEADS),
        "threshold": d.get("threshold") if d else form.data.get("threshold"),
        "agent_threshold": d.get("agent_threshold") if d else form.data.get("agent_threshold"),
        "reason": d.get("reason", "") if d else form.data.get("reason", ""),
    }


@require_POST
@role_required(OPS_ADMIN)
def enablement_update(request: HtmxHttpRequest, slug: str, key: str) -> HttpResponse:
    """Save one matrix row. A policy refusal comes back inline in that row; nothing is saved."""
    team = _team(slug)
    signal = get_object_or_404(Signal, key=key)
    form = EnablementForm(request.POST)
    if not form.is_valid():
        errors = "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())
        row = web.matrix_row(team, signal)
        row = web.MatrixRow(signal, row.enablement, proposed=_proposed(form), error=errors)
        return _row_response(request, team, row)
    d = form.cleaned_data
    try:
        enablement_set(
            team=team,
            signal=signal,
            actor=request.user,
            enabled=d["enabled"],
            audience=d["audience"],
            threshold=d["threshold"],
            agent_threshold=d["agent_threshold"],
            reason=d["reason"],
        )
    except RolloutError as exc:
        row = web.matrix_row(team, signal)
        row = web.MatrixRow(
            signal,
            row.enablement,
            proposed=_proposed(form),
            error=exc.message,
            rule=str(exc.details.get("rule", exc.code)),
        )
        return _row_response(request, team, row)
    row = web.matrix_row(team, signal)
    return _row_response(
        request, team, web.MatrixRow(signal, row.enablement, saved=True), changed=True
    )


@require_POST
@role_required(OPS_ADMIN)
def enablement_review(request: HtmxHttpRequest, slug: str, key: str) -> HttpResponse:
    """Record that a signal's thresholds were reviewed for this team."""
    team = _team(slug)
    signal = get_object_or_404(Signal, key=key)
    try:
        enablement_threshold_review(
            team=team,
            signal=signal,
            actor=request.user,
            note=request.POST.get("reason", ""),
        )
    except SignalEnablement.DoesNotExist:
        row = web.matrix_row(team, signal)
        message = "Enable the signal before reviewing its thresholds."
        return _row_response(request, team, web.MatrixRow(signal, row.enablement, error=message))
    row = web.matrix_row(team, signal)
    return _row_response(
        request, team, web.MatrixRow(signal, row.enablement, saved=True), changed=True
    )


# --- density forecast -----------------------------------------------------------------------------


def _forecast_response(request: Any, team: Team, **ctx: Any) -> HttpResponse:
    return render(request, "rollout/team.html#forecast", {"team": team, **ctx})


@require_POST
@role_required(OPS_ADMIN)
def forecast_create(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Forecast a row's proposed change: replay under the current and the proposed config (built
    in memory, never saved). Up to 200 calls inline; more run as ``rollout.density_forecast``."""
    team = _team(slug)
    post = request.POST
    signal = get_object_or_404(Signal, key=post.get("signal", ""))
    form = EnablementForm(post)
    if not form.is_valid():
        return _forecast_response(request, team, forecast_error="Fix the row's values first.")
    d = form.cleaned_data
    change = ProposedChange(
        signal=signal.key,
        enabled=d["enabled"],
        audience=d["audience"],
        threshold=d["threshold"],
        agent_threshold=d["agent_threshold"],
    )
    source = post.get("source", "")
    if source not in {name for name, _ in transcript_sources()}:
        return _forecast_response(request, team, forecast_error="Choose a transcript source.")
    uploaded = None
    try:
        if source == UPLOAD_SOURCE:
            upload = request.FILES.get("transcripts")
            if upload is None:
                return _forecast_response(
                    request, team, forecast_error="Choose a transcript file to upload."
                )
            uploaded = parse_upload(upload.read().decode("utf-8"))
            transcripts = uploaded
        else:
            transcripts = load_source(team, source)
    except (TranscriptError, UnicodeDecodeError, ValueError) as exc:
        return _forecast_response(
            request, team, forecast_error=f"Could not read the transcripts: {exc}"
        )
    if not transcripts:
        return _forecast_response(request, team, forecast_error="The source has no calls.")
    run = forecast_run_create(
        team=team, actor=request.user, change=change, source=source, uploaded=uploaded
    )
    if len(transcripts) > ASYNC_CALLS:
        from rollout.tasks import density_forecast

        transaction.on_commit(lambda: density_forecast.delay(run.pk))
    else:
        run = forecast_run_execute(run_id=run.pk, transcripts=transcripts)
    return _forecast_response(request, team, run=run, **_forecast_view(run))


@require_GET
@role_required(OPS_ADMIN)
def forecast_detail(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    """A forecast's progress (polled every second until done) or its result."""
    team = _team(slug)
    run = get_object_or_404(ForecastRun, pk=pk, team=team)
    return _forecast_response(request, team, run=run, **_forecast_view(run))


def _forecast_view(run: ForecastRun) -> dict[str, Any]:
    if run.status != ForecastStatus.DONE or not run.result:
        return {}
    cur, new = run.result["current"], run.result["proposed"]
    keys = sorted(set(cur["signal_rates"]) | set(new["signal_rates"]))
    empty = {"firing_rate": 0.0, "agent_cues": 0.0}
    return {
        "change": run.proposed_config.get("change", {}),
        "summary": [
            ("Median agent cues per call", cur["agent_cues_median"], new["agent_cues_median"]),
            ("p95 agent cues per call", cur["agent_cues_p95"], new["agent_cues_p95"]),
            ("Max agent cues per call", cur["agent_cues_max"], new["agent_cues_max"]),
        ],
        "calls": new["calls"],
        "rates": [
            {
                "signal": k,
                "current": cur["signal_rates"].get(k, empty),
                "proposed": new["signal_rates"].get(k, empty),
            }
            for k in keys
        ],
    }
