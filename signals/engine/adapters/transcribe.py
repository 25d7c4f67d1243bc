"""Amazon Transcribe Call Analytics streaming results → canonical events.

Accepted payloads (one stream's result events, as the SDK yields them):

- ``{"UtteranceEvent": {...}}`` or ``{"CategoryEvent": {...}}`` (the event-stream union),
- the bare ``UtteranceEvent`` / ``CategoryEvent`` object,
- a list of any of these.

``UtteranceEvent``: ``UtteranceId`` (shared by a partial and its final, so it is the canonical
``event_id``), ``ParticipantRole`` AGENT/CUSTOMER, ``BeginOffsetMillis``, ``EndOffsetMillis``,
``Transcript``, ``IsPartial``, ``Sentiment`` (POSITIVE 0.6, NEUTRAL 0.0, NEGATIVE -0.6, MIXED -0.1).
``Items``, ``Entities`` and ``IssuesDetected`` must be lists when present and are otherwise unused.

``CategoryEvent``: ``MatchedCategories`` names become upstream categories at the
``BeginOffsetMillis`` of each ``MatchedDetails[name].TimestampRanges`` entry (or, without ranges, at
the latest utterance offset in the same payload, else 0).

Transcribe events do not name the call (the stream does): ``call_id`` is ``None`` and the caller
supplies it. The stream's end is not an event either, so ``ended`` is always false.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from signals.engine.adapters.base import (
    AdapterResult,
    as_list,
    as_mapping,
    join,
    make_event,
    opt_bool,
    opt_label_sentiment,
    opt_ms,
    opt_str,
    req_id,
    req_ms,
    req_str,
)
from signals.engine.errors import AdapterError
from signals.engine.transcript import Event, Speaker

__all__ = ["to_events"]

ROLES: dict[str, Speaker] = {"AGENT": "agent", "CUSTOMER": "customer"}
MAX_EVENTS_PER_PAYLOAD = 10_000


def _utterance(obj: Mapping[str, Any], path: str) -> Event:
    role = obj.get("ParticipantRole")
    if not isinstance(role, str) or role.upper() not in ROLES:
        raise AdapterError("Must be AGENT or CUSTOMER.", field=join(path, "ParticipantRole"))
    event_id = req_id(obj, "UtteranceId", path)
    text = req_str(obj, "Transcript", path)
    begin = req_ms(obj, "BeginOffsetMillis", path)
    end = opt_ms(obj, "EndOffsetMillis", path)
    is_partial = opt_bool(obj, "IsPartial", path)
    sentiment = opt_label_sentiment(obj, "Sentiment", path)
    for name in ("Items", "Entities", "IssuesDetected"):
        if obj.get(name) is not None:
            as_list(obj[name], join(path, name))
    return make_event(
        path,
        event_id=event_id,
        speaker=ROLES[role.upper()],
        offset_ms=begin,
        text=text,
        end_offset_ms=end,
        sentiment=sentiment,
        # Sentiment is only attached to finals by Transcribe; a partial's label would be unstable.
        is_partial=is_partial,
    )


def _category(obj: Mapping[str, Any], path: str) -> list[tuple[str, int | None]]:
    names_path = join(path, "MatchedCategories")
    names = as_list(obj.get("MatchedCategories"), names_path)
    details_raw = obj.get("MatchedDetails")
    details = {} if details_raw is None else as_mapping(details_raw, join(path, "MatchedDetails"))
    out: list[tuple[str, int | None]] = []
    for i, name in enumerate(names):
        if not isinstance(name, str) or not name.strip():
            raise AdapterError("Must be a category name.", field=join(names_path, i))
        detail_path = join(join(path, "MatchedDetails"), name)
        offsets: list[int | None] = []
        if details.get(name) is not None:
            detail = as_mapping(details[name], detail_path)
            ranges_path = join(detail_path, "TimestampRanges")
            for j, rng in enumerate(as_list(detail.get("TimestampRanges", []), ranges_path)):
                rng = as_mapping(rng, join(ranges_path, j))
                offsets.append(req_ms(rng, "BeginOffsetMillis", join(ranges_path, j)))
        for offset in offsets or [None]:
            out.append((name.strip(), offset))
    return out


def _items(payload: Any) -> Sequence[tuple[str, Any]]:
    if isinstance(payload, list | tuple):
        if len(payload) > MAX_EVENTS_PER_PAYLOAD:
            raise AdapterError(f"At most {MAX_EVENTS_PER_PAYLOAD} events per payload.", field="")
        return [(f"[{i}]", item) for i, item in enumerate(payload)]
    return [("", payload)]


def to_events(payload: Any) -> AdapterResult:
    """Map Transcribe Call Analytics result events; raise ``AdapterError`` naming the bad field."""
    events: list[Event] = []
    raw_categories: list[tuple[str, int | None]] = []
    language: str | None = None
    for prefix, item in _items(payload):
        obj = as_mapping(item, prefix)
        if "UtteranceEvent" in obj:
            path = join(prefix, "UtteranceEvent")
            inner = as_mapping(obj["UtteranceEvent"], path)
            events.append(_utterance(inner, path))
            language = language or opt_str(inner, "LanguageCode", path, max_len=16)
        elif "CategoryEvent" in obj:
            path = join(prefix, "CategoryEvent")
            raw_categories.extend(_category(as_mapping(obj["CategoryEvent"], path), path))
        elif "UtteranceId" in obj:
            events.append(_utterance(obj, prefix))
            language = language or opt_str(obj, "LanguageCode", prefix, max_len=16)
        elif "MatchedCategories" in obj:
            raw_categories.extend(_category(obj, prefix))
        else:
            raise AdapterError(
                "Expected an UtteranceEvent or a CategoryEvent.", field=prefix or "UtteranceEvent"
            )
    latest = max((e.end_offset_ms or e.offset_ms for e in events), default=0)
    categories: list[tuple[str, int]] = []
    for name, offset in raw_categories:
        item = (name, latest if offset is None else offset)
        if item not in categories:
            categories.append(item)
    return AdapterResult(
        call_id=None, events=events, upstream_categories=categories, language=language
    )
