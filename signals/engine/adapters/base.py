"""What every platform adapter returns, and the strict field readers they share.

Adapters validate what they use and ignore what they do not: an unknown extra key is harmless, a
required key that is missing or of the wrong type raises ``AdapterError`` naming its path in the
platform's own spelling (``Segments[2].Utterance.BeginOffsetMillis``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from signals.engine.errors import AdapterError, TranscriptError
from signals.engine.transcript import Event, Speaker, parse_call, parse_event

__all__ = [
    "AdapterResult",
    "to_canonical_call",
]

MAX_OFFSET_MS = 48 * 3600 * 1000

# Label sentiment (Contact Lens, Transcribe) → the canonical -1…1 score. Deliberately moderate:
# a label says "which side", not "how much", so it must not look like a strong numeric score.
# MIXED leans slightly negative: on a support call mixed feelings are usually a complaint being
# softened, and the frustration detector compares against the caller's own baseline anyway.
LABEL_SENTIMENT: dict[str, float] = {
    "POSITIVE": 0.6,
    "NEUTRAL": 0.0,
    "NEGATIVE": -0.6,
    "MIXED": -0.1,
}


@dataclass(frozen=True, slots=True)
class AdapterResult:
    """One platform payload mapped into canonical terms.

    ``call_id`` is the platform's call id when the payload carries one (Contact Lens ContactId,
    CCAI conversation id, Twilio CallSid), else ``None`` (Transcribe events do not name the call).
    ``events`` are canonical events; a partial and its final share an ``event_id``.
    ``ended`` is true when the platform says the call or stream is over (``failed`` when it ended
    abnormally). ``upstream_categories`` are the vendor's own category matches as
    ``(name, offset_ms)``, for the pipeline to treat as detections.
    """

    call_id: str | None
    events: list[Event] = field(default_factory=list)
    ended: bool = False
    failed: bool = False
    upstream_categories: list[tuple[str, int]] = field(default_factory=list)
    language: str | None = None


def join(path: str, name: str | int) -> str:
    if isinstance(name, int):
        return f"{path}[{name}]"
    return f"{path}.{name}" if path else name


def as_mapping(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise AdapterError("Must be a JSON object.", field=path)
    return value


def as_list(value: Any, path: str) -> Sequence[Any]:
    if not isinstance(value, list | tuple):
        raise AdapterError("Must be a list.", field=path)
    return value


def req_str(obj: Mapping[str, Any], name: str, path: str, *, max_len: int = 20_000) -> str:
    value = obj.get(name)
    where = join(path, name)
    if value is None:
        raise AdapterError("This field is required.", field=where)
    if not isinstance(value, str):
        raise AdapterError("Must be a string.", field=where)
    if len(value) > max_len:
        raise AdapterError(f"At most {max_len} characters.", field=where)
    return value


def req_id(obj: Mapping[str, Any], name: str, path: str) -> str:
    value = req_str(obj, name, path, max_len=256).strip()
    if not value:
        raise AdapterError("Must not be empty.", field=join(path, name))
    return value


def opt_str(obj: Mapping[str, Any], name: str, path: str, *, max_len: int = 256) -> str | None:
    if obj.get(name) is None:
        return None
    return req_str(obj, name, path, max_len=max_len)


def req_ms(obj: Mapping[str, Any], name: str, path: str) -> int:
    value = opt_ms(obj, name, path)
    if value is None:
        raise AdapterError("This field is required.", field=join(path, name))
    return value


def opt_ms(obj: Mapping[str, Any], name: str, path: str) -> int | None:
    value = obj.get(name)
    where = join(path, name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise AdapterError("Must be a whole number of milliseconds.", field=where)
    if isinstance(value, float) and (not math.isfinite(value) or not value.is_integer()):
        raise AdapterError("Must be a whole number of milliseconds.", field=where)
    ms = int(value)
    if not 0 <= ms <= MAX_OFFSET_MS:
        raise AdapterError("Must be between 0 and 48 hours in milliseconds.", field=where)
    return ms


def opt_bool(obj: Mapping[str, Any], name: str, path: str, *, default: bool = False) -> bool:
    value = obj.get(name)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise AdapterError("Must be true or false.", field=join(path, name))
    return value


def opt_label_sentiment(obj: Mapping[str, Any], name: str, path: str) -> float | None:
    value = obj.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or value.upper() not in LABEL_SENTIMENT:
        raise AdapterError("Must be POSITIVE, NEUTRAL, NEGATIVE or MIXED.", field=join(path, name))
    return LABEL_SENTIMENT[value.upper()]


def parse_timestamp(value: Any, path: str) -> datetime:
    """An RFC 3339 timestamp with a zone (``2024-05-01T10:00:03.250Z``) as an aware datetime."""
    if not isinstance(value, str) or not value.strip():
        raise AdapterError("Must be an RFC 3339 timestamp.", field=path)
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    # Python < 3.11 parsers and some platforms disagree on fractional digits: keep at most 6.
    if "." in text:
        head, _, rest = text.partition(".")
        digits = len(rest) - len(rest.lstrip("0123456789"))
        frac, zone = rest[:digits], rest[digits:]
        text = f"{head}.{frac[:6].ljust(6, '0')}{zone}" if frac else head + zone
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise AdapterError("Must be an RFC 3339 timestamp.", field=path) from None
    if moment.tzinfo is None:
        raise AdapterError("Must include a time zone (for example Z).", field=path)
    return moment


def offset_between(start: datetime, moment: datetime, path: str) -> int:
    """Milliseconds from ``start`` to ``moment``; a moment slightly before the start counts as 0."""
    ms = round((moment - start).total_seconds() * 1000)
    if ms < -5_000:
        raise AdapterError("Is before the call started.", field=path)
    ms = max(ms, 0)
    if ms > MAX_OFFSET_MS:
        raise AdapterError("Must be within 48 hours of the call start.", field=path)
    return ms


def make_event(
    path: str,
    *,
    event_id: str,
    speaker: Speaker,
    offset_ms: int,
    text: str,
    end_offset_ms: int | None = None,
    sentiment: float | None = None,
    is_partial: bool = False,
) -> Event:
    """Build a canonical event through the canonical parser, so both paths enforce one contract."""
    if end_offset_ms is not None and end_offset_ms < offset_ms:
        end_offset_ms = offset_ms  # platforms occasionally round the end below the start
    raw: dict[str, Any] = {
        "event_id": event_id[:128],
        "speaker": speaker,
        "offset_ms": offset_ms,
        "text": text,
        "end_offset_ms": end_offset_ms,
        "sentiment": sentiment,
        "is_partial": is_partial,
    }
    try:
        return parse_event(raw)
    except TranscriptError as exc:
        raise AdapterError(exc.message, field=path) from None


def category_event(name: str, offset_ms: int) -> Event:
    """A vendor category match as a canonical event (``categories`` set, no text). Its id derives
    from the match, so the same match delivered twice is one event."""
    return Event(
        event_id=f"category:{name}@{offset_ms}"[:128],
        speaker="customer",
        offset_ms=offset_ms,
        text="",
        categories=(name,),
    )


def _latest(results: Iterable[AdapterResult]) -> tuple[str | None, list[Event], list[Any], str]:
    call_id: str | None = None
    by_id: dict[str, Event] = {}
    categories: list[Any] = []
    language = ""
    for result in results:
        call_id = call_id or result.call_id
        language = language or (result.language or "")
        for event in result.events:
            known = by_id.get(event.event_id)
            # A final replaces its partials; a late partial never replaces a final.
            if known is None or known.is_partial or not event.is_partial:
                by_id[event.event_id] = event
        for name, offset in result.upstream_categories:
            item = {"name": name, "offset_ms": offset}
            if item not in categories:
                categories.append(item)
                category = category_event(name, offset)
                by_id.setdefault(category.event_id, category)
    events = sorted(by_id.values(), key=lambda e: e.offset_ms)
    return call_id, events, categories, language


def to_canonical_call(
    result: AdapterResult | Iterable[AdapterResult],
    *,
    call_id: str | None = None,
    direction: str = "inbound",
    workflows: Iterable[str] = (),
    language: str | None = None,
) -> dict[str, Any]:
    """One canonical call dict (DESIGN.md format) from one or more adapter results of one call.

    Events keep their latest version per ``event_id`` (a final replaces its partials) in call-time
    order. ``call_id`` defaults to the id the payloads carry. Vendor category matches become
    category events (``category_event``), as the API stores them, and are also listed under
    ``upstream_categories`` for readers (ignored by the canonical parser). Raises ``AdapterError``
    when no call id is known or the header is invalid.
    """
    results = [result] if isinstance(result, AdapterResult) else list(result)
    found_id, events, categories, found_language = _latest(results)
    chosen_id = call_id or found_id
    if not chosen_id:
        raise AdapterError("No call id in the payloads; pass call_id.", field="call_id")
    lang = language or _short_language(found_language) or "en"
    call: dict[str, Any] = {
        "call_id": chosen_id,
        "direction": direction,
        "workflows": sorted(set(workflows)),
        "language": lang,
        "events": [e.to_dict() for e in events],
    }
    if categories:
        call["upstream_categories"] = categories
    try:
        parse_call(call)
    except TranscriptError as exc:
        raise AdapterError(exc.message, field=exc.field) from None
    return call


def _short_language(code: str) -> str:
    """``en-US`` → ``en`` (the canonical ``language`` is a primary tag)."""
    return code.split("-")[0].split("_")[0].lower()[:16]
