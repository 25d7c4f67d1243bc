"""Engine-level behaviour across detectors: partials, ordering, deadlines, state round-trips."""

import json

from signals.engine import CallMeta, CallState, Event, SignalSpec, evaluate, evaluate_deadlines

PHRASE = SignalSpec(
    key="refund_request",
    category="intent",
    detector="phrase",
    params={"phrases": ["refund"], "once_per_call": False},
)
SPIKE = SignalSpec(key="frustration_spike", category="emotion", detector="frustration_spike")
RECOVERY = SignalSpec(key="sentiment_recovery", category="emotion", detector="sentiment_recovery")
DISCLOSURE = SignalSpec(
    key="disclosure_missing", category="compliance", detector="disclosure_window"
)
PHI = SignalSpec(
    key="identity_verification_incomplete", category="compliance", detector="identity_before_phi"
)
TCPA = SignalSpec(key="tcpa_consent_missing", category="compliance", detector="tcpa_consent")
ALL = [PHRASE, SPIKE, RECOVERY, DISCLOSURE, PHI, TCPA]

META = CallMeta(
    call_id="c-eval", direction="outbound", workflows=frozenset({"phi", "tcpa"}), language="en"
)
CALL = [
    Event("e1", "agent", 0, "Hi, this is Rosa from Evergreen Health."),
    Event("e2", "customer", 3_000, "Hi, I'm calling about my internet bill.", sentiment=0.2),
    Event("e3", "customer", 7_000, "There's a charge I don't understand.", sentiment=0.0),
    Event("e4", "agent", 11_000, "Your metformin prescription was shipped."),
    Event("e5", "customer", 22_000, "This is the third time I've called, I want a refund!"),
    Event("e6", "agent", 26_000, "I'll sign you up for text reminders."),
    Event("e7", "customer", 31_000, "Oh, that worked, thank you so much!", sentiment=0.8),
]


def _key(c):
    return (c.signal, c.event_id, c.confidence, c.offset_ms, c.deadline_ms)


def _run_all(events, *, now=None):
    state = CallState.new(META)
    return evaluate(state, events, ALL, now_offset_ms=now).candidates


def test_evaluate__partial_then_final_same_event_id__never_fires_twice():
    state = CallState.new(META)
    partial = Event("e1", "customer", 1_000, "I want a refund", is_partial=True)
    final = Event("e1", "customer", 1_000, "I want a refund now.")
    first = evaluate(state, [partial], [PHRASE]).candidates
    second = evaluate(state, [final], [PHRASE]).candidates
    assert [c.event_id for c in first] == ["e1"]
    assert second == []


def test_evaluate__partials__do_not_feed_detectors_that_refuse_them():
    state = CallState.new(META)
    partial = Event("e5", "customer", 5_000, "this is ridiculous", is_partial=True)
    assert evaluate(state, [partial], [SPIKE, RECOVERY]).candidates == []
    assert state.events_seen == 0


def test_evaluate__out_of_order_batch__is_scored_in_offset_order():
    in_order = _run_all(CALL)
    shuffled = _run_all([CALL[i] for i in (6, 2, 0, 5, 1, 4, 3)])
    assert [_key(c) for c in shuffled] == [_key(c) for c in in_order]
    assert {c.signal for c in in_order} == {
        "refund_request",
        "frustration_spike",
        "sentiment_recovery",
        "disclosure_missing",
        "identity_verification_incomplete",
        "tcpa_consent_missing",
    }


def test_evaluate__silent_call__disclosure_deadline_through_evaluate_deadlines():
    state = CallState.new(META)
    evaluate(state, CALL[:1], ALL)
    assert evaluate_deadlines(state, ALL, now_offset_ms=19_999).candidates == []
    [cand] = evaluate_deadlines(state, ALL, now_offset_ms=20_000).candidates
    assert cand.signal == "disclosure_missing"
    assert cand.event_id == "e1"
    assert cand.offset_ms == 20_000
    assert cand.deadline_ms == 30_000
    assert evaluate_deadlines(state, ALL, now_offset_ms=25_000).candidates == []


def test_evaluate__now_offset__sweeps_deadlines_after_the_batch():
    state = CallState.new(META)
    candidates = evaluate(state, CALL[:2], ALL, now_offset_ms=21_000).candidates
    assert [c.signal for c in candidates] == ["disclosure_missing"]


def test_evaluate__state_json_round_trip_mid_call__gives_same_results():
    straight = _run_all(CALL)
    for cut in range(len(CALL) + 1):
        state = CallState.new(META)
        first = evaluate(state, CALL[:cut], ALL).candidates
        restored = CallState.from_dict(json.loads(json.dumps(state.to_dict())))
        second = evaluate(restored, CALL[cut:], ALL).candidates
        assert [_key(c) for c in first + second] == [_key(c) for c in straight], cut


def test_evaluate__one_event_at_a_time__matches_one_batch():
    state = CallState.new(META)
    one_by_one = [c for e in CALL for c in evaluate(state, [e], ALL).candidates]
    assert [_key(c) for c in one_by_one] == [_key(c) for c in _run_all(CALL)]


def test_evaluate__replayed_batch__does_not_fire_again():
    state = CallState.new(META)
    evaluate(state, CALL, ALL)
    assert [c for c in evaluate(state, CALL, ALL).candidates if c.signal != "refund_request"] == []
