"""Platform payloads mapped into canonical events (see each module).

Per platform, one function the API layer calls for each payload it receives:

- ``contact_lens.to_events(payload)``
- ``transcribe.to_events(payload)``
- ``google_ccai.to_events(payload, *, started_at=None)``
- ``twilio.to_events(fields, *, customer_track="inbound_track", started_at=None, state=None)``

Each returns an ``AdapterResult`` or raises ``AdapterError`` naming the offending field.
``to_canonical_call`` folds results into a canonical call dict; ``load_platform_file`` does it for a
file of one platform's payloads (for ``manage.py replay`` and the samples in ``docs/samples/``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from signals.engine.adapters import contact_lens, google_ccai, transcribe, twilio
from signals.engine.adapters.base import AdapterResult, parse_timestamp, to_canonical_call
from signals.engine.errors import AdapterError

__all__ = [
    "PLATFORMS",
    "AdapterResult",
    "contact_lens",
    "google_ccai",
    "load_platform_file",
    "to_canonical_call",
    "transcribe",
    "twilio",
]

PLATFORMS = ("contact_lens", "transcribe", "google_ccai", "twilio")
MAX_PAYLOADS = 100_000


def _platform(name: str) -> str:
    key = name.strip().lower().replace("-", "_")
    if key not in PLATFORMS:
        raise AdapterError(
            f"Unknown platform; use one of {', '.join(PLATFORMS)}.", field="platform"
        )
    return key


def _header(doc: Any) -> tuple[list[Any], Mapping[str, Any]]:
    """A file is a JSON array of payloads, or ``{"payloads": [...], <call header fields>}``."""
    if isinstance(doc, list):
        return doc, {}
    if isinstance(doc, Mapping) and isinstance(doc.get("payloads"), list):
        return doc["payloads"], doc
    raise AdapterError(
        'Must be a JSON array of payloads or an object with a "payloads" array.', field=""
    )


def _started_at(header: Mapping[str, Any]) -> datetime | None:
    value = header.get("started_at")
    return None if value is None else parse_timestamp(value, "started_at")


def _results(platform: str, payloads: list[Any], header: Mapping[str, Any]) -> list[AdapterResult]:
    started_at = _started_at(header)
    convert: Callable[[Any], AdapterResult]
    if platform == "contact_lens":
        convert = contact_lens.to_events
    elif platform == "transcribe":
        convert = transcribe.to_events
    elif platform == "google_ccai":
        if started_at is None:
            times = [t for p in payloads for t in _times(p)]
            started_at = min(times) if times else None
        start = started_at

        def convert(payload: Any) -> AdapterResult:
            return google_ccai.to_events(payload, started_at=start)

    else:
        track = header.get("customer_track", "inbound_track")
        if not isinstance(track, str):
            raise AdapterError("Must be inbound_track or outbound_track.", field="customer_track")
        state = twilio.TwilioStreamState()
        start = started_at

        def convert(payload: Any) -> AdapterResult:
            return twilio.to_events(payload, customer_track=track, started_at=start, state=state)

    out = []
    for i, payload in enumerate(payloads):
        try:
            out.append(convert(payload))
        except AdapterError as exc:
            exc.field = f"[{i}].{exc.field}" if exc.field else f"[{i}]"
            raise
    return out


def _times(payload: Any) -> list[datetime]:
    try:
        return google_ccai.message_times(payload)
    except AdapterError:
        return []  # reported with its index by the conversion that follows


def load_platform_file(platform: str, text: str) -> list[dict[str, Any]]:
    """Canonical call dicts from a file of one platform's payloads, in arrival order.

    The file is a JSON array of payloads (for Twilio: of callback form-field dicts), or an object
    ``{"payloads": [...], "call_id", "direction", "workflows", "language", "started_at",
    "customer_track"}`` whose optional header fields say what the payloads cannot. Payloads of
    several calls (different ContactId/CallSid/conversation) yield one call each, in first-seen
    order. Raises ``AdapterError`` with the payload index in the field path (``[3].Segments[0]``).
    """
    key = _platform(platform)
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise AdapterError(f"Not valid JSON: {exc}.", field="") from None
    payloads, header = _header(doc)
    if len(payloads) > MAX_PAYLOADS:
        raise AdapterError(f"At most {MAX_PAYLOADS} payloads per file.", field="")
    results = _results(key, payloads, header)
    call_id = header.get("call_id")
    if call_id is not None and not isinstance(call_id, str):
        raise AdapterError("Must be a string.", field="call_id")
    groups: dict[str | None, list[AdapterResult]] = {}
    for result in results:
        groups.setdefault(call_id or result.call_id, []).append(result)
    if None in groups and len(groups) > 1:
        # Payloads that do not name their call (Transcribe) belong to the call the file is about.
        orphans = groups.pop(None)
        groups[next(iter(groups))].extend(orphans)
    workflows = header.get("workflows") or []
    if not isinstance(workflows, list) or not all(isinstance(w, str) for w in workflows):
        raise AdapterError('Must be a list of workflow tags such as "phi".', field="workflows")
    direction = header.get("direction", "inbound")
    language = header.get("language")
    if language is not None and not isinstance(language, str):
        raise AdapterError('Must be a language tag such as "en".', field="language")
    return [
        to_canonical_call(
            group,
            call_id=cid or f"{key}-call",
            direction=direction if isinstance(direction, str) else "",
            workflows=workflows,
            language=language,
        )
        for cid, group in groups.items()
    ]
