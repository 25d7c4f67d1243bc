import factory
from django.utils import timezone

from coaching.models import (
    Call,
    CallEvent,
    CallOutcome,
    Detection,
    Feedback,
    Handoff,
    Integration,
    Prompt,
)
from tests.factories.rollout import AgentFactory, TeamFactory, UserFactory
from tests.factories.signals import SignalFactory


class IntegrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Integration

    name = factory.Sequence(lambda n: f"Integration {n}")
    key_prefix = factory.Sequence(lambda n: f"k{n:07d}")
    key_hash = "0" * 64


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call

    integration = factory.SubFactory(IntegrationFactory)
    team = factory.SubFactory(TeamFactory)
    agent = factory.SubFactory(AgentFactory, team=factory.SelfAttribute("..team"))
    external_id = factory.Sequence(lambda n: f"call-{n}")
    started_at = factory.LazyFunction(timezone.now)

    class Params:
        ended = factory.Trait(status="ended", ended_at=factory.LazyFunction(timezone.now))


class CallEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CallEvent

    call = factory.SubFactory(CallFactory)
    event_id = factory.Sequence(lambda n: f"e{n}")
    speaker = "customer"
    offset_ms = factory.Sequence(lambda n: n * 3000)
    text = "Okay."


class DetectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Detection

    call = factory.SubFactory(CallFactory)
    signal = factory.SubFactory(SignalFactory)
    event_ref = factory.Sequence(lambda n: f"e{n}")
    confidence = 0.9
    offset_ms = 1000
    above_threshold = True
    audience = "leads"
    reason = "leads_only_phase"
    reason_message = "Leads only: not agent-facing in phase 1."
    phase = 1
    config_version = 1


class PromptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Prompt

    detection = factory.SubFactory(DetectionFactory)
    call = factory.SelfAttribute("detection.call")
    audience = "agent"
    signal_key = factory.SelfAttribute("detection.signal.key")
    label = "Cue"


class FeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Feedback

    detection = factory.SubFactory(DetectionFactory)
    user = factory.SubFactory(UserFactory)
    useful = True


class HandoffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Handoff

    prompt = factory.SubFactory(PromptFactory)
    call = factory.SelfAttribute("prompt.call")
    desk = "save"


class CallOutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CallOutcome

    call = factory.SubFactory(CallFactory)
    csat = 4
    resolved = True
