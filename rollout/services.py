"""Every write of the rollout app: atomic, validated against the phase policy, audited.

A refused change raises a ``RolloutError`` subclass and writes nothing (no row, no audit event).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from rollout.audit import Actor, audit_record
from rollout.errors import (
    AgentBudgetInvalid,
    InvalidSignal,
    InvalidTransition,
    PhaseGateFailed,
    PhaseIncompatible,
    PolicyViolation,
    ReasonRequired,
)
from rollout.models import (
    WORKFLOW_CHOICES,
    Audience,
    PhaseTransition,
    SignalEnablement,
    Team,
    TeamRollout,
    TransitionKind,
)
from rollout.selectors import agent_threshold_for, phase_gates, policy_for, policy_offenders
from signals.engine.detectors import validate_detector
from signals.engine.errors import SpecError
from signals.models import Signal, SignalCategory

Who = Actor | AbstractBaseUser | AnonymousUser | None


def _bump_config(team: Team) -> None:
    Team.objects.filter(pk=team.pk).update(config_version=F("config_version") + 1)
    team.refresh_from_db(fields=["config_version"])


def _lock_rollout(team: Team) -> TeamRollout:
    return TeamRollout.objects.select_for_update().get(team=team)


def _enablement_snapshot(e: SignalEnablement | None) -> dict[str, Any] | None:
    if e is None:
        return None
    return {
        "signal": e.signal.key,
        "enabled": e.enabled,
        "audience": e.audience,
        "threshold": e.threshold,
        "agent_threshold": e.agent_threshold,
    }


def _check_threshold(name: str, value: float | None) -> None:
    if value is not None and not 0.0 <= value <= 1.0:
        raise PolicyViolation(
            "Thresholds are confidences from 0 to 1.", fields={name: ["Must be from 0 to 1."]}
        )


# --- teams ----------------------------------------------------------------------------------------


def team_create(
    *,
    name: str,
    slug: str,
    actor: Who,
    site: str = "",
    client: str = "",
    workflows: list[str] | None = None,
    max_agent_cues: int = 3,
    cooldown_s: int = 60,
    now: datetime | None = None,
) -> Team:
    """Create a team in phase 1 (leads only) with its rollout row. Audited."""
    workflows = sorted(set(workflows or []))
    unknown = [w for w in workflows if w not in WORKFLOW_CHOICES]
    if unknown:
        raise PolicyViolation(
            f"Unknown workflow tags: {', '.join(unknown)}.",
            fields={"workflows": [f"Choose from {', '.join(WORKFLOW_CHOICES)}."]},
        )
    _check_budget(max_agent_cues, cooldown_s)
    if Team.objects.filter(slug=slug).exists():
        raise PolicyViolation("A team with this slug exists.", fields={"slug": ["Already taken."]})
    with transaction.atomic():
        team = Team.objects.create(
            name=name,
            slug=slug,
            site=site,
            client=client,
            workflows=workflows,
            max_agent_cues=max_agent_cues,
            cooldown_s=cooldown_s,
        )
        TeamRollout.objects.create(team=team, phase=1, entered_at=now or timezone.now())
        audit_record(
            actor=actor,
            action="team.create",
            obj=team,
            team=team,
            after={"name": name, "slug": slug, "workflows": workflows, "phase": 1},
        )
    return team


def _check_budget(max_agent_cues: int, cooldown_s: int) -> None:
    if not 2 <= max_agent_cues <= 4:
        raise AgentBudgetInvalid(
            "An agent sees 2 to 4 cues per call at most.",
            fields={"max_agent_cues": ["Must be from 2 to 4."]},
        )
    if not 0 <= cooldown_s <= 600:
        raise AgentBudgetInvalid(
            "The cool-down is 0 to 600 seconds.", fields={"cooldown_s": ["Must be 0 to 600."]}
        )


def team_budget_set(
    *, team: Team, actor: Who, max_agent_cues: int, cooldown_s: int, reason: str = ""
) -> Team:
    """Change a team's agent density budget (2–4 cues per call, cool-down seconds). Audited."""
    _check_budget(max_agent_cues, cooldown_s)
    with transaction.atomic():
        rollout = _lock_rollout(team)
        if policy_for(rollout.phase).changes_need_reason and not reason.strip():
            raise ReasonRequired(
                "Steady-state changes are out of cycle: give a reason.",
                fields={"reason": ["A reason is required in phase 4."]},
            )
        team = Team.objects.select_for_update().get(pk=team.pk)
        before = {"max_agent_cues": team.max_agent_cues, "cooldown_s": team.cooldown_s}
        after = {"max_agent_cues": max_agent_cues, "cooldown_s": cooldown_s}
        if before == after:
            return team
        Team.objects.filter(pk=team.pk).update(**after)
        _bump_config(team)
        team.refresh_from_db()
        audit_record(
            actor=actor,
            action="team.budget_set",
            obj=team,
            team=team,
            before=before,
            after=after,
            reason=reason,
        )
    return team


# --- enablements ----------------------------------------------------------------------------------


def enablement_set(
    *,
    team: Team,
    signal: Signal,
    actor: Who,
    enabled: bool = True,
    audience: str = Audience.LEADS,
    threshold: float | None = None,
    agent_threshold: float | None = None,
    reason: str = "",
) -> SignalEnablement:
    """Enable/disable a signal for a team, choose who sees it and at what confidence.

    Refused (``PolicyViolation``/``ReasonRequired``) when the team's phase policy does not allow it.
    """
    if audience not in Audience.values:
        raise PolicyViolation(
            "Unknown audience.", fields={"audience": [f"Choose from {', '.join(Audience.values)}."]}
        )
    _check_threshold("threshold", threshold)
    _check_threshold("agent_threshold", agent_threshold)
    with transaction.atomic():
        rollout = _lock_rollout(team)
        policy = policy_for(rollout.phase)
        existing = (
            SignalEnablement.objects.select_for_update()
            .select_related("signal")
            .filter(team=team, signal=signal)
            .first()
        )
        if enabled and not signal.active:
            raise InvalidSignal(
                f"{signal.key} is retired and cannot be enabled.", fields={"signal": ["Retired."]}
            )
        if policy.changes_need_reason and not reason.strip():
            raise ReasonRequired(
                f"Phase {policy.phase} is steady state: changes are out of cycle and need a "
                "reason.",
                fields={"reason": ["A reason is required in this phase."]},
            )
        if enabled and audience == Audience.AGENTS:
            _check_agent_enablement(team, signal, policy, threshold, agent_threshold)
        before = _enablement_snapshot(existing)
        enablement = existing or SignalEnablement(team=team, signal=signal)
        enablement.enabled = enabled
        enablement.audience = audience
        enablement.threshold = threshold
        enablement.agent_threshold = agent_threshold
        after = _enablement_snapshot(enablement)
        if before == after:
            return enablement
        enablement.save()
        _bump_config(team)
        if policy.changes_need_reason and after is not None:
            after = {**after, "out_of_cycle": True}
        audit_record(
            actor=actor,
            action="enablement.set",
            obj=enablement,
            team=team,
            before=before,
            after=after,
            reason=reason,
        )
    return enablement


def _check_agent_enablement(
    team: Team,
    signal: Signal,
    policy: Any,
    threshold: float | None,
    agent_threshold: float | None,
) -> None:
    if not policy.agents_allowed:
        raise PolicyViolation(
            f"Phase {policy.phase} is leads only: agents see no signals yet.",
            fields={"audience": ["Agents cannot be an audience in this phase."]},
            rule="leads_only_phase",
        )
    if not policy.allows_agent_signal(signal):
        allowed = ", ".join([*policy.agent_categories, *policy.agent_signals])
        raise PolicyViolation(
            f"In phase {policy.phase} only these may reach agents: {allowed}. "
            f"{signal.key} is a {signal.category} signal.",
            fields={"audience": ["This signal cannot reach agents in this phase."]},
            rule="category_not_allowed",
        )
    if policy.max_agent_signals is not None:
        others = list(
            SignalEnablement.objects.filter(team=team, enabled=True, audience=Audience.AGENTS)
            .exclude(signal=signal)
            .values_list("signal__key", flat=True)
            .order_by("signal__key")
        )
        if len(others) >= policy.max_agent_signals:
            raise PolicyViolation(
                f"Phase {policy.phase} allows at most {policy.max_agent_signals} agent-facing "
                f"signals; already agent-facing: {', '.join(others)}.",
                fields={"audience": [f"At most {policy.max_agent_signals} agent-facing signals."]},
                rule="too_many_agent_signals",
            )
    probe = SignalEnablement(threshold=threshold, agent_threshold=agent_threshold)
    effective = agent_threshold_for(probe, signal, policy)
    if effective < policy.min_agent_threshold:
        raise PolicyViolation(
            f"Phase {policy.phase} needs an agent threshold of at least "
            f"{policy.min_agent_threshold:.2f}.",
            fields={"agent_threshold": [f"At least {policy.min_agent_threshold:.2f}."]},
            rule="agent_threshold_below_minimum",
        )
    leads = threshold if threshold is not None else signal.default_threshold
    if effective < leads:
        raise PolicyViolation(
            "The agent threshold must be at least the leads threshold (agents see less, later).",
            fields={"agent_threshold": [f"At least the leads threshold {leads:.2f}."]},
            rule="agent_threshold_below_leads",
        )


def enablement_threshold_review(
    *, team: Team, signal: Signal, actor: Who, note: str = "", now: datetime | None = None
) -> SignalEnablement:
    """Record that a signal's thresholds were reviewed for this team (the phase-3 gate and the
    monthly review read it)."""
    with transaction.atomic():
        _lock_rollout(team)
        enablement = SignalEnablement.objects.select_for_update().get(team=team, signal=signal)
        before = {"threshold_reviewed_at": _iso(enablement.threshold_reviewed_at)}
        enablement.threshold_reviewed_at = now or timezone.now()
        enablement.save(update_fields=["threshold_reviewed_at", "updated_at"])
        audit_record(
            actor=actor,
            action="enablement.threshold_reviewed",
            obj=enablement,
            team=team,
            before=before,
            after={
                "threshold_reviewed_at": _iso(enablement.threshold_reviewed_at),
                "threshold": enablement.threshold,
                "agent_threshold": enablement.agent_threshold,
            },
            reason=note,
        )
    return enablement


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


# --- phases ---------------------------------------------------------------------------------------


def phase_advance(
    *,
    team: Team,
    actor: Who,
    reason: str,
    to_phase: int | None = None,
    override_reason: str = "",
    now: datetime | None = None,
) -> PhaseTransition:
    """Move a team to a later phase when its gates pass.

    Fail or inconclusive gates refuse (``PhaseGateFailed``) unless ``override_reason`` is given;
    a skip (more than one phase) also needs an override. A target phase that the current
    enablements would break is refused (``PhaseIncompatible``) with the offending enablements
    listed.
    """
    if not reason.strip():
        raise ReasonRequired(
            "Say why the team is ready to advance.", fields={"reason": ["A reason is required."]}
        )
    now = now or timezone.now()
    with transaction.atomic():
        rollout = _lock_rollout(team)
        current = rollout.phase
        target = current + 1 if to_phase is None else to_phase
        if current >= 4:
            raise InvalidTransition("Phase 4 is steady state: there is no later phase.")
        if not current < target <= 4:
            raise InvalidTransition(
                f"Advance goes from phase {current} to a later phase (up to 4), not {target}.",
                fields={"to_phase": [f"Choose {current + 1}–4."]},
            )
        gates = phase_gates(team, now=now)
        gate_dicts = [g.as_dict() for g in gates]
        blocking = [g for g in gates if g.status != "pass"]
        skip = target > current + 1
        if (blocking or skip) and not override_reason.strip():
            what = "; ".join(f"{g.label}: {g.status} — {g.message}" for g in blocking)
            if skip:
                skip_note = f"skipping to phase {target} needs an override"
                what = f"{what}; {skip_note}" if what else skip_note
            raise PhaseGateFailed(
                f"Cannot advance to phase {target}: {what}",
                fields={"override_reason": ["Give an override reason to advance anyway."]},
                gates=gate_dicts,
            )
        offenders = policy_offenders(team, policy_for(target))
        if offenders:
            listing = ", ".join(f"{o['signal']} ({o['rule']})" for o in offenders)
            raise PhaseIncompatible(
                f"Phase {target} would be broken by the current enablements: {listing}.",
                offenders=offenders,
            )
        kind = TransitionKind.OVERRIDE if (blocking or skip) else TransitionKind.ADVANCE
        before = {"phase": current, "entered_at": rollout.entered_at.isoformat()}
        rollout.phase = target
        rollout.entered_at = now
        rollout.save(update_fields=["phase", "entered_at"])
        transition = PhaseTransition.objects.create(
            team=team,
            from_phase=current,
            to_phase=target,
            kind=kind,
            actor=Actor.of(actor).user,
            reason=reason,
            override_reason=override_reason,
            gate_results=gate_dicts,
        )
        _bump_config(team)
        audit_record(
            actor=actor,
            action="phase.override" if kind == TransitionKind.OVERRIDE else "phase.advance",
            obj=rollout,
            team=team,
            before=before,
            after={
                "phase": target,
                "entered_at": now.isoformat(),
                "gates": gate_dicts,
                "override_reason": override_reason,
            },
            reason=reason,
        )
    return transition


def phase_rollback(
    *, team: Team, actor: Who, to_phase: int, reason: str, now: datetime | None = None
) -> PhaseTransition:
    """Roll a team back to an earlier phase (phase 1 = leads-only shadow mode). Always allowed with
    a reason; agent-facing enablements the target phase does not allow become leads-only (kept)."""
    if not reason.strip():
        raise ReasonRequired(
            "Say why the team is rolling back.", fields={"reason": ["A reason is required."]}
        )
    now = now or timezone.now()
    with transaction.atomic():
        rollout = _lock_rollout(team)
        current = rollout.phase
        if not 1 <= to_phase < current:
            raise InvalidTransition(
                f"Rollback goes from phase {current} to an earlier phase, not {to_phase}.",
                fields={"to_phase": [f"Choose 1–{current - 1}." if current > 1 else "None."]},
            )
        offenders = policy_offenders(team, policy_for(to_phase))
        demoted = [o["signal"] for o in offenders]
        if demoted:
            SignalEnablement.objects.filter(team=team, signal__key__in=demoted).update(
                audience=Audience.LEADS, updated_at=now
            )
        before = {"phase": current, "entered_at": rollout.entered_at.isoformat()}
        rollout.phase = to_phase
        rollout.entered_at = now
        rollout.save(update_fields=["phase", "entered_at"])
        transition = PhaseTransition.objects.create(
            team=team,
            from_phase=current,
            to_phase=to_phase,
            kind=TransitionKind.ROLLBACK,
            actor=Actor.of(actor).user,
            reason=reason,
            changed_enablements=offenders,
        )
        _bump_config(team)
        audit_record(
            actor=actor,
            action="phase.rollback",
            obj=rollout,
            team=team,
            before=before,
            after={"phase": to_phase, "entered_at": now.isoformat(), "demoted_to_leads": offenders},
            reason=reason,
        )
    return transition


# --- the signal catalog ---------------------------------------------------------------------------


SIGNAL_FIELDS = (
    "name",
    "description",
    "category",
    "stakes",
    "default_threshold",
    "cue_label",
    "handoff_desk",
    "detector",
    "params",
    "active",
)


def _validate_signal_fields(values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    if values.get("category") not in SignalCategory.values:
        errors["category"] = [f"Choose from {', '.join(SignalCategory.values)}."]
    thr = values.get("default_threshold")
    if not isinstance(thr, (int, float)) or not 0 <= thr <= 1:
        errors["default_threshold"] = ["Must be from 0 to 1."]
    if not str(values.get("cue_label", "")).strip():
        errors["cue_label"] = ["An agent cue needs a short label."]
    elif len(values["cue_label"]) > 60:
        errors["cue_label"] = ["At most 60 characters: a cue is a label, never a script."]
    try:
        values["params"] = validate_detector(values.get("detector", ""), values.get("params") or {})
    except SpecError as exc:
        errors[exc.field or "params"] = [exc.message]
    if errors:
        raise InvalidSignal("The signal is not valid.", fields=errors)
    return values


def signal_create(*, key: str, actor: Who, **fields: Any) -> Signal:
    """Add a signal to the catalog (for ops admins: phrase/pattern detectors, no code)."""
    from signals.models import signal_key_validator

    values = {
        "description": "",
        "stakes": "medium",
        "default_threshold": 0.8,
        "handoff_desk": "",
        "params": {},
        "active": True,
        **fields,
    }
    try:
        signal_key_validator(key)
    except Exception as exc:  # noqa: BLE001 - Django's ValidationError, re-shaped
        message = str(exc.messages[0])  # type: ignore[attr-defined]
        raise InvalidSignal("The signal key is not valid.", fields={"key": [message]}) from exc
    if Signal.objects.filter(key=key).exists():
        raise InvalidSignal("A signal with this key exists.", fields={"key": ["Already taken."]})
    values = _validate_signal_fields(values)
    with transaction.atomic():
        signal = Signal.objects.create(
            key=key, **{k: values[k] for k in SIGNAL_FIELDS if k in values}
        )
        audit_record(
            actor=actor,
            action="signal.create",
            obj=signal,
            after={"key": key, **{k: values.get(k) for k in SIGNAL_FIELDS}},
        )
    return signal


def signal_update(*, signal: Signal, actor: Who, reason: str = "", **changes: Any) -> Signal:
    """Edit a signal; bumps its version and the config version of every team that enables it."""
    unknown = set(changes) - set(SIGNAL_FIELDS)
    if unknown:
        raise InvalidSignal(f"Unknown fields: {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        signal = Signal.objects.select_for_update().get(pk=signal.pk)
        before = {k: getattr(signal, k) for k in SIGNAL_FIELDS}
        values = _validate_signal_fields({**before, **changes})
        after = {k: values[k] for k in SIGNAL_FIELDS}
        if before == after:
            return signal
        for k, v in after.items():
            setattr(signal, k, v)
        signal.version = F("version") + 1
        signal.save()
        signal.refresh_from_db()
        Team.objects.filter(enablements__signal=signal).update(
            config_version=F("config_version") + 1
        )
        audit_record(
            actor=actor,
            action="signal.update",
            obj=signal,
            before=before,
            after={**after, "version": signal.version},
            reason=reason,
        )
    return signal


# --- teams and policy (admin edits) ---------------------------------------------------------------


def team_update(
    *,
    team: Team,
    actor: Who,
    name: str,
    site: str = "",
    client: str = "",
    workflows: list[str] | None = None,
    floor_lead_ids: list[int] | None = None,
    reason: str = "",
) -> Team:
    """Edit a team's descriptive fields, workflows and floor leads. Audited; a workflow change bumps
    the config version (compliance detectors read the call's workflows, the team's are defaults)."""
    workflows = sorted(set(workflows or []))
    unknown = [w for w in workflows if w not in WORKFLOW_CHOICES]
    if unknown:
        raise PolicyViolation(
            f"Unknown workflow tags: {', '.join(unknown)}.",
            fields={"workflows": [f"Choose from {', '.join(WORKFLOW_CHOICES)}."]},
        )
    with transaction.atomic():
        team = Team.objects.select_for_update().get(pk=team.pk)
        leads_before = sorted(team.floor_leads.values_list("pk", flat=True))
        before = {
            "name": team.name,
            "site": team.site,
            "client": team.client,
            "workflows": team.workflows,
            "floor_leads": leads_before,
        }
        after = {
            "name": name,
            "site": site,
            "client": client,
            "workflows": workflows,
            "floor_leads": sorted(floor_lead_ids) if floor_lead_ids is not None else leads_before,
        }
        if before == after:
            return team
        team.name, team.site, team.client, team.workflows = name, site, client, workflows
        team.save(update_fields=["name", "site", "client", "workflows"])
        if floor_lead_ids is not None:
            team.floor_leads.set(floor_lead_ids)
        if before["workflows"] != workflows:
            _bump_config(team)
        audit_record(
            actor=actor,
            action="team.update",
            obj=team,
            team=team,
            before=before,
            after=after,
            reason=reason,
        )
    return team


POLICY_FIELDS = (
    "name",
    "min_weeks",
    "max_weeks",
    "agents_allowed",
    "max_agent_signals",
    "agent_categories",
    "agent_signals",
    "min_agent_threshold",
    "changes_need_reason",
    "gate_params",
)


def policy_update(*, policy_phase: int, actor: Who, reason: str, **changes: Any) -> Any:
    """Edit a phase policy (ops admins tune the defaults). Needs a reason; audited; bumps the config
    version of every team in that phase. Existing enablements are not changed: the next advance
    into the phase checks them against the new rules."""
    from rollout.models import PhasePolicy

    if not reason.strip():
        raise ReasonRequired(
            "Say why the policy changes.", fields={"reason": ["A reason is required."]}
        )
    unknown = set(changes) - set(POLICY_FIELDS)
    if unknown:
        raise PolicyViolation(f"Unknown policy fields: {', '.join(sorted(unknown))}.")
    errors: dict[str, list[str]] = {}
    if "min_agent_threshold" in changes and not 0 <= changes["min_agent_threshold"] <= 1:
        errors["min_agent_threshold"] = ["Must be from 0 to 1."]
    if "max_agent_signals" in changes and changes["max_agent_signals"] not in (None, *range(0, 9)):
        errors["max_agent_signals"] = ["Must be 0 to 8, or empty for no limit."]
    if errors:
        raise PolicyViolation("The policy is not valid.", fields=errors)
    with transaction.atomic():
        policy = PhasePolicy.objects.select_for_update().get(phase=policy_phase)
        before = {k: getattr(policy, k) for k in POLICY_FIELDS}
        after = {**before, **changes}
        if (
            after["max_weeks"] is not None
            and after["min_weeks"] is not None
            and after["max_weeks"] < after["min_weeks"]
        ):
            raise PolicyViolation(
                "The maximum duration is shorter than the minimum.",
                fields={"max_weeks": ["At least the minimum weeks."]},
            )
        if before == after:
            return policy
        for key, value in changes.items():
            setattr(policy, key, value)
        policy.save()
        Team.objects.filter(rollout__phase=policy_phase).update(
            config_version=F("config_version") + 1
        )
        audit_record(
            actor=actor,
            action="policy.update",
            obj=policy,
            before=before,
            after=after,
            reason=reason,
        )
    return policy
