"""Domain errors of the rollout app. Each has a stable ``code`` and a human message."""

from __future__ import annotations

from config.errors import DomainError


class RolloutError(DomainError):
    code = "rollout_error"
    status = 409


class PolicyViolation(RolloutError):
    """An enablement the team's phase policy does not allow."""

    code = "policy_violation"
    status = 400


class ReasonRequired(RolloutError):
    code = "reason_required"
    status = 400


class PhaseGateFailed(RolloutError):
    """A gate answered fail or inconclusive and no override was given."""

    code = "phase_gate_failed"


class PhaseIncompatible(RolloutError):
    """The target phase would be broken by the current enablements."""

    code = "phase_incompatible"


class InvalidTransition(RolloutError):
    code = "invalid_transition"
    status = 400


class AgentBudgetInvalid(RolloutError):
    code = "agent_budget_invalid"
    status = 400


class InvalidSignal(RolloutError):
    code = "invalid_signal"
    status = 400
