from __future__ import annotations

import contextlib
from typing import Any

import pytest
from hypothesis import given, settings

from signals.engine.adapters import transcribe
from signals.engine.errors import AdapterError
from tests.signals.engine.adapters.conftest import load_sample
from tests.signals.engine.adapters.strategies import json_values, mutations


def test_to_events__utterance_event__maps_to_canonical_event(sample: Any) -> None:
    result = transcribe.to_events(sample("transcribe_utterance_event.json"))

    (event,) = result.events
    assert result.call_id is None
    assert not result.ended
    assert (event.speaker, event.offset_ms, event.end_offset_ms) == ("customer", 3900, 7600)
    assert (event.sentiment, event.is_partial) == (-0.6, False)
    assert event.event_id == "0b6a7c12-1111-4d3e-8f00-000000000002"


@pytest.mark.parametrize("wrap", [lambda e: e, lambda e: e["UtteranceEvent"], lambda e: [e]])
def test_to_events__wrapped_bare_or_list__are_all_accepted(sample: Any, wrap: Any) -> None:
    event = sample("transcribe_utterance_event.json")

    assert transcribe.to_events(wrap(event)).events[0].text.startswith("I was charged twice")


def test_to_events__partial_and_final__share_utterance_id(sample: Any) -> None:
    stream = sample("transcribe_call.json")["payloads"]

    partial, final = transcribe.to_events(stream[2:4]).events

    assert partial.is_partial
    assert not final.is_partial
    assert partial.event_id == final.event_id


def test_to_events__category_event__yields_upstream_categories(sample: Any) -> None:
    result = transcribe.to_events(sample("transcribe_category_event.json"))

    assert result.events == []
    assert result.upstream_categories == [("escalation-request", 10400)]


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (
            lambda e: e["UtteranceEvent"].update(ParticipantRole="CALLER"),
            "UtteranceEvent.ParticipantRole",
        ),
        (lambda e: e["UtteranceEvent"].pop("UtteranceId"), "UtteranceEvent.UtteranceId"),
        (lambda e: e["UtteranceEvent"].update(IsPartial="false"), "UtteranceEvent.IsPartial"),
        (
            lambda e: e["UtteranceEvent"].update(BeginOffsetMillis=1.5),
            "UtteranceEvent.BeginOffsetMillis",
        ),
        (lambda e: e["UtteranceEvent"].update(Transcript=None), "UtteranceEvent.Transcript"),
        (lambda e: e["UtteranceEvent"].update(Items={}), "UtteranceEvent.Items"),
        (lambda e: e["UtteranceEvent"].update(Sentiment="HAPPY"), "UtteranceEvent.Sentiment"),
        (lambda e: e.update(UtteranceEvent=[]), "UtteranceEvent"),
    ],
)
def test_to_events__malformed_field__raises_adapter_error_naming_it(
    sample: Any, mutate: Any, field: str
) -> None:
    event = sample("transcribe_utterance_event.json")
    mutate(event)

    with pytest.raises(AdapterError) as exc:
        transcribe.to_events(event)

    assert exc.value.field == field


def test_to_events__bad_item_in_list__names_its_index(sample: Any) -> None:
    good = sample("transcribe_utterance_event.json")

    with pytest.raises(AdapterError) as exc:
        transcribe.to_events([good, {"Something": 1}])

    assert exc.value.field == "[1]"


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_to_events__arbitrary_json__raises_only_adapter_error(payload: Any) -> None:
    with contextlib.suppress(AdapterError):
        transcribe.to_events(payload)


@settings(max_examples=300, deadline=None)
@given(mutations(load_sample("transcribe_call.json")["payloads"]))
def test_to_events__mutated_stream__raises_only_adapter_error(payload: Any) -> None:
    with contextlib.suppress(AdapterError):
        transcribe.to_events(payload)
