from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from signals.engine.adapters import twilio
from signals.engine.errors import AdapterError
from tests.signals.engine.adapters.conftest import load_sample
from tests.signals.engine.adapters.strategies import json_values, mutations

STARTED = datetime(2024, 6, 19, 17, 50, 0, tzinfo=UTC)


def test_to_events__content_callback__maps_track_and_offset(sample: Any) -> None:
    result = twilio.to_events(sample("twilio_content.json"), started_at=STARTED)

    (event,) = result.events
    assert result.call_id == "CA5f0e2f8a1c3b4d5e6f708192a3b4c5d6"
    assert (event.speaker, event.offset_ms, event.is_partial) == ("customer", 8020, False)
    assert event.text == "I'd like to cancel my plan, your prices went up again."


def test_to_events__customer_track_outbound__swaps_speakers(sample: Any) -> None:
    fields = sample("twilio_content.json")

    result = twilio.to_events(fields, customer_track="outbound_track", started_at=STARTED)

    assert result.events[0].speaker == "agent"


def test_to_events__partials_then_final__share_event_id_with_state(sample: Any) -> None:
    callbacks = sample("twilio_call.json")
    state = twilio.TwilioStreamState()

    events = [e for cb in callbacks[:5] for e in twilio.to_events(cb, state=state).events]
    state = twilio.TwilioStreamState.from_dict(state.to_dict())  # survives persistence
    customer = [e for e in events if e.speaker == "customer"]

    assert [e.is_partial for e in customer] == [True, True, False]
    assert len({e.event_id for e in customer}) == 1
    assert customer[-1].offset_ms == 5100
    assert customer[-1].end_offset_ms == 8020
    assert state.open_utterances == {}


def test_to_events__without_started_at__measures_from_transcription_started(sample: Any) -> None:
    callbacks = sample("twilio_call.json")
    state = twilio.TwilioStreamState()

    twilio.to_events(callbacks[0], state=state)
    result = twilio.to_events(callbacks[1], state=state)

    assert result.events[0].offset_ms == 3412


def test_to_events__without_timestamp__places_by_sequence_id(sample: Any) -> None:
    fields = sample("twilio_content.json")
    del fields["Timestamp"]

    assert twilio.to_events(fields).events[0].offset_ms == int(fields["SequenceId"]) * 1000


@pytest.mark.parametrize(
    ("event", "ended", "failed"),
    [("transcription-stopped", True, False), ("transcription-error", True, True)],
)
def test_to_events__stream_end__sets_ended(event: str, ended: bool, failed: bool) -> None:
    result = twilio.to_events({"CallSid": "CA1", "TranscriptionEvent": event})

    assert (result.ended, result.failed, result.events) == (ended, failed, [])


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda f: f.pop("CallSid"), "CallSid"),
        (lambda f: f.update(TranscriptionEvent="transcription-paused"), "TranscriptionEvent"),
        (lambda f: f.update(Track="both_tracks"), "Track"),
        (lambda f: f.update(TranscriptionData="{not json"), "TranscriptionData"),
        (
            lambda f: f.update(TranscriptionData='{"confidence": 0.9}'),
            "TranscriptionData.transcript",
        ),
        (lambda f: f.update(TranscriptionData="[1, 2]"), "TranscriptionData"),
        (lambda f: f.update(Final="yes"), "Final"),
        (lambda f: f.update(SequenceId="-1"), "SequenceId"),
        (lambda f: f.update(Timestamp="17:50:08"), "Timestamp"),
        (lambda f: f.update(Timestamp="2024-06-19T17:40:00Z"), "Timestamp"),
    ],
)
def test_to_events__malformed_field__raises_adapter_error_naming_it(
    sample: Any, mutate: Any, field: str
) -> None:
    fields = sample("twilio_content.json")
    mutate(fields)

    with pytest.raises(AdapterError) as exc:
        twilio.to_events(fields, started_at=STARTED)

    assert exc.value.field == field


def test_stream_state_from_dict__malformed__raises_adapter_error() -> None:
    with pytest.raises(AdapterError) as exc:
        twilio.TwilioStreamState.from_dict({"open_utterances": {"inbound_track": 5}})

    assert exc.value.field == "open_utterances"


form_values = st.one_of(st.text(max_size=30), st.sampled_from(["true", "false", "3", "{}"]))


@settings(max_examples=300, deadline=None)
@given(
    json_values
    | st.dictionaries(st.sampled_from(sorted(load_sample("twilio_content.json"))), form_values)
)
def test_to_events__arbitrary_input__raises_only_adapter_error(payload: Any) -> None:
    with contextlib.suppress(AdapterError):
        twilio.to_events(payload, state=twilio.TwilioStreamState())


@settings(max_examples=300, deadline=None)
@given(mutations(load_sample("twilio_content.json")))
def test_to_events__mutated_callback__raises_only_adapter_error(payload: Any) -> None:
    with contextlib.suppress(AdapterError):
        twilio.to_events(payload, started_at=STARTED)
