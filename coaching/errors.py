"""Domain errors of the coaching app. Each has a stable ``code``, an HTTP ``status`` and a message.

The API exception handler renders them as ``{"code", "message", "fields"}``; services raise them
before writing anything, so a refused request leaves no rows behind.
"""

from __future__ import annotations

from config.errors import DomainError


class CoachingError(DomainError):
    code = "coaching_error"
    status = 400


class UnknownTeam(CoachingError):
    """No such team for this integration (the same answer whether it exists or is out of scope)."""

    code = "unknown_team"


class IntegrationInvalid(CoachingError):
    code = "integration_invalid"


class IntegrationRevoked(CoachingError):
    code = "integration_revoked"
    status = 409


class CallNotFound(CoachingError):
    code = "call_not_found"
    status = 404


class CallConflict(CoachingError):
    """A replayed start names a different team than the call already has."""

    code = "call_conflict"
    status = 409


class CallEnded(CoachingError):
    """New events (or a handoff) for a call that has ended."""

    code = "call_ended"
    status = 409


class CallIdRequired(CoachingError):
    """A platform payload that does not name its call (Transcribe) needs ``?call_id=``."""

    code = "call_id_required"


class BatchTooLarge(CoachingError):
    code = "batch_too_large"


class PromptNotFound(CoachingError):
    code = "prompt_not_found"
    status = 404


class PromptAlreadyActed(CoachingError):
    """A prompt the agent acted on (e.g. a handoff) cannot be re-labelled dismissed/acknowledged."""

    code = "prompt_already_acted"
    status = 409


class InvalidPromptAction(CoachingError):
    code = "invalid_prompt_action"


class NoHandoffDesk(CoachingError):
    code = "no_handoff_desk"


class InvalidOutcome(CoachingError):
    code = "invalid_outcome"
