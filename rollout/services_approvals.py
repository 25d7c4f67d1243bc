"""Four-eyes promotions: advancing a team into phase 2 or 3 exposes agents to new cues, so one ops
admin asks and a *different* ops admin approves it (which runs ``phase_advance``) or rejects.

Advancing into phase 4 needs no second approval; rollbacks never do.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from rollout.audit import Actor, audit_record
from rollout.errors import InvalidTransition, PhaseGateFailed, ReasonRequired, RolloutError
from rollout.models import PhaseChangeRequest, RequestStatus, Team, TeamRollout
from rollout.selectors import phase_gates
from rollout.services import Who, phase_advance

#: promotions into these phases need a second ops admin's approval
APPROVAL_PHASES = frozenset({2, 3})


class ApprovalRefused(RolloutError):
    """The requester tried to approve their own request, or the request is no longer pending."""

    code = "approval_refused"
    status = 403


def needs_approval(to_phase: int) -> bool:
    return to_phase in APPROVAL_PHASES


def _request_snapshot(req: PhaseChangeRequest) -> dict[str, object]:
    return {
        "from_phase": req.from_phase,
        "to_phase": req.to_phase,
        "status": req.status,
        "requested_by": req.requested_by.get_username() if req.requested_by else None,
        "override_reason": req.override_reason,
    }


def phase_request_create(
    *,
    team: Team,
    actor: Who,
    reason: str,
    to_phase: int | None = None,
    override_reason: str = "",
    now: datetime | None = None,
) -> PhaseChangeRequest:
    """Ask for a promotion into phase 2 or 3. Checked now as ``phase_advance`` would check it (gates
    pass, or an override reason is given) and re-checked at approval."""
    if not reason.strip():
        raise ReasonRequired(
            "Say why the team is ready to advance.", fields={"reason": ["A reason is required."]}
        )
    now = now or timezone.now()
    with transaction.atomic():
        rollout = TeamRollout.objects.select_for_update().get(team=team)
        current = rollout.phase
        target = current + 1 if to_phase is None else to_phase
        if not current < target <= 4:
            raise InvalidTransition(
                f"Advance goes from phase {current} to a later phase, not {target}.",
                fields={"to_phase": [f"Choose {current + 1}–4." if current < 4 else "None."]},
            )
        if not needs_approval(target):
            raise InvalidTransition(
                f"Advancing into phase {target} needs no approval: advance directly.",
                fields={"to_phase": ["No approval needed."]},
            )
        if PhaseChangeRequest.objects.filter(team=team, status=RequestStatus.PENDING).exists():
            raise InvalidTransition(
                "This team already has a pending phase change request.",
                fields={"to_phase": ["Decide or cancel the pending request first."]},
            )
        team.rollout = rollout
        gates = phase_gates(team, now=now)
        blocking = [g for g in gates if g.status != "pass"]
        skip = target > current + 1
        if (blocking or skip) and not override_reason.strip():
            what = "; ".join(f"{g.label}: {g.status} — {g.message}" for g in blocking)
            if skip:
                what = (
                    what + "; " if what else ""
                ) + f"skipping to phase {target} needs an override"
            raise PhaseGateFailed(
                f"Cannot advance to phase {target}: {what}",
                fields={"override_reason": ["Give an override reason to advance anyway."]},
                gates=[g.as_dict() for g in gates],
            )
        req = PhaseChangeRequest.objects.create(
            team=team,
            from_phase=current,
            to_phase=target,
            requested_by=Actor.of(actor).user,
            reason=reason,
            override_reason=override_reason,
        )
        audit_record(
            actor=actor,
            action="phase_request.create",
            obj=req,
            team=team,
            after={**_request_snapshot(req), "gates": [g.as_dict() for g in gates]},
            reason=reason,
        )
    return req


def _lock_pending(request_id: int) -> PhaseChangeRequest:
    req = (
        PhaseChangeRequest.objects.select_for_update(of=("self",))
        .select_related("team", "requested_by")
        .get(pk=request_id)
    )
    if req.status != RequestStatus.PENDING:
        raise ApprovalRefused(f"This request is already {req.status}.")
    return req


def phase_request_approve(
    *, request: PhaseChangeRequest, actor: Who, note: str = "", now: datetime | None = None
) -> PhaseChangeRequest:
    """Approve a pending promotion as a second ops admin: runs ``phase_advance`` with the request's
    reasons and the approver as actor (gates re-checked now). The requester cannot approve."""
    who = Actor.of(actor)
    now = now or timezone.now()
    with transaction.atomic():
        # lock order: rollout row first (as every phase service does), then the request
        TeamRollout.objects.select_for_update().get(team_id=request.team_id)
        req = _lock_pending(request.pk)
        if who.user is None or (
            req.requested_by_id is not None and req.requested_by_id == who.user.pk
        ):
            raise ApprovalRefused(
                "A second ops admin must approve: you requested this change.",
                fields={"approval": ["Ask another ops admin to approve."]},
            )
        if req.team.rollout.phase != req.from_phase:
            raise InvalidTransition(
                f"The team moved to phase {req.team.rollout.phase} since this request "
                f"(from phase {req.from_phase}); reject it and ask again."
            )
        requester = req.requested_by.get_username() if req.requested_by else "unknown"
        transition = phase_advance(
            team=req.team,
            actor=actor,
            reason=f"{req.reason} (requested by {requester}, approved by {who.label})",
            to_phase=req.to_phase,
            override_reason=req.override_reason,
            now=now,
        )
        before = _request_snapshot(req)
        req.status = RequestStatus.APPROVED
        req.decided_by = who.user
        req.decided_at = now
        req.decision_note = note
        req.transition = transition
        req.save(
            update_fields=["status", "decided_by", "decided_at", "decision_note", "transition"]
        )
        audit_record(
            actor=actor,
            action="phase_request.approve",
            obj=req,
            team=req.team,
            before=before,
            after={**_request_snapshot(req), "transition": transition.pk},
            reason=note,
        )
    return req


def _close(
    *, request: PhaseChangeRequest, actor: Who, note: str, status: str, now: datetime | None
) -> PhaseChangeRequest:
    with transaction.atomic():
        req = _lock_pending(request.pk)
        before = _request_snapshot(req)
        req.status = status
        req.decided_by = Actor.of(actor).user
        req.decided_at = now or timezone.now()
        req.decision_note = note
        req.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        audit_record(
            actor=actor,
            action=f"phase_request.{'reject' if status == RequestStatus.REJECTED else 'cancel'}",
            obj=req,
            team=req.team,
            before=before,
            after=_request_snapshot(req),
            reason=note,
        )
    return req


def phase_request_reject(
    *, request: PhaseChangeRequest, actor: Who, note: str, now: datetime | None = None
) -> PhaseChangeRequest:
    """Reject a pending promotion (any ops admin, with a note). Nothing else changes."""
    if not note.strip():
        raise ReasonRequired(
            "Say why the request is rejected.", fields={"decision_note": ["A note is required."]}
        )
    return _close(request=request, actor=actor, note=note, status=RequestStatus.REJECTED, now=now)


def phase_request_cancel(
    *, request: PhaseChangeRequest, actor: Who, note: str = "", now: datetime | None = None
) -> PhaseChangeRequest:
    """Withdraw a pending promotion (typically by its requester)."""
    return _close(request=request, actor=actor, note=note, status=RequestStatus.CANCELLED, now=now)
