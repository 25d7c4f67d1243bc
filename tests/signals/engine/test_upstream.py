import pytest

from signals.engine import CallMeta, CallState, Event, SignalSpec, evaluate
from signals.engine.detectors import validate_detector
from signals.engine.errors import SpecError, TranscriptError
from signals.engine.transcript import parse_event

SPEC = SignalSpec(
    key="vendor_cancellation",
    category="intent",
    detector="upstream_category",
    params={"categories": ["Cancellation"]},
)


def _event(event_id, categories=(), offset=0):
    return Event(event_id, "customer", offset, "", categories=tuple(categories))


def test_upstream_category__vendor_match__fires_once_with_the_category_as_evidence():
    state = CallState.new(CallMeta("c1"))
    result = evaluate(
        state, [_event("cat-1", ["cancellation"]), _event("cat-2", ["Cancellation"], 5000)], [SPEC]
    )
    assert [(c.signal, c.event_id, c.confidence) for c in result.candidates] == [
        ("vendor_cancellation", "cat-1", 0.9)
    ]
    assert "cancellation" in result.candidates[0].evidence.lower()


def test_upstream_category__other_category__does_not_fire():
    state = CallState.new(CallMeta("c1"))
    assert evaluate(state, [_event("cat-1", ["Billing"])], [SPEC]).candidates == []


@pytest.mark.parametrize("params", [{}, {"categories": []}, {"categories": [""]}, {"x": 1}])
def test_upstream_category__bad_params__name_the_parameter(params):
    with pytest.raises(SpecError) as exc:
        validate_detector("upstream_category", params)
    assert exc.value.field.startswith("params")


def test_parse_event__categories__round_trip():
    event = parse_event(
        {"event_id": "e1", "speaker": "customer", "offset_ms": 0, "text": "", "categories": ["A"]}
    )
    assert event.categories == ("A",)
    assert event.to_dict()["categories"] == ["A"]


def test_parse_event__categories_not_a_list__names_the_field():
    with pytest.raises(TranscriptError) as exc:
        parse_event(
            {"event_id": "e1", "speaker": "agent", "offset_ms": 0, "text": "", "categories": "A"}
        )
    assert exc.value.field == "categories"
