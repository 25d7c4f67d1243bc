"""Fuzz the whole engine with odd text: it never raises and confidences stay in [0, 1]."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signals.catalog import CATALOG
from signals.engine import CallMeta, CallState, Event, SignalSpec, evaluate, evaluate_deadlines
from signals.engine.detectors import REGISTRY
from signals.engine.transcript import MAX_TEXT_CHARS

SPECS = [
    SignalSpec(
        key=e["key"],
        category=e["category"],
        detector=e["detector"],
        params=e["params"],
        stakes=e["stakes"],
        leads_threshold=e["default_threshold"],
    )
    for e in CATALOG
    if e["detector"] in REGISTRY
] + [
    SignalSpec(
        key="custom_phrase",
        category="intent",
        detector="phrase",
        params={
            "phrases": ["refund", "größer"],
            "patterns": [r"\bcancel\w*"],
            "once_per_call": False,
        },
    )
]

ODD_TEXT = st.one_of(
    st.just(""),
    st.text(max_size=200),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.sampled_from(
        [
            "😡😡😡 this is ridiculous 🤬",
            "<script>alert('x')</script> <b>refund</b>",
            "¿Por qué nadie me ayuda? Es la tercera vez que llamo.",
            "请帮我取消订阅",
            "مرحبا، أريد إلغاء الاشتراك",
            "\x00\x01\x02\x1b[31m red \x7f",
            "line\nbreak\r\ttab\u2028sep\u200bzero",
            "date of birth 01/02/1980 " * 50,
            "no no no no no no no " * 100,
            "(((((((((((([[[[[[{{{{{{",
        ]
    ),
    st.builds(
        lambda s, n: (s * n)[:MAX_TEXT_CHARS],
        st.text(min_size=1, max_size=30),
        st.integers(1, 2000),
    ),
    st.just("a" * MAX_TEXT_CHARS),
    st.just(("this is the third time I've called " * 600)[:MAX_TEXT_CHARS]),
)

EVENTS = st.lists(
    st.tuples(
        st.sampled_from(["agent", "customer"]),
        st.integers(0, 3_600_000),
        ODD_TEXT,
        st.one_of(st.none(), st.floats(-1.0, 1.0, allow_nan=False)),
        st.booleans(),
    ),
    max_size=12,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    events=EVENTS,
    direction=st.sampled_from(["inbound", "outbound"]),
    workflows=st.sets(st.sampled_from(["phi", "tcpa", "other"])),
    now=st.one_of(st.none(), st.integers(0, 4_000_000)),
)
def test_evaluate__odd_text__never_raises_and_confidences_in_range(
    events, direction, workflows, now
):
    meta = CallMeta(call_id="fuzz", direction=direction, workflows=frozenset(workflows))
    state = CallState.new(meta)
    batch = [
        Event(f"e{i % 5}", speaker, offset, text, sentiment=sentiment, is_partial=partial)
        for i, (speaker, offset, text, sentiment, partial) in enumerate(events)
    ]
    candidates = evaluate(state, batch, SPECS, now_offset_ms=now).candidates
    candidates += evaluate_deadlines(state, SPECS, now_offset_ms=(now or 0) + 60_000).candidates
    for cand in candidates:
        assert 0.0 <= cand.confidence <= 1.0
        assert len(cand.evidence) <= 200
    json.dumps(state.to_dict())
