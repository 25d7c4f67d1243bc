import pytest

from signals.engine import CallMeta, CallState, Event, SignalSpec, evaluate, evaluate_deadlines
from signals.engine.detectors import validate_detector
from signals.engine.errors import SpecError

DISCLOSURE = SignalSpec(
    key="disclosure_missing", category="compliance", detector="disclosure_window"
)
PHI = SignalSpec(
    key="identity_verification_incomplete", category="compliance", detector="identity_before_phi"
)
TCPA = SignalSpec(key="tcpa_consent_missing", category="compliance", detector="tcpa_consent")


def _state(direction="outbound", workflows=()):
    return CallState.new(
        CallMeta(call_id="c-cmp", direction=direction, workflows=frozenset(workflows))
    )


def _events(turns, step_ms=4000):
    out = []
    for i, turn in enumerate(turns):
        if isinstance(turn[0], int):
            offset, speaker, text = turn
        else:
            (speaker, text), offset = turn, i * step_ms
        out.append(Event(event_id=f"e{i}", speaker=speaker, offset_ms=offset, text=text))
    return out


# --- disclosure_window ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "notice",
    [
        "This call may be recorded for quality purposes.",
        "Just so you know, this conversation is being monitored and recorded.",
        "You're on a recorded line.",
        "We're recording this call for training purposes.",
        "Calls are monitored for quality assurance purposes.",
    ],
)
def test_disclosure__given_in_time__never_fires(notice):
    state = _state()
    events = _events([("agent", "Hi, this is Dana from Acme."), ("agent", notice)])
    result = evaluate(state, events, [DISCLOSURE], now_offset_ms=120_000)
    assert result.candidates == []


def test_disclosure__missing__fires_before_window_closes_with_deadline():
    state = _state()
    events = _events(
        [(0, "agent", "Hi, is this Jordan?"), (21_000, "customer", "Yes, who is this?")]
    )
    candidates = evaluate(state, events, [DISCLOSURE]).candidates
    assert len(candidates) == 1
    cand = candidates[0]
    assert cand.offset_ms == 21_000
    assert cand.deadline_ms == 30_000
    assert cand.offset_ms < cand.deadline_ms
    assert cand.confidence >= 0.9
    assert "recording notice" in cand.evidence


def test_disclosure__silent_call__warns_through_evaluate_deadlines():
    state = _state()
    evaluate(state, _events([(0, "agent", "Hello?")]), [DISCLOSURE])
    assert evaluate_deadlines(state, [DISCLOSURE], now_offset_ms=15_000).candidates == []
    warned = evaluate_deadlines(state, [DISCLOSURE], now_offset_ms=20_000).candidates
    assert [c.deadline_ms for c in warned] == [30_000]
    assert evaluate_deadlines(state, [DISCLOSURE], now_offset_ms=40_000).candidates == []


def test_disclosure__inbound_call__does_not_apply():
    state = _state(direction="inbound")
    assert evaluate_deadlines(state, [DISCLOSURE], now_offset_ms=60_000).candidates == []


def test_disclosure__customer_saying_it__does_not_count():
    state = _state()
    events = _events([(0, "customer", "Is this call being recorded?"), (25_000, "agent", "Hi.")])
    assert len(evaluate(state, events, [DISCLOSURE]).candidates) == 1


def test_disclosure__all_required_groups__must_be_given():
    spec = SignalSpec(
        key="debt_disclosure",
        category="compliance",
        detector="disclosure_window",
        params={
            "required": [
                {"name": "recording notice", "patterns": [r"\brecorded\b"]},
                {"name": "debt collector notice", "patterns": [r"attempt to collect a debt"]},
            ],
            "window_ms": 20_000,
            "warn_before_ms": 5_000,
        },
    )
    state = _state()
    events = _events([(0, "agent", "This call is recorded."), (16_000, "customer", "Okay.")])
    [cand] = evaluate(state, events, [spec]).candidates
    assert cand.deadline_ms == 20_000
    assert "debt collector notice" in cand.evidence
    assert "recording notice" not in cand.evidence


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"window_ms": "30s"}, "params.window_ms"),
        ({"window_ms": 10_000, "warn_before_ms": 10_000}, "params.warn_before_ms"),
        ({"required": []}, "params.required"),
        ({"required": [["(unclosed"]]}, "params.required[0][0]"),
        ({"required": [{"name": "x", "patterns": ["(a+)+"]}]}, "params.required[0].patterns[0]"),
    ],
)
def test_disclosure__invalid_params__name_the_field(params, field):
    with pytest.raises(SpecError) as exc:
        validate_detector("disclosure_window", params)
    assert exc.value.field == field


# --- identity_before_phi --------------------------------------------------------------------------


def _phi(turns):
    return evaluate(_state("inbound", ["phi"]), _events(turns), [PHI]).candidates


def test_phi__verified_then_discussed__never_fires():
    assert (
        _phi(
            [
                ("customer", "Hi, I'm calling about my test results."),
                ("agent", "Sure, can I get your date of birth first?"),
                ("customer", "June 3rd, 1981."),
                ("agent", "Thanks. Your lab results came back normal."),
            ]
        )
        == []
    )


def test_phi__agent_discloses_before_verification__fires_high():
    [cand] = _phi(
        [
            ("customer", "Is my prescription ready? Last name Whitman."),
            ("agent", "Yes, your lisinopril 20 mg is ready for pickup."),
        ]
    )
    assert cand.event_id == "e1"
    assert cand.confidence >= 0.9
    assert "lisinopril" in cand.evidence


def test_phi__request_without_answer__is_not_verification():
    [cand] = _phi(
        [
            ("agent", "Can I get the patient's date of birth?"),
            ("customer", "I don't remember it, sorry."),
            ("agent", "That's okay, her biopsy results came back negative."),
        ]
    )
    assert cand.event_id == "e2"


def test_phi__explicit_agent_confirmation__counts_as_verified():
    assert (
        _phi(
            [
                ("agent", "I see you've already been verified through our phone system."),
                ("agent", "The claim for your physical therapy was denied."),
            ]
        )
        == []
    )


def test_phi__agent_gating_request_mentioning_topic__does_not_fire():
    assert (
        _phi([("agent", "Before we discuss your MRI results, can you confirm your date of birth?")])
        == []
    )


def test_phi__generic_account_talk__never_fires():
    assert (
        _phi(
            [
                ("customer", "Hi, I'm calling about my account."),
                ("agent", "Sure, what do you need?"),
                ("customer", "I need to update my mailing address on the account."),
            ]
        )
        == []
    )


def test_phi__customer_keeps_discussing_phi_unverified__fires_once():
    candidates = _phi(
        [
            ("customer", "I was diagnosed with diabetes last month."),
            ("agent", "Okay."),
            ("customer", "The insulin dosage makes me dizzy."),
            ("agent", "Your metformin was also refilled."),
        ]
    )
    assert [c.event_id for c in candidates] == ["e2"]


def test_phi__workflow_not_tagged__does_not_apply():
    state = _state("inbound", [])
    events = _events([("agent", "Your biopsy results came back positive.")])
    assert evaluate(state, events, [PHI]).candidates == []


# --- tcpa_consent ---------------------------------------------------------------------------------


def _tcpa(turns):
    return evaluate(_state("inbound", ["tcpa"]), _events(turns), [TCPA]).candidates


def test_tcpa__consent_before_step__never_fires():
    assert (
        _tcpa(
            [
                ("agent", "Do I have your permission to send automated texts to this number?"),
                ("customer", "Yes, that's fine."),
                ("agent", "Great, I'll sign you up for text reminders."),
            ]
        )
        == []
    )


def test_tcpa__step_without_consent__fires_at_the_step():
    [cand] = _tcpa(
        [
            ("customer", "I keep forgetting my refills."),
            ("agent", "I'll set you up with text reminders so you get a message."),
        ]
    )
    assert cand.event_id == "e1"
    assert cand.confidence >= 0.9
    assert "never asked" in cand.evidence


def test_tcpa__refusal_then_step__fires_as_declined():
    [cand] = _tcpa(
        [
            ("agent", "Would you like to receive automated reminder calls?"),
            ("customer", "No, please don't."),
            ("agent", "I'll schedule automated reminder calls anyway."),
        ]
    )
    assert "declined" in cand.evidence


def test_tcpa__question_and_step_in_one_line_then_yes__does_not_fire():
    assert (
        _tcpa(
            [
                ("agent", "I can set you up for text alerts when the tech is close, is that okay?"),
                ("customer", "Yeah, please do."),
            ]
        )
        == []
    )


def test_tcpa__no_problem__is_not_a_refusal():
    assert (
        _tcpa(
            [
                ("agent", "Can we text you appointment reminders?"),
                ("customer", "Sure, no problem."),
                ("agent", "Great, text reminders are now set up."),
            ]
        )
        == []
    )


def test_tcpa__fires_at_most_once():
    candidates = _tcpa(
        [
            ("agent", "I'll sign you up for text reminders."),
            ("agent", "You'll also receive automated calls before each payment."),
        ]
    )
    assert len(candidates) == 1


def test_tcpa__invalid_pattern__names_the_param():
    with pytest.raises(SpecError) as exc:
        validate_detector("tcpa_consent", {"step_patterns": ["ok", "[unclosed"]})
    assert exc.value.field == "params.step_patterns[1]"
