"""Twilio real-time transcription status callbacks → canonical events.

One payload is one callback's form fields (``request.POST.dict()``), all strings:
``TranscriptionEvent`` (transcription-started / transcription-content / transcription-stopped /
transcription-error), ``CallSid``, ``TranscriptionSid``, ``Track`` (inbound_track / outbound_track),
``TranscriptionData`` (a JSON string ``{"transcript": ..., "confidence": ...}``), ``Final``
("true"/"false"), ``SequenceId``, ``Timestamp`` (RFC 3339), ``LanguageCode``.

- **Who is the customer.** ``inbound_track`` is the audio Twilio receives from the call leg the
  ``<Start><Transcription>`` runs on. On an inbound call handled by a Twilio-hosted agent leg
  that is the caller; on an outbound call it is usually the callee (also the customer); but when
  the stream runs on the agent's leg it is the agent. Pass ``customer_track`` to say which (default
  ``inbound_track``); the other track is the agent.
- **Offsets.** ``Timestamp`` minus ``started_at``. Without ``started_at`` the stream's own start is
  used: the ``Timestamp`` of ``transcription-started`` or, failing that, of the first callback seen,
  remembered in ``state``. Callbacks without a ``Timestamp`` are placed by ``SequenceId`` alone
  (``SequenceId`` × 1000 ms): ordering is right, absolute times are not.
- **Partials and finals.** Twilio gives no utterance id: a partial (``Final=false``) and its final
  are linked by track. The first partial on a track opens an utterance whose ``event_id`` is
  ``{TranscriptionSid}:{track}:{SequenceId}``; later partials and the final on that track reuse it,
  and the final closes it. The utterance starts at its first partial's time and ends at the
  final's (a callback's ``Timestamp`` is when the text was produced). That memory lives in
  ``state`` (a ``TwilioStreamState``, JSON round-trip), which the caller keeps per call. Without
  ``state`` every callback gets its own id.
- ``confidence`` is the recogniser's, not a sentiment: it is not mapped. ``transcription-stopped``
  and ``transcription-error`` set ``ended`` (the latter also ``failed``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from signals.engine.adapters.base import (
    MAX_OFFSET_MS,
    AdapterResult,
    as_mapping,
    make_event,
    offset_between,
    parse_timestamp,
    req_id,
    req_str,
)
from signals.engine.errors import AdapterError
from signals.engine.transcript import Speaker

__all__ = ["TwilioStreamState", "to_events"]

EVENTS = (
    "transcription-started",
    "transcription-content",
    "transcription-stopped",
    "transcription-error",
)
TRACKS = ("inbound_track", "outbound_track")


@dataclass(slots=True)
class TwilioStreamState:
    """Per-call memory of one transcription stream: its start and each track's open utterance."""

    started_at: datetime | None = None
    open_utterances: dict[str, tuple[str, int]] = field(default_factory=dict)
    """track → (event_id, offset_ms of its first partial)."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "started_at": self.started_at.isoformat() if self.started_at else None,
            "open_utterances": {k: list(v) for k, v in self.open_utterances.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> TwilioStreamState:
        data = data or {}
        started = data.get("started_at")
        try:
            opened = {
                str(k): (str(v[0]), int(v[1]))
                for k, v in dict(data.get("open_utterances") or {}).items()
            }
        except (TypeError, ValueError, IndexError, KeyError):
            raise AdapterError(
                "Must map a track to [event_id, offset_ms].", field="open_utterances"
            ) from None
        return cls(
            started_at=parse_timestamp(started, "started_at") if started else None,
            open_utterances=opened,
        )


def _flag(fields: Mapping[str, Any], name: str) -> bool:
    value = fields.get(name)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise AdapterError('Must be "true" or "false".', field=name)


def _sequence(fields: Mapping[str, Any]) -> int:
    value = fields.get("SequenceId")
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise AdapterError("Must be a whole number.", field="SequenceId")
    if value * 1000 > MAX_OFFSET_MS:
        raise AdapterError("Is out of range.", field="SequenceId")
    return value


def _data(fields: Mapping[str, Any]) -> str:
    raw = req_str(fields, "TranscriptionData", "", max_len=100_000)
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise AdapterError("Must be a JSON string.", field="TranscriptionData") from None
    data = as_mapping(data, "TranscriptionData")
    return req_str(data, "transcript", "TranscriptionData")


def _offset(
    fields: Mapping[str, Any], started_at: datetime | None, state: TwilioStreamState
) -> int:
    if fields.get("Timestamp") is None:
        return _sequence(fields) * 1000
    moment = parse_timestamp(fields["Timestamp"], "Timestamp")
    if started_at is None:
        if state.started_at is None:
            state.started_at = moment
        started_at = state.started_at
    return offset_between(started_at, moment, "Timestamp")


def to_events(
    fields: Mapping[str, Any],
    *,
    customer_track: str = "inbound_track",
    started_at: datetime | None = None,
    state: TwilioStreamState | None = None,
) -> AdapterResult:
    """Map one Twilio real-time transcription callback; raise ``AdapterError`` naming the field.

    Mutates ``state`` (stream start, open utterances) when given; keep it per call.
    """
    if customer_track not in TRACKS:
        raise AdapterError("Must be inbound_track or outbound_track.", field="customer_track")
    if started_at is not None and started_at.tzinfo is None:
        raise AdapterError("Must be an aware datetime.", field="started_at")
    fields = as_mapping(fields, "")
    memory = state if state is not None else TwilioStreamState()
    call_id = req_id(fields, "CallSid", "")
    kind = fields.get("TranscriptionEvent")
    if kind not in EVENTS:
        raise AdapterError(
            "Must be transcription-started, -content, -stopped or -error.",
            field="TranscriptionEvent",
        )
    language = fields.get("LanguageCode") if isinstance(fields.get("LanguageCode"), str) else None
    if kind == "transcription-started":
        if fields.get("Timestamp") is not None and memory.started_at is None:
            memory.started_at = parse_timestamp(fields["Timestamp"], "Timestamp")
        return AdapterResult(call_id=call_id, language=language)
    if kind != "transcription-content":
        memory.open_utterances.clear()
        return AdapterResult(
            call_id=call_id, ended=True, failed=kind == "transcription-error", language=language
        )
    sid = req_id(fields, "TranscriptionSid", "")
    track = fields.get("Track")
    if track not in TRACKS:
        raise AdapterError("Must be inbound_track or outbound_track.", field="Track")
    speaker: Speaker = "customer" if track == customer_track else "agent"
    text = _data(fields)
    final = _flag(fields, "Final")
    sequence = _sequence(fields)
    offset = _offset(fields, started_at, memory)
    event_id, begin = memory.open_utterances.get(track, (f"{sid}:{track}:{sequence}", offset))
    begin = min(begin, offset)
    if final:
        memory.open_utterances.pop(track, None)
    else:
        memory.open_utterances[track] = (event_id, begin)
    event = make_event(
        "TranscriptionData",
        event_id=event_id,
        speaker=speaker,
        offset_ms=begin,
        text=text,
        end_offset_ms=offset if offset > begin else None,
        is_partial=not final,
    )
    return AdapterResult(call_id=call_id, events=[event], language=language)
