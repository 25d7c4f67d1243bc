from __future__ import annotations

import contextlib
from typing import Any

import pytest
from hypothesis import given, settings

from signals.engine.adapters import contact_lens
from signals.engine.errors import AdapterError
from tests.signals.engine.adapters.conftest import load_sample
from tests.signals.engine.adapters.strategies import json_values, mutations


def test_to_events__segments_event__maps_partials_finals_and_categories(sample: Any) -> None:
    result = contact_lens.to_events(sample("contact_lens_segments.json"))

    assert result.call_id == "5ac9c3a1-7c3e-4f0d-9d3b-2a8a5e1f9c10"
    assert not result.ended
    assert result.language == "en-US"
    assert [(e.speaker, e.offset_ms, e.end_offset_ms, e.sentiment) for e in result.events] == [
        ("agent", 9300, 12400, 0.0),
        ("customer", 13100, 17800, -0.6),
    ]
    assert "supervisor" in result.events[1].text
    assert result.upstream_categories == [("EscalationRequest", 13100)]


def test_to_events__utterance_and_its_transcript__share_event_id(sample: Any) -> None:
    partial_then_final = sample("contact_lens_call.json")[1]

    partial, final = contact_lens.to_events(partial_then_final).events

    assert partial.is_partial
    assert not final.is_partial
    assert partial.event_id == final.event_id
    assert partial.text == "Thank you for calling Acme"
    assert partial.sentiment is None


@pytest.mark.parametrize(
    ("event_type", "ended", "failed"),
    [("STARTED", False, False), ("COMPLETED", True, False), ("FAILED", True, True)],
)
def test_to_events__lifecycle_events__set_ended(event_type: str, ended: bool, failed: bool) -> None:
    payload = {"ContactId": "c-1", "EventType": event_type, "Channel": "VOICE"}

    result = contact_lens.to_events(payload)

    assert (result.events, result.ended, result.failed) == ([], ended, failed)


@pytest.mark.parametrize(
    ("label", "score"), [("POSITIVE", 0.6), ("NEUTRAL", 0.0), ("NEGATIVE", -0.6), ("MIXED", -0.1)]
)
def test_to_events__sentiment_label__maps_to_documented_score(
    sample: Any, label: str, score: float
) -> None:
    payload = sample("contact_lens_segments.json")
    payload["Segments"][0]["Transcript"]["Sentiment"] = label

    assert contact_lens.to_events(payload).events[0].sentiment == score


def test_to_events__system_speaker_and_unknown_segments__are_skipped(sample: Any) -> None:
    payload = sample("contact_lens_segments.json")
    payload["Segments"][0]["Transcript"]["ParticipantRole"] = "SYSTEM"
    payload["Segments"].append({"PostContactSummary": {"Content": "...", "Status": "COMPLETED"}})
    payload["NewTopLevelField"] = {"anything": 1}

    result = contact_lens.to_events(payload)

    assert [e.speaker for e in result.events] == ["customer"]


def test_to_events__category_without_points_of_interest__uses_latest_offset(sample: Any) -> None:
    payload = sample("contact_lens_segments.json")
    payload["Segments"][2]["Categories"]["MatchedDetails"] = {}

    assert contact_lens.to_events(payload).upstream_categories == [("EscalationRequest", 17800)]


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda p: p.pop("ContactId"), "ContactId"),
        (lambda p: p.update(EventType="PAUSED"), "EventType"),
        (lambda p: p.update(Segments={"a": 1}), "Segments"),
        (lambda p: p["Segments"].append("text"), "Segments[3]"),
        (
            lambda p: p["Segments"][1]["Transcript"].update(BeginOffsetMillis="13100"),
            "Segments[1].Transcript.BeginOffsetMillis",
        ),
        (
            lambda p: p["Segments"][1]["Transcript"].update(BeginOffsetMillis=-5),
            "Segments[1].Transcript.BeginOffsetMillis",
        ),
        (
            lambda p: p["Segments"][0]["Transcript"].pop("Content"),
            "Segments[0].Transcript.Content",
        ),
        (
            lambda p: p["Segments"][0]["Transcript"].update(ParticipantRole="CALLER"),
            "Segments[0].Transcript.ParticipantRole",
        ),
        (
            lambda p: p["Segments"][0]["Transcript"].update(Sentiment="ANGRY"),
            "Segments[0].Transcript.Sentiment",
        ),
        (
            lambda p: p["Segments"][2]["Categories"].update(MatchedCategories=[7]),
            "Segments[2].Categories.MatchedCategories[0]",
        ),
        (
            lambda p: p["Segments"][2]["Categories"]["MatchedDetails"]["EscalationRequest"][
                "PointsOfInterest"
            ][0].pop("BeginOffsetMillis"),
            "Segments[2].Categories.MatchedDetails.EscalationRequest.PointsOfInterest[0]"
            ".BeginOffsetMillis",
        ),
    ],
)
def test_to_events__malformed_field__raises_adapter_error_naming_it(
    sample: Any, mutate: Any, field: str
) -> None:
    payload = sample("contact_lens_segments.json")
    mutate(payload)

    with pytest.raises(AdapterError) as exc:
        contact_lens.to_events(payload)

    assert exc.value.field == field


def test_to_events__utterance_without_transcript_id__names_the_field(sample: Any) -> None:
    payload = sample("contact_lens_call.json")[1]
    del payload["Segments"][0]["Utterance"]["TranscriptId"]

    with pytest.raises(AdapterError) as exc:
        contact_lens.to_events(payload)

    assert exc.value.field == "Segments[0].Utterance.TranscriptId"


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_to_events__arbitrary_json__raises_only_adapter_error(payload: Any) -> None:
    with contextlib.suppress(AdapterError):
        contact_lens.to_events(payload)


@settings(max_examples=300, deadline=None)
@given(mutations(load_sample("contact_lens_segments.json")))
def test_to_events__mutated_sample__raises_only_adapter_error(payload: Any) -> None:
    with contextlib.suppress(AdapterError):
        contact_lens.to_events(payload)
