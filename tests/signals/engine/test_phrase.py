import pytest

from signals.engine import CallMeta, CallState, Event, SignalSpec, evaluate
from signals.engine.detectors import validate_detector
from signals.engine.errors import SpecError


def _spec(**params):
    return SignalSpec(key="competitor_mention", category="intent", detector="phrase", params=params)


def _run(spec, turns):
    state = CallState.new(CallMeta(call_id="c-ph"))
    events = [
        Event(event_id=f"e{i}", speaker=speaker, offset_ms=i * 1000, text=text)
        for i, (speaker, text) in enumerate(turns)
    ]
    return evaluate(state, events, [spec]).candidates


def test_phrase__literal_phrase__matches_case_insensitively_on_word_boundaries():
    spec = _spec(phrases=["Verizon", "T Mobile"])
    assert [c.event_id for c in _run(spec, [("customer", "verizon   offered me more")])] == ["e0"]
    assert _run(spec, [("customer", "my verizonwireless bill")]) == []
    assert [c.event_id for c in _run(spec, [("customer", "T  mobile is cheaper")])] == ["e0"]


def test_phrase__pattern__matches_and_evidence_shows_span():
    [cand] = _run(
        _spec(patterns=[r"\bswitch(?:ing)? to \w+"]), [("customer", "I'm switching to Acme")]
    )
    assert "switching to acme" in cand.evidence
    assert cand.confidence == 0.9


def test_phrase__speaker_filter__ignores_other_side():
    spec = _spec(phrases=["verizon"], speaker="customer")
    assert _run(spec, [("agent", "Unlike Verizon, we...")]) == []


def test_phrase__exclude__vetoes_the_utterance():
    spec = _spec(phrases=["cancel"], exclude=["don't want to cancel"])
    assert _run(spec, [("customer", "I don't want to cancel, just pause")]) == []


def test_phrase__once_per_call_false__fires_per_utterance():
    spec = _spec(phrases=["refund"], once_per_call=False, confidence=0.6)
    turns = [("customer", "refund please"), ("customer", "where is my refund")]
    assert [c.confidence for c in _run(spec, turns)] == [0.6, 0.6]


def test_phrase__once_per_call_default__fires_once():
    turns = [("customer", "refund please"), ("customer", "where is my refund")]
    assert len(_run(_spec(phrases=["refund"]), turns)) == 1


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "params.phrases"),
        ({"phrases": "verizon"}, "params.phrases"),
        ({"phrases": ["ok", ""]}, "params.phrases[1]"),
        ({"patterns": ["fine", "(unclosed"]}, "params.patterns[1]"),
        ({"patterns": ["(a+)+$"]}, "params.patterns[0]"),
        ({"patterns": [r"(\w+\s?)*x"]}, "params.patterns[0]"),
        ({"patterns": [r"(a)\1"]}, "params.patterns[0]"),
        ({"patterns": ["a" * 1000]}, "params.patterns[0]"),
        ({"phrases": ["x"], "speaker": "caller"}, "params.speaker"),
        ({"phrases": ["x"], "confidence": 1.5}, "params.confidence"),
        ({"phrases": ["x"], "once_per_call": "yes"}, "params.once_per_call"),
        ({"phrases": ["x"], "exclude": [3]}, "params.exclude[0]"),
        ({"phrases": ["x"], "phrase": ["y"]}, "params.phrase"),
    ],
)
def test_phrase__invalid_params__raise_spec_error_naming_param(params, field):
    with pytest.raises(SpecError) as exc:
        validate_detector("phrase", params)
    assert exc.value.field == field


def test_phrase__valid_params__are_completed_with_defaults():
    params = validate_detector("phrase", {"phrases": ["verizon"]})
    assert params == {
        "phrases": ["verizon"],
        "patterns": [],
        "speaker": "any",
        "exclude": [],
        "confidence": 0.9,
        "once_per_call": True,
    }
