import random
import threading

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coaching.models import CallEvent, Detection, Prompt, WebhookDelivery
from coaching.services.scoring import call_score, call_score_deadlines
from tests.factories import CallEventFactory

pytestmark = pytest.mark.django_db


def _events(call, texts, start=0):
    for i, text in enumerate(texts):
        CallEventFactory(
            call=call, event_id=f"e{start + i}", offset_ms=(start + i) * 5000, text=text
        )


def test_call_score__phase_1__routes_to_leads_only_with_reason(make_call, signal):
    call = make_call(phase=1, signals=[signal("churn_intent")], agents=False)
    _events(call, ["Hi there.", "I want to cancel my subscription and switch to another provider."])
    result = call_score(call_pk=call.pk)
    detection = Detection.objects.get(call=call)
    assert detection.signal.key == "churn_intent"
    assert detection.audience == "leads"
    assert detection.reason == "leads_only_phase"
    assert "phase 1" in detection.reason_message
    assert list(Prompt.objects.values_list("audience", flat=True)) == ["leads"]
    assert result.agent_prompts == 0
    assert not CallEvent.objects.filter(call=call, scored_at__isnull=True).exists()


def test_call_score__agent_facing_signal__cues_agent_and_leads_and_sends_webhook(
    make_call, phrase_signals
):
    call = make_call(signals=phrase_signals[:1])
    call.integration.webhook_url = "http://127.0.0.1:9/hook"
    call.integration.webhook_secret = "s3cret"
    call.integration.save()
    _events(call, ["well alpha then"])
    result = call_score(call_pk=call.pk)
    assert result.agent_prompts == 1
    assert sorted(Prompt.objects.values_list("audience", flat=True)) == ["agent", "leads"]
    prompt = Prompt.objects.get(audience="agent")
    assert prompt.label == "Said alpha"
    delivery = WebhookDelivery.objects.get()
    assert delivery.event == "prompt.created"
    assert delivery.payload["prompt_id"] == prompt.pk
    call.refresh_from_db()
    assert call.agent_cues == 1
    assert call.risk > 0


def test_call_score__run_twice__second_run_changes_nothing(make_call, phrase_signals):
    call = make_call(signals=phrase_signals)
    _events(call, ["alpha", "bravo"])
    call_score(call_pk=call.pk)
    counts = (Detection.objects.count(), Prompt.objects.count())
    again = call_score(call_pk=call.pk)
    assert again.events == 0
    assert (Detection.objects.count(), Prompt.objects.count()) == counts


def test_call_score__new_batch__continues_from_saved_state(make_call, phrase_signals):
    call = make_call(signals=phrase_signals[:1])
    _events(call, ["alpha"])
    call_score(call_pk=call.pk)
    _events(call, ["alpha again"], start=1)
    call_score(call_pk=call.pk)
    # once per call: the phrase signal does not fire again on the second batch
    assert Detection.objects.filter(call=call).count() == 1


def test_call_score__shuffled_arrival__same_detections_as_ordered(make_call, phrase_signals):
    texts = ["hello", "alpha", "nothing", "bravo", "charlie", "delta", "bye"]
    ordered = make_call(signals=phrase_signals, budget=2)
    _events(ordered, texts)
    shuffled = make_call(signals=phrase_signals, budget=2)
    rows = list(enumerate(texts))
    random.Random(7).shuffle(rows)
    for i, text in rows:
        CallEventFactory(call=shuffled, event_id=f"e{i}", offset_ms=i * 5000, text=text)
    call_score(call_pk=ordered.pk)
    call_score(call_pk=shuffled.pk)

    def summary(call):
        return list(
            Detection.objects.filter(call=call)
            .order_by("offset_ms", "signal__key")
            .values_list("signal__key", "event_ref", "audience", "reason")
        )

    assert summary(ordered) == summary(shuffled)
    assert [r[2] for r in summary(ordered)].count("agent") == 2


@pytest.mark.django_db(transaction=True)
def test_call_score__two_concurrent_scorers__never_duplicate_or_break_budget(
    make_call, phrase_signals
):
    call = make_call(signals=phrase_signals, budget=2)
    _events(call, ["alpha", "bravo", "charlie", "delta"])
    barrier = threading.Barrier(2)
    errors = []

    def worker():
        try:
            barrier.wait()
            call_score(call_pk=call.pk)
        except Exception as exc:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Detection.objects.filter(call=call).count() == 4
    assert Prompt.objects.filter(call=call, audience="agent").count() == 2


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    batches=st.lists(
        st.lists(st.sampled_from(["alpha", "bravo", "charlie", "delta", "ok", "hmm"]), max_size=6),
        min_size=1,
        max_size=5,
    ),
    budget=st.integers(min_value=2, max_value=4),
)
def test_call_score__any_sequence_of_batches__never_exceeds_agent_budget(
    make_call, phrase_signals, batches, budget
):
    call = make_call(signals=phrase_signals, budget=budget)
    n = 0
    for batch in batches:
        for text in batch:
            CallEventFactory(call=call, event_id=f"e{n}", offset_ms=n * 1000, text=text)
            n += 1
        call_score(call_pk=call.pk)
    agent = Prompt.objects.filter(call=call, audience="agent").count()
    call.refresh_from_db()
    assert agent <= budget
    assert call.agent_cues == agent


def test_call_score_deadlines__silent_outbound_call__warns_before_window_closes(make_call, signal):
    from django.utils import timezone

    started = timezone.now() - timezone.timedelta(seconds=25)
    call = make_call(
        phase=2, signals=[signal("disclosure_missing")], direction="outbound", started_at=started
    )
    result = call_score_deadlines(call_pk=call.pk)
    detection = Detection.objects.get(call=call)
    assert detection.signal.key == "disclosure_missing"
    assert detection.deadline_ms is not None
    assert detection.offset_ms < detection.deadline_ms
    assert detection.audience == "agent"
    assert result.agent_prompts == 1
    # the sweep running again does not warn twice
    call_score_deadlines(call_pk=call.pk)
    assert Detection.objects.filter(call=call).count() == 1


def test_call_score_deadlines__disclosure_given__never_warns(make_call, signal):
    from django.utils import timezone

    started = timezone.now() - timezone.timedelta(seconds=60)
    call = make_call(
        phase=2, signals=[signal("disclosure_missing")], direction="outbound", started_at=started
    )
    CallEventFactory(
        call=call,
        speaker="agent",
        event_id="a1",
        offset_ms=1000,
        text="Hi, this is Dana from Acme. This call may be recorded for quality purposes.",
    )
    call_score(call_pk=call.pk)
    call_score_deadlines(call_pk=call.pk)
    assert not Detection.objects.filter(call=call).exists()
