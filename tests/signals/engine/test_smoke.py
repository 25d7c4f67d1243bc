from signals.engine import CallMeta, CallState, evaluate


def test_evaluate__no_specs__returns_no_candidates():
    state = CallState.new(CallMeta(call_id="c1"))
    assert evaluate(state, [], []).candidates == []
