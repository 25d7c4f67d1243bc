import json

import pytest

from signals.engine import CallMeta, CallState, Event, SignalSpec, evaluate
from signals.engine.detectors import validate_detector
from signals.engine.errors import SpecError

SPIKE = SignalSpec(key="frustration_spike", category="emotion", detector="frustration_spike")
RECOVERY = SignalSpec(key="sentiment_recovery", category="emotion", detector="sentiment_recovery")


def _run(turns, specs=(SPIKE, RECOVERY)):
    state = CallState.new(CallMeta(call_id="c-emo"))
    events = []
    for i, turn in enumerate(turns):
        speaker, text, *rest = turn
        events.append(
            Event(
                event_id=f"e{i}",
                speaker=speaker,
                offset_ms=i * 4000,
                text=text,
                sentiment=rest[0] if rest else None,
            )
        )
    return evaluate(state, events, list(specs)).candidates, state


def _signals(candidates):
    return [c.signal for c in candidates]


def test_spike__sharp_drop_after_baseline__fires_with_numbers_in_evidence():
    candidates, _ = _run(
        [
            ("customer", "Hi, I'm calling about my internet connection."),
            ("customer", "It drops every evening around seven."),
            ("customer", "This is the third time I've called and nobody fixed it."),
        ]
    )
    spikes = [c for c in candidates if c.signal == "frustration_spike"]
    assert len(spikes) == 1
    assert spikes[0].event_id == "e2"
    assert "drop" in spikes[0].evidence
    assert "baseline" in spikes[0].evidence
    assert "third time" in spikes[0].evidence
    assert 0.8 <= spikes[0].confidence <= 1.0


def test_spike__strong_cue_without_baseline__fires():
    candidates, _ = _run([("customer", "I've been on hold for an hour, this is ridiculous.")])
    assert _signals(candidates) == ["frustration_spike"]


def test_spike__run_of_angry_utterances__fires_once_until_recovery():
    candidates, _ = _run(
        [
            ("customer", "Hello, I have a question about my order.", 0.2),
            ("customer", "It was supposed to arrive Monday.", 0.1),
            ("customer", "This is unacceptable.", -0.8),
            ("customer", "I'm furious.", -0.9),
            ("customer", "Nobody ever calls me back.", -0.85),
        ],
        specs=(SPIKE,),
    )
    assert _signals(candidates) == ["frustration_spike"]


def test_spike__rearms_after_recovery__fires_again():
    candidates, _ = _run(
        [
            ("customer", "Hi there.", 0.2),
            ("customer", "About my bill.", 0.1),
            ("customer", "You charged me twice!", -0.8),
            ("customer", "Oh good, thank you, that fixes it.", 0.7),
            ("customer", "Wait, now it shows a late fee?", -0.8),
        ],
        specs=(SPIKE,),
    )
    assert [c.event_id for c in candidates] == ["e2", "e4"]


def test_spike__consistently_negative_caller__never_fires():
    candidates, _ = _run(
        [
            ("customer", "I got your letter.", -0.4),
            ("customer", "I don't agree with it.", -0.45),
            ("customer", "Fine, fifty a month.", -0.35),
        ]
    )
    assert candidates == []


def test_spike__agent_negativity__is_ignored():
    candidates, _ = _run([("agent", "This is ridiculous, I'm so frustrated, nobody fixed it.")])
    assert candidates == []


def test_spike__acknowledgements__do_not_move_the_baseline():
    _, state = _run([("customer", "okay"), ("customer", "Yes."), ("customer", "mm-hmm")])
    assert state.memory["frustration_spike"].get("n", 0) == 0


def test_recovery__after_spike__fires_once_per_low():
    candidates, _ = _run(
        [
            ("customer", "Hi.", 0.1),
            ("customer", "My card got declined.", 0.0),
            ("customer", "This is the worst service ever.", -0.9),
            ("customer", "Oh, that worked, thank you so much!", 0.8),
            ("customer", "Great, you've been really helpful.", 0.9),
        ],
        specs=(RECOVERY,),
    )
    assert [c.event_id for c in candidates] == ["e3"]
    assert "low" in candidates[0].evidence


def test_recovery__steady_happy_call__never_fires():
    candidates, _ = _run(
        [
            ("customer", "Hi, I'd like to order new checks."),
            ("customer", "Yes, the blue ones are perfect."),
            ("customer", "Awesome, thanks so much."),
        ]
    )
    assert candidates == []


def test_emotion__memory__is_json_serialisable():
    _, state = _run([("customer", "This is ridiculous."), ("customer", "Thanks, that fixed it!")])
    assert json.loads(json.dumps(state.to_dict()))["memory"] == state.memory


def test_emotion__partials__are_not_scored():
    state = CallState.new(CallMeta(call_id="c"))
    partial = Event("e1", "customer", 0, "this is ridiculous", is_partial=True)
    assert evaluate(state, [partial], [SPIKE]).candidates == []
    assert state.memory["frustration_spike"] == {}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"drop_threshold": "big"}, "params.drop_threshold"),
        ({"ema_alpha": 0}, "params.ema_alpha"),
        ({"min_baseline_utterances": -1}, "params.min_baseline_utterances"),
        ({"dropthreshold": 0.5}, "params.dropthreshold"),
    ],
)
def test_emotion__invalid_params__raise_spec_error_naming_param(params, field):
    with pytest.raises(SpecError) as exc:
        validate_detector("frustration_spike", params)
    assert exc.value.field == field


def test_emotion__default_params__are_complete():
    params = validate_detector("sentiment_recovery", {})
    assert params["drop_threshold"] == 0.5
    assert params["min_baseline_utterances"] == 2
