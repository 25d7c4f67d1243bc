"""The canonical transcript format (DESIGN.md) and its strict parser.

A call is ``{"call_id", "direction", "workflows", "language", "events": [...]}``; a file holds one
call, a JSON array of calls, or JSON Lines. Parsing never guesses: a malformed field raises
``TranscriptError`` naming the field (``events[3].offset_ms``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from signals.engine.errors import TranscriptError

__all__ = [
    "MAX_TEXT_CHARS",
    "CallMeta",
    "Event",
    "Transcript",
    "TranscriptError",
    "load_calls",
    "parse_call",
    "parse_event",
    "parse_meta",
]

Speaker = Literal["agent", "customer"]
Direction = Literal["inbound", "outbound"]

SPEAKERS = ("agent", "customer")
DIRECTIONS = ("inbound", "outbound")
MAX_TEXT_CHARS = 20_000
MAX_ID_CHARS = 128


@dataclass(frozen=True, slots=True)
class Event:
    event_id: str
    speaker: Speaker
    offset_ms: int
    text: str
    end_offset_ms: int | None = None
    sentiment: float | None = None
    is_partial: bool = False
    #: upstream (vendor) category names matched on this utterance, e.g. Contact Lens categories
    categories: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "event_id": self.event_id,
            "speaker": self.speaker,
            "offset_ms": self.offset_ms,
            "text": self.text,
        }
        if self.end_offset_ms is not None:
            out["end_offset_ms"] = self.end_offset_ms
        if self.sentiment is not None:
            out["sentiment"] = self.sentiment
        if self.is_partial:
            out["is_partial"] = True
        if self.categories:
            out["categories"] = list(self.categories)
        return out


@dataclass(frozen=True, slots=True)
class CallMeta:
    call_id: str
    direction: Direction = "inbound"
    workflows: frozenset[str] = field(default_factory=frozenset)
    language: str = "en"


@dataclass(frozen=True, slots=True)
class Transcript:
    meta: CallMeta
    events: tuple[Event, ...]

    @property
    def call_id(self) -> str:
        return self.meta.call_id


def _where(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _req_str(obj: Mapping[str, Any], name: str, prefix: str, *, max_len: int = MAX_ID_CHARS) -> str:
    if name not in obj or obj[name] is None:
        raise TranscriptError("This field is required.", field=_where(prefix, name))
    value = obj[name]
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise TranscriptError("Must be a string.", field=_where(prefix, name))
    value = str(value).strip()
    if not value:
        raise TranscriptError("Must not be empty.", field=_where(prefix, name))
    if len(value) > max_len:
        raise TranscriptError(f"At most {max_len} characters.", field=_where(prefix, name))
    return value


def _int(obj: Mapping[str, Any], name: str, prefix: str, *, required: bool) -> int | None:
    value = obj.get(name)
    if value is None:
        if required:
            raise TranscriptError("This field is required.", field=_where(prefix, name))
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TranscriptError("Must be a whole number of milliseconds.", field=_where(prefix, name))
    if isinstance(value, float) and (not math.isfinite(value) or not value.is_integer()):
        raise TranscriptError("Must be a whole number of milliseconds.", field=_where(prefix, name))
    value = int(value)
    if value < 0:
        raise TranscriptError("Must not be negative.", field=_where(prefix, name))
    if value > 48 * 3600 * 1000:
        raise TranscriptError(
            "Must be within 48 hours of the call start.", field=_where(prefix, name)
        )
    return value


def parse_event(obj: Any, *, prefix: str = "") -> Event:
    """Validate one canonical event; raise ``TranscriptError`` naming the field."""
    if not isinstance(obj, Mapping):
        raise TranscriptError("Each event must be a JSON object.", field=prefix)
    event_id = _req_str(obj, "event_id", prefix)
    speaker = obj.get("speaker")
    if speaker not in SPEAKERS:
        raise TranscriptError('Must be "agent" or "customer".', field=_where(prefix, "speaker"))
    offset_ms = _int(obj, "offset_ms", prefix, required=True)
    assert offset_ms is not None
    end_offset_ms = _int(obj, "end_offset_ms", prefix, required=False)
    if end_offset_ms is not None and end_offset_ms < offset_ms:
        raise TranscriptError(
            "Must not be before offset_ms.", field=_where(prefix, "end_offset_ms")
        )
    text = obj.get("text")
    if not isinstance(text, str):
        raise TranscriptError("Must be a string.", field=_where(prefix, "text"))
    if len(text) > MAX_TEXT_CHARS:
        raise TranscriptError(f"At most {MAX_TEXT_CHARS} characters.", field=_where(prefix, "text"))
    sentiment = obj.get("sentiment")
    if sentiment is not None:
        if isinstance(sentiment, bool) or not isinstance(sentiment, (int, float)):
            raise TranscriptError(
                "Must be a number from -1 to 1.", field=_where(prefix, "sentiment")
            )
        sentiment = float(sentiment)
        if not math.isfinite(sentiment) or not -1.0 <= sentiment <= 1.0:
            raise TranscriptError(
                "Must be a number from -1 to 1.", field=_where(prefix, "sentiment")
            )
    is_partial = obj.get("is_partial", False)
    if not isinstance(is_partial, bool):
        raise TranscriptError("Must be true or false.", field=_where(prefix, "is_partial"))
    categories = obj.get("categories", [])
    if (
        not isinstance(categories, list)
        or len(categories) > 50
        or not all(isinstance(c, str) and 0 < len(c.strip()) <= 128 for c in categories)
    ):
        raise TranscriptError(
            "Must be a list of up to 50 category names.", field=_where(prefix, "categories")
        )
    return Event(
        event_id=event_id,
        speaker=speaker,
        offset_ms=offset_ms,
        text=text,
        end_offset_ms=end_offset_ms,
        sentiment=sentiment,
        is_partial=is_partial,
        categories=tuple(c.strip() for c in categories),
    )


def parse_workflows(value: Any, *, field_name: str = "workflows") -> frozenset[str]:
    if value is None:
        return frozenset()
    if not isinstance(value, list) or not all(isinstance(w, str) and w.strip() for w in value):
        raise TranscriptError('Must be a list of workflow tags such as "phi".', field=field_name)
    return frozenset(w.strip().lower() for w in value)


def parse_meta(obj: Any, *, prefix: str = "") -> CallMeta:
    if not isinstance(obj, Mapping):
        raise TranscriptError("A call must be a JSON object.", field=prefix)
    call_id = _req_str(obj, "call_id", prefix)
    direction = obj.get("direction", "inbound")
    if direction not in DIRECTIONS:
        raise TranscriptError('Must be "inbound" or "outbound".', field=_where(prefix, "direction"))
    workflows = parse_workflows(obj.get("workflows"), field_name=_where(prefix, "workflows"))
    language = obj.get("language", "en")
    if not isinstance(language, str) or not 0 < len(language) <= 16:
        raise TranscriptError(
            'Must be a language tag such as "en".', field=_where(prefix, "language")
        )
    return CallMeta(call_id=call_id, direction=direction, workflows=workflows, language=language)


def parse_call(obj: Any, *, prefix: str = "") -> Transcript:
    """Validate one canonical call (header and events)."""
    meta = parse_meta(obj, prefix=prefix)
    raw_events = obj.get("events", [])
    if not isinstance(raw_events, list):
        raise TranscriptError("Must be a list of events.", field=_where(prefix, "events"))
    events = tuple(
        parse_event(e, prefix=_where(prefix, f"events[{i}]")) for i, e in enumerate(raw_events)
    )
    return Transcript(meta=meta, events=events)


def _iter_json_values(text: str) -> Iterator[tuple[str, Any]]:
    stripped = text.strip()
    if not stripped:
        return
    if stripped[0] == "[" or "\n" not in stripped:
        try:
            value = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise TranscriptError(f"Not valid JSON: {exc.msg} (line {exc.lineno}).") from exc
        if isinstance(value, list):
            for i, item in enumerate(value):
                yield f"[{i}]", item
        else:
            yield "", value
        return
    try:  # a single pretty-printed call
        yield "", json.loads(stripped)
        return
    except json.JSONDecodeError:
        pass
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield f"line {lineno}", json.loads(line)
        except json.JSONDecodeError as exc:
            raise TranscriptError(f"Not valid JSON on line {lineno}: {exc.msg}.") from exc


def load_calls(text: str) -> Iterator[Transcript]:
    """Parse a file's text: one call, a JSON array of calls, or JSON Lines (a call a line)."""
    for where, value in _iter_json_values(text):
        try:
            yield parse_call(value)
        except TranscriptError as exc:
            if where:
                exc.field = f"{where}: {exc.field}" if exc.field else where
            raise
