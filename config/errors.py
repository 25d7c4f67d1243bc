"""The base of every domain error: a stable ``code``, an HTTP ``status``, a human ``message`` and
``fields`` (field name → messages). The API renders them as ``{"code", "message", "fields"}``;
pages show ``message`` and the field messages inline."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    code = "domain_error"
    status = 400

    def __init__(
        self, message: str, *, fields: dict[str, list[str]] | None = None, **details: Any
    ) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        self.details = details
