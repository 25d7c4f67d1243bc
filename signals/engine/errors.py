"""Typed errors raised by the engine. Each names the offending field so callers can report it."""

from __future__ import annotations


class EngineError(Exception):
    """Base class: ``code`` is stable, ``field`` is a dotted path into the input (or "")."""

    code = "engine_error"

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def as_fields(self) -> dict[str, list[str]]:
        return {self.field or "non_field_errors": [self.message]}


class TranscriptError(EngineError):
    """A canonical transcript (call or event) is malformed."""

    code = "invalid_transcript"


class AdapterError(EngineError):
    """A platform payload (Contact Lens, Transcribe, CCAI, Twilio) cannot be mapped."""

    code = "invalid_payload"


class SpecError(EngineError):
    """A detector kind or its parameters are invalid."""

    code = "invalid_detector_spec"
