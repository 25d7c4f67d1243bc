from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings

from signals.engine.adapters import google_ccai
from signals.engine.errors import AdapterError
from tests.signals.engine.adapters.conftest import load_sample
from tests.signals.engine.adapters.strategies import json_values, mutations

STARTED = datetime(2024, 5, 14, 15, 2, 0, tzinfo=UTC)


def test_to_events__message__offset_from_started_at(sample: Any) -> None:
    result = google_ccai.to_events(sample("google_ccai_message.json"), started_at=STARTED)

    (event,) = result.events
    assert result.call_id == "Cv8f2kQd3Tn"
    assert (event.event_id, event.speaker, event.offset_ms) == ("M004", "customer", 16250)
    assert event.sentiment == -0.6
    assert not event.is_partial


def test_to_events__batch_without_started_at__measures_from_earliest_message(sample: Any) -> None:
    result = google_ccai.to_events(sample("google_ccai_batch.json"))

    assert [(e.speaker, e.offset_ms) for e in result.events] == [("agent", 0), ("customer", 5360)]


@pytest.mark.parametrize(
    ("role", "speaker"),
    [("HUMAN_AGENT", "agent"), ("AUTOMATED_AGENT", "agent"), ("END_USER", "customer")],
)
def test_to_events__participant_role__maps_to_speaker(sample: Any, role: str, speaker: str) -> None:
    message = sample("google_ccai_message.json")
    message["participantRole"] = role

    assert google_ccai.to_events(message).events[0].speaker == speaker


def test_to_events__pubsub_push_envelope__is_decoded(sample: Any) -> None:
    result = google_ccai.to_events(sample("google_ccai_pubsub_push.json"), started_at=STARTED)

    assert [e.event_id for e in result.events] == ["M004"]


def test_to_events__conversation_finished__sets_ended(sample: Any) -> None:
    result = google_ccai.to_events(sample("google_ccai_call.json")[-1])

    assert result.ended
    assert result.events == []
    assert result.call_id == "Cv8f2kQd3Tn"


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda m: m.update(participantRole="ROLE_UNSPECIFIED"), "participantRole"),
        (lambda m: m.update(name="projects/p/messages/1"), "name"),
        (lambda m: m.pop("content"), "content"),
        (lambda m: m.update(sendTime="yesterday"), "sendTime"),
        (lambda m: m.update(sendTime="2024-05-14T15:02:16"), "sendTime"),
        (lambda m: [m.pop("sendTime"), m.pop("createTime")], "createTime"),
        (
            lambda m: m["sentimentAnalysis"]["sentiment"].update(score=3),
            "sentimentAnalysis.sentiment.score",
        ),
        (lambda m: m.update(sendTime="2024-05-14T14:00:00Z"), "sendTime"),
    ],
)
def test_to_events__malformed_field__raises_adapter_error_naming_it(
    sample: Any, mutate: Any, field: str
) -> None:
    message = sample("google_ccai_message.json")
    mutate(message)

    with pytest.raises(AdapterError) as exc:
        google_ccai.to_events(message, started_at=STARTED)

    assert exc.value.field == field


def test_to_events__messages_of_two_conversations__are_refused(sample: Any) -> None:
    batch = sample("google_ccai_batch.json")
    batch["messages"][1]["name"] = batch["messages"][1]["name"].replace("Cv8f2kQd3Tn", "Other")

    with pytest.raises(AdapterError) as exc:
        google_ccai.to_events(batch)

    assert exc.value.field == "messages[1]"


def test_to_events__naive_started_at__is_refused(sample: Any) -> None:
    naive = STARTED.replace(tzinfo=None) + timedelta(0)

    with pytest.raises(AdapterError) as exc:
        google_ccai.to_events(sample("google_ccai_message.json"), started_at=naive)

    assert exc.value.field == "started_at"


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_to_events__arbitrary_json__raises_only_adapter_error(payload: Any) -> None:
    with contextlib.suppress(AdapterError):
        google_ccai.to_events(payload)


@settings(max_examples=300, deadline=None)
@given(mutations(load_sample("google_ccai_call.json")[1]))
def test_to_events__mutated_batch__raises_only_adapter_error(payload: Any) -> None:
    with contextlib.suppress(AdapterError):
        google_ccai.to_events(payload, started_at=STARTED)
