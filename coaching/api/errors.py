"""One JSON error shape for the whole API: ``{"code": ..., "message": ..., "fields": {...}}``.

``fields`` maps a flat path to its messages. Paths use dots for objects and ``[i]`` for list items,
the same spelling the engine and the adapters use: ``events[3].offset_ms``, ``csat``,
``Segments[0].Transcript.BeginOffsetMillis``. Errors about the whole body sit under
``non_field_errors``. Unexpected exceptions are left to Django (a 500, logged with its traceback).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from config.errors import DomainError
from signals.engine.errors import EngineError

NON_FIELD = "non_field_errors"

#: DRF's default codes, renamed where the default says less than it could
CODES = {
    "parse_error": "malformed_body",
    "invalid": "invalid",
}


class ErrorSerializer(serializers.Serializer):
    """The error body of every 4xx response."""

    code = serializers.CharField(help_text="Stable machine-readable code, e.g. `call_ended`.")
    message = serializers.CharField(help_text="Human-readable explanation.")
    # DRF's metaclass pops declared fields off the class, so this does not shadow ``.fields``.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Per-field messages keyed by a flat path such as `events[3].offset_ms`.",
    )


def _merge(out: dict[str, list[str]], path: str, messages: list[str]) -> None:
    out.setdefault(path or NON_FIELD, []).extend(messages)


def flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as ``{"events[3].offset_ms": ["..."]}``."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            if isinstance(key, int):
                path = f"{prefix}[{key}]"
            elif key in (NON_FIELD, api_settings.NON_FIELD_ERRORS_KEY):
                path = prefix
            else:
                path = f"{prefix}.{key}" if prefix else str(key)
            for p, msgs in flatten(value, path).items():
                _merge(out, p, msgs)
    elif isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            _merge(out, prefix, [str(item) for item in detail])
        else:
            for i, item in enumerate(detail):
                if item:
                    for p, msgs in flatten(item, f"{prefix}[{i}]").items():
                        _merge(out, p, msgs)
    else:
        _merge(out, prefix, [str(detail)])
    return out


def error_body(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict:
    return {"code": code, "message": message, "fields": fields or {}}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """``REST_FRAMEWORK["EXCEPTION_HANDLER"]``: every known error in the one shape."""
    if isinstance(exc, DomainError):
        return Response(error_body(exc.code, exc.message, exc.fields), status=exc.status)
    if isinstance(exc, EngineError):
        return Response(error_body(exc.code, exc.message, exc.as_fields()), status=400)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)  # status and headers (Retry-After, ...)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    if isinstance(exc, exceptions.ValidationError):
        fields = flatten(exc.detail)
        first_path, first = next(iter(fields.items()), (NON_FIELD, ["Invalid input."]))
        where = "" if first_path == NON_FIELD else f"{first_path}: "
        response.data = error_body("invalid", f"{where}{first[0]}", fields)
        return response
    codes = exc.get_codes()
    code = codes if isinstance(codes, str) else exc.default_code
    response.data = error_body(CODES.get(code, code), str(exc.detail))
    return response


def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """JSON 404 for any path under ``/api/v1/`` that no endpoint matches."""
    return JsonResponse(error_body("not_found", "No such endpoint."), status=404)
