"""Google Contact Center AI (Agent Assist / Dialogflow conversations) messages → canonical events.

Accepted payloads:

- one ``Message`` resource: ``name`` (``projects/P/locations/L/conversations/CONV/messages/ID``),
  ``content``, ``participantRole`` (HUMAN_AGENT / AUTOMATED_AGENT → agent, END_USER → customer),
  ``createTime`` / ``sendTime`` (RFC 3339), ``sentimentAnalysis.sentiment.score`` (−1…1, as is);
- a batch ``{"messages": [...]}`` (``conversations.messages.list``, ``batchCreateMessages``) or a
  bare list of messages;
- a conversation-profile Pub/Sub notification (``ConversationEvent``): ``{"conversation": ...,
  "type": "NEW_MESSAGE", "newMessagePayload": {Message}}``; ``CONVERSATION_FINISHED`` sets
  ``ended``;
- the same notification wrapped in a Pub/Sub push envelope ``{"message": {"data": base64}}``.

Offsets: ``sendTime`` (when the participant said it; ``createTime`` when absent) minus
``started_at``. With ``started_at=None`` the earliest message time **in this payload** is used, so a
live caller posting one message at a time must pass the call's start time or every message lands at
0; ``load_platform_file`` passes the earliest time of the whole file.

``event_id`` is the message id (the last segment of ``name``); ``call_id`` is the conversation id.
CCAI messages are final, so no event is partial.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from signals.engine.adapters.base import (
    AdapterResult,
    as_list,
    as_mapping,
    join,
    make_event,
    offset_between,
    opt_str,
    parse_timestamp,
    req_str,
)
from signals.engine.errors import AdapterError
from signals.engine.transcript import Event, Speaker

__all__ = ["message_times", "to_events"]

ROLES: dict[str, Speaker] = {
    "HUMAN_AGENT": "agent",
    "AUTOMATED_AGENT": "agent",
    "END_USER": "customer",
}
EVENT_TYPES = (
    "TYPE_UNSPECIFIED",
    "CONVERSATION_STARTED",
    "CONVERSATION_FINISHED",
    "HUMAN_INTERVENTION_NEEDED",
    "NEW_MESSAGE",
    "NEW_RECOGNITION_RESULT",
    "UNRECOVERABLE_ERROR",
)
MAX_MESSAGES = 10_000


def _split_name(name: str, path: str) -> tuple[str, str]:
    parts = name.strip("/").split("/")
    try:
        conv = parts[parts.index("conversations") + 1]
        msg = parts[parts.index("messages") + 1]
    except (ValueError, IndexError):
        raise AdapterError(
            "Must look like projects/P/conversations/CONV/messages/ID.", field=path
        ) from None
    if not conv or not msg:
        raise AdapterError("Must look like projects/P/conversations/CONV/messages/ID.", field=path)
    return conv, msg


def _conversation_id(name: str, path: str) -> str:
    parts = name.strip("/").split("/")
    if "conversations" not in parts or parts.index("conversations") + 1 >= len(parts):
        raise AdapterError("Must look like projects/P/conversations/CONV.", field=path)
    return parts[parts.index("conversations") + 1]


def _message_time(msg: Mapping[str, Any], path: str) -> datetime:
    key = "sendTime" if msg.get("sendTime") is not None else "createTime"
    if msg.get(key) is None:
        raise AdapterError("This field is required.", field=join(path, "createTime"))
    return parse_timestamp(msg[key], join(path, key))


def _sentiment(msg: Mapping[str, Any], path: str) -> float | None:
    analysis = msg.get("sentimentAnalysis")
    if analysis is None:
        return None
    apath = join(path, "sentimentAnalysis")
    sentiment = as_mapping(analysis, apath).get("sentiment")
    if sentiment is None:
        return None
    spath = join(apath, "sentiment")
    score = as_mapping(sentiment, spath).get("score")
    if score is None:
        return None
    if isinstance(score, bool) or not isinstance(score, int | float) or not -1 <= score <= 1:
        raise AdapterError("Must be a number from -1 to 1.", field=join(spath, "score"))
    return float(score)


def _decode_push(envelope: Mapping[str, Any]) -> Any:
    message = as_mapping(envelope["message"], "message")
    data = message.get("data")
    if not isinstance(data, str):
        raise AdapterError("Must be base64-encoded JSON.", field="message.data")
    try:
        return json.loads(base64.b64decode(data, validate=True))
    except (binascii.Error, ValueError, RecursionError):
        raise AdapterError("Must be base64-encoded JSON.", field="message.data") from None


def _unwrap(payload: Any) -> tuple[list[tuple[str, Any]], str | None, bool]:
    """(messages with their paths, conversation id from an envelope, ended)."""
    items: Sequence[Any]
    if isinstance(payload, list | tuple):
        items = payload
        prefix = ""
    else:
        obj = as_mapping(payload, "")
        if "message" in obj and "subscription" in obj:  # Pub/Sub push envelope
            return _unwrap(_decode_push(obj))
        if "type" in obj and ("conversation" in obj or "newMessagePayload" in obj):
            kind = obj.get("type")
            if kind not in EVENT_TYPES:
                raise AdapterError("Unknown conversation event type.", field="type")
            conv = opt_str(obj, "conversation", "", max_len=1024)
            conv_id = _conversation_id(conv, "conversation") if conv else None
            ended = kind == "CONVERSATION_FINISHED"
            if kind == "NEW_MESSAGE":
                if obj.get("newMessagePayload") is None:
                    raise AdapterError("This field is required.", field="newMessagePayload")
                return [("newMessagePayload", obj["newMessagePayload"])], conv_id, ended
            return [], conv_id, ended
        if "messages" in obj:
            items = as_list(obj["messages"], "messages")
            prefix = "messages"
        else:
            return [("", obj)], None, False
    if len(items) > MAX_MESSAGES:
        raise AdapterError(f"At most {MAX_MESSAGES} messages per payload.", field=prefix)
    return [(f"{prefix}[{i}]", item) for i, item in enumerate(items)], None, False


def message_times(payload: Any) -> list[datetime]:
    """The time of every message in a payload (to pick a start time for a whole file)."""
    messages, _, _ = _unwrap(payload)
    return [_message_time(as_mapping(raw, path), path) for path, raw in messages]


def _message(msg: Mapping[str, Any], path: str, start: datetime) -> tuple[str, Event]:
    name = req_str(msg, "name", path, max_len=1024)
    conv_id, msg_id = _split_name(name, join(path, "name"))
    role = msg.get("participantRole")
    if not isinstance(role, str) or role not in ROLES:
        raise AdapterError(
            "Must be HUMAN_AGENT, AUTOMATED_AGENT or END_USER.",
            field=join(path, "participantRole"),
        )
    text = req_str(msg, "content", path)
    moment = _message_time(msg, path)
    time_key = "sendTime" if msg.get("sendTime") is not None else "createTime"
    offset = offset_between(start, moment, join(path, time_key))
    event = make_event(
        path,
        event_id=msg_id,
        speaker=ROLES[role],
        offset_ms=offset,
        text=text,
        sentiment=_sentiment(msg, path),
    )
    return conv_id, event


def to_events(payload: Any, *, started_at: datetime | None = None) -> AdapterResult:
    """Map CCAI message payloads; raise ``AdapterError`` naming the bad field.

    ``started_at`` (aware) is the conversation start offsets are measured from; ``None`` means the
    earliest message time in this payload.
    """
    if started_at is not None and started_at.tzinfo is None:
        raise AdapterError("Must be an aware datetime.", field="started_at")
    messages, call_id, ended = _unwrap(payload)
    mapped = [(path, as_mapping(raw, path)) for path, raw in messages]
    start = started_at
    if start is None and mapped:
        start = min(_message_time(msg, path) for path, msg in mapped)
    events: list[Event] = []
    language: str | None = None
    for path, msg in mapped:
        assert start is not None
        conv_id, event = _message(msg, path, start)
        if call_id is None:
            call_id = conv_id
        elif conv_id != call_id:
            raise AdapterError("All messages must belong to one conversation.", field=path)
        language = language or opt_str(msg, "languageCode", path, max_len=16)
        events.append(event)
    return AdapterResult(call_id=call_id, events=events, ended=ended, language=language)
