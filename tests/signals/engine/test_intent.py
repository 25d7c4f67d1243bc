import pytest

from signals.engine import CallMeta, CallState, Event, SignalSpec, evaluate
from signals.engine.detectors.base import REGISTRY, validate_detector
from signals.engine.detectors.intent import MAX_EVIDENCE_CHARS, IntentDetector
from signals.engine.errors import SpecError

KEYS = {
    "escalation": "escalation_request",
    "churn": "churn_intent",
    "expansion": "expansion_opportunity",
}
THRESHOLD = 0.7


def _spec(intent: str, **params: object) -> SignalSpec:
    return SignalSpec(
        key=KEYS[intent], category="intent", detector="intent", params={"intent": intent, **params}
    )


def _confidence(intent: str, text: str, speaker: str = "customer") -> float:
    state = CallState.new(CallMeta(call_id="c1"))
    event = Event(event_id="e1", speaker=speaker, offset_ms=0, text=text)  # type: ignore[arg-type]
    found = evaluate(state, [event], [_spec(intent)]).candidates
    return max((c.confidence for c in found), default=0.0)


def test_intent__kind_is_registered():
    assert REGISTRY["intent"] is IntentDetector


@pytest.mark.parametrize(
    "text",
    [
        "Can I speak to your supervisor please?",
        "Get me a manager.",
        "I want to talk to a real person.",
        "Let me talk to someone else, this isn't working.",
        "Transfer me to a live agent.",
    ],
)
def test_escalation__asking_for_someone_else__fires(text):
    assert _confidence("escalation", text) >= THRESHOLD


@pytest.mark.parametrize(
    "text",
    [
        "My manager asked me to call about the invoice.",
        "Who is my account manager?",
        "I don't need a supervisor, you're doing fine.",
        "I spoke to a supervisor last week and it was fixed.",
        "Can you help me with my bill?",
    ],
)
def test_escalation__look_alikes__do_not_fire(text):
    assert _confidence("escalation", text) < THRESHOLD


@pytest.mark.parametrize(
    "text",
    [
        "I want to cancel my account.",
        "I'm cancelling my service today.",
        "We're gonna switch to another provider.",
        "Please close my account, I'm done with you.",
        "What's the early termination fee if I leave?",
    ],
)
def test_churn__wanting_to_leave__fires(text):
    assert _confidence("churn", text) >= THRESHOLD


@pytest.mark.parametrize(
    "text",
    [
        "Cancel this order.",
        "I'd like to cancel my order please.",
        "Unsubscribe me from the newsletter.",
        "I don't want to cancel, I just want a discount.",
        "Does my wife need to cancel her account herself?",
        "Please close the old ticket about the late fee.",
    ],
)
def test_churn__look_alikes__do_not_fire(text):
    assert _confidence("churn", text) < THRESHOLD


def test_churn__cancel_this_order__does_not_fire():
    assert _confidence("churn", "cancel this order") < THRESHOLD


@pytest.mark.parametrize(
    "text",
    [
        "I'd like to upgrade to the premium plan.",
        "We need to add two more seats.",
        "Can we add a line for my daughter?",
        "What would it cost to move up to the enterprise tier?",
    ],
)
def test_expansion__wanting_more__fires(text):
    assert _confidence("expansion", text) >= THRESHOLD


@pytest.mark.parametrize(
    "text",
    [
        "Downgrade to basic.",
        "I need more time to pay the bill.",
        "Where is my order?",
        "I'm not interested in upgrading.",
    ],
)
def test_expansion__look_alikes__do_not_fire(text):
    assert _confidence("expansion", text) < THRESHOLD


@pytest.mark.parametrize("intent", ["escalation", "churn", "expansion"])
def test_intent__agent_speech__never_fires(intent):
    texts = {
        "escalation": "Would you like me to transfer you to a supervisor?",
        "churn": "I can cancel your account for you today.",
        "expansion": "Would you like to upgrade to premium?",
    }
    assert _confidence(intent, texts[intent], speaker="agent") == 0.0


def test_intent__fires_once_per_call_unless_much_stronger():
    state = CallState.new(CallMeta(call_id="c1"))
    events = [
        Event(event_id=f"e{i}", speaker="customer", offset_ms=i * 1000, text=text)
        for i, text in enumerate(["I want to cancel my account.", "Cancel my account now."], 1)
    ]
    found = evaluate(state, events, [_spec("churn")]).candidates
    assert [c.event_id for c in found] == ["e1"]
    assert state.memory["churn_intent"]["best"] == found[0].confidence


def test_intent__partial_transcripts__are_ignored():
    state = CallState.new(CallMeta(call_id="c1"))
    event = Event(
        event_id="e1", speaker="customer", offset_ms=0, text="I want to cancel", is_partial=True
    )
    assert evaluate(state, [event], [_spec("churn")]).candidates == []


def test_intent__evidence__is_the_matched_span_and_short():
    text = "Well " * 100 + "I want to cancel my service." + " really" * 100
    state = CallState.new(CallMeta(call_id="c1"))
    event = Event(event_id="e1", speaker="customer", offset_ms=0, text=text)
    (candidate,) = evaluate(state, [event], [_spec("churn")]).candidates
    assert "cancel my service" in candidate.evidence
    assert len(candidate.evidence) <= MAX_EVIDENCE_CHARS


def test_intent__extra_phrase__fires_on_admin_phrase():
    spec = _spec("churn", extra_phrases=["pull the plug"])
    state = CallState.new(CallMeta(call_id="c1"))
    event = Event(
        event_id="e1", speaker="customer", offset_ms=0, text="I'm going to pull the plug on this"
    )
    (candidate,) = evaluate(state, [event], [spec]).candidates
    assert candidate.evidence.endswith("pull the plug") or "pull the plug" in candidate.evidence


def test_validate_params__fills_defaults():
    params = validate_detector("intent", {"intent": "expansion"})
    assert params["min_confidence"] == 0.5
    assert params["extra_phrases"] == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"intent": "refund"}, "params.intent"),
        ({"intent": "churn", "min_confidence": 1.5}, "params.min_confidence"),
        ({"intent": "churn", "min_confidence": True}, "params.min_confidence"),
        ({"intent": "churn", "extra_phrases": "cancel"}, "params.extra_phrases"),
        ({"intent": "churn", "colour": "red"}, "params.colour"),
    ],
)
def test_validate_params__bad_value__names_the_field(params, field):
    with pytest.raises(SpecError) as info:
        validate_detector("intent", params)
    assert info.value.field == field
