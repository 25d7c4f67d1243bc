"""Amazon Connect Contact Lens real-time segment stream events → canonical events.

One payload is one Kinesis record of the contact's analysis session::

    {"Version": "1.0.0", "Channel": "VOICE", "ContactId": "...", "InstanceId": "...",
     "LanguageCode": "en-US", "EventType": "SEGMENTS",
     "Segments": [{"Utterance": {...}}, {"Transcript": {...}}, {"Categories": {...}}]}

- ``EventType`` STARTED / SEGMENTS / COMPLETED / FAILED (the chat schema's ``StreamingEventType``
  is accepted too). COMPLETED and FAILED set ``ended`` (FAILED also ``failed``).
- ``Utterance`` segments are partials (``PartialContent``); their ``TranscriptId`` names the final
  ``Transcript`` segment they belong to, so the canonical ``event_id`` of a partial is its
  ``TranscriptId`` and that of a final is its ``Id``: partial and final dedupe on one id.
- ``Transcript`` ``Sentiment`` labels map to scores: POSITIVE 0.6, NEUTRAL 0.0, NEGATIVE -0.6,
  MIXED -0.1 (see ``base.LABEL_SENTIMENT``).
- ``Categories`` segments: every name in ``MatchedCategories`` becomes an upstream category, at the
  ``BeginOffsetMillis`` of each of its ``MatchedDetails[name].PointsOfInterest`` (or, without
  points of interest, at the latest offset seen in the same payload, else 0).
- Segments spoken by SYSTEM, CUSTOM_BOT or SUPERVISOR participants are skipped (neither party), as
  are segment kinds this product does not use (``PostContactSummary``, ``Issues``...).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from signals.engine.adapters.base import (
    AdapterResult,
    as_list,
    as_mapping,
    join,
    make_event,
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

EVENT_TYPES = ("STARTED", "SEGMENTS", "COMPLETED", "FAILED")
ROLES: dict[str, Speaker | None] = {
    "AGENT": "agent",
    "CUSTOMER": "customer",
    "SYSTEM": None,
    "CUSTOM_BOT": None,
    "SUPERVISOR": None,
}


def _role(obj: Mapping[str, Any], path: str) -> Speaker | None:
    role = obj.get("ParticipantRole")
    if not isinstance(role, str) or role.upper() not in ROLES:
        raise AdapterError(
            "Must be AGENT, CUSTOMER, SYSTEM, CUSTOM_BOT or SUPERVISOR.",
            field=join(path, "ParticipantRole"),
        )
    return ROLES[role.upper()]


def _utterance(obj: Mapping[str, Any], path: str) -> Event | None:
    speaker = _role(obj, path)
    # Validate the whole segment even when it will be skipped: a malformed record is a bug upstream.
    transcript_id = req_id(obj, "TranscriptId", path)
    text = req_str(obj, "PartialContent", path)
    begin = req_ms(obj, "BeginOffsetMillis", path)
    end = opt_ms(obj, "EndOffsetMillis", path)
    if speaker is None:
        return None
    return make_event(
        path,
        event_id=transcript_id,
        speaker=speaker,
        offset_ms=begin,
        text=text,
        end_offset_ms=end,
        is_partial=True,
    )


def _transcript(obj: Mapping[str, Any], path: str) -> Event | None:
    speaker = _role(obj, path)
    event_id = req_id(obj, "Id", path)
    text = req_str(obj, "Content", path)
    begin = req_ms(obj, "BeginOffsetMillis", path)
    end = opt_ms(obj, "EndOffsetMillis", path)
    sentiment = opt_label_sentiment(obj, "Sentiment", path)
    if speaker is None:
        return None
    return make_event(
        path,
        event_id=event_id,
        speaker=speaker,
        offset_ms=begin,
        text=text,
        end_offset_ms=end,
        sentiment=sentiment,
    )


def _categories(obj: Mapping[str, Any], path: str, fallback_ms: int) -> list[tuple[str, int]]:
    names_path = join(path, "MatchedCategories")
    names = as_list(obj.get("MatchedCategories", []), names_path)
    details_raw = obj.get("MatchedDetails")
    details = {} if details_raw is None else as_mapping(details_raw, join(path, "MatchedDetails"))
    out: list[tuple[str, int]] = []
    for i, name in enumerate(names):
        if not isinstance(name, str) or not name.strip():
            raise AdapterError("Must be a category name.", field=join(names_path, i))
        detail_path = join(join(path, "MatchedDetails"), name)
        detail = details.get(name)
        points: list[int] = []
        if detail is not None:
            detail = as_mapping(detail, detail_path)
            poi_path = join(detail_path, "PointsOfInterest")
            for j, poi in enumerate(as_list(detail.get("PointsOfInterest", []), poi_path)):
                poi = as_mapping(poi, join(poi_path, j))
                points.append(req_ms(poi, "BeginOffsetMillis", join(poi_path, j)))
        for offset in points or [fallback_ms]:
            if (name.strip(), offset) not in out:
                out.append((name.strip(), offset))
    return out


def to_events(payload: Mapping[str, Any]) -> AdapterResult:
    """Map one Contact Lens real-time segment event; raise ``AdapterError`` naming the bad field."""
    payload = as_mapping(payload, "")
    call_id = req_id(payload, "ContactId", "")
    type_key = "EventType" if "EventType" in payload else "StreamingEventType"
    event_type = payload.get(type_key)
    if not isinstance(event_type, str) or event_type.upper() not in EVENT_TYPES:
        raise AdapterError("Must be STARTED, SEGMENTS, COMPLETED or FAILED.", field=type_key)
    event_type = event_type.upper()
    language = opt_str(payload, "LanguageCode", "", max_len=16)
    events: list[Event] = []
    pending_categories: list[tuple[str, Mapping[str, Any]]] = []
    if event_type == "SEGMENTS":
        for i, raw in enumerate(as_list(payload.get("Segments", []), "Segments")):
            path = join("Segments", i)
            segment = as_mapping(raw, path)
            if "Utterance" in segment:
                where = join(path, "Utterance")
                event = _utterance(as_mapping(segment["Utterance"], where), where)
            elif "Transcript" in segment:
                where = join(path, "Transcript")
                event = _transcript(as_mapping(segment["Transcript"], where), where)
            else:
                if "Categories" in segment:
                    where = join(path, "Categories")
                    pending_categories.append((where, as_mapping(segment["Categories"], where)))
                continue
            if event is not None:
                events.append(event)
    latest = max((e.end_offset_ms or e.offset_ms for e in events), default=0)
    categories: list[tuple[str, int]] = []
    for where, obj in pending_categories:
        for item in _categories(obj, where, latest):
            if item not in categories:
                categories.append(item)
    return AdapterResult(
        call_id=call_id,
        events=events,
        ended=event_type in ("COMPLETED", "FAILED"),
        failed=event_type == "FAILED",
        upstream_categories=categories,
        language=language,
    )
