import factory

from signals.models import Signal


class SignalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Signal
        django_get_or_create = ("key",)

    key = factory.Sequence(lambda n: f"custom_signal_{n}")
    name = factory.LazyAttribute(lambda o: o.key.replace("_", " ").capitalize())
    category = "intent"
    stakes = "medium"
    default_threshold = 0.8
    cue_label = "Custom cue"
    detector = "phrase"
    params = factory.LazyFunction(lambda: {"phrases": ["special offer"]})

    class Params:
        compliance = factory.Trait(category="compliance", stakes="high")
        emotion = factory.Trait(category="emotion")
