import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from rollout.models import (
    Agent,
    AuditEvent,
    PhaseTransition,
    SignalEnablement,
    Team,
    TeamDailyRollup,
    TeamRollout,
)
from tests.factories.signals import SignalFactory


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests-1")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get(name=extracted))
            if extracted == "ops_admin":
                self.is_staff = True
        if create:
            self.save()


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Team {n}")
    slug = factory.Sequence(lambda n: f"team-{n}")
    workflows = factory.LazyFunction(list)

    @factory.post_generation
    def phase(self, create, extracted, **kwargs):
        """``TeamFactory(phase=2, phase__days=60)``: the rollout row, entered ``days`` ago."""
        if not create:
            return
        days = kwargs.get("days", 0)
        TeamRollout.objects.create(
            team=self,
            phase=extracted or 1,
            entered_at=timezone.now() - timezone.timedelta(days=days),
        )


class AgentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agent

    team = factory.SubFactory(TeamFactory)
    external_id = factory.Sequence(lambda n: f"agent-{n}")
    display_name = factory.Sequence(lambda n: f"Agent {n}")


class SignalEnablementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SignalEnablement

    team = factory.SubFactory(TeamFactory)
    signal = factory.SubFactory(SignalFactory)
    enabled = True
    audience = "leads"

    class Params:
        agent_facing = factory.Trait(audience="agents")


class PhaseTransitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PhaseTransition

    team = factory.SubFactory(TeamFactory)
    from_phase = 1
    to_phase = 2
    kind = "advance"
    reason = "Ready"


class AuditEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuditEvent

    actor_type = "system"
    actor_label = "system"
    action = "test.action"
    object_type = "rollout.team"
    object_id = "1"


class TeamDailyRollupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamDailyRollup

    team = factory.SubFactory(TeamFactory)
    day = factory.LazyFunction(lambda: timezone.now().date())
