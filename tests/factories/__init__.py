"""factory-boy factories, one per model: minimal valid objects, traits for states."""

from tests.factories.coaching import (
    CallEventFactory,
    CallFactory,
    CallOutcomeFactory,
    DetectionFactory,
    FeedbackFactory,
    HandoffFactory,
    IntegrationFactory,
    PromptFactory,
)
from tests.factories.rollout import (
    AgentFactory,
    AuditEventFactory,
    PhaseTransitionFactory,
    SignalEnablementFactory,
    TeamDailyRollupFactory,
    TeamFactory,
    UserFactory,
)
from tests.factories.signals import SignalFactory

__all__ = [
    "AgentFactory",
    "AuditEventFactory",
    "CallEventFactory",
    "CallFactory",
    "CallOutcomeFactory",
    "DetectionFactory",
    "FeedbackFactory",
    "HandoffFactory",
    "IntegrationFactory",
    "PhaseTransitionFactory",
    "PromptFactory",
    "SignalEnablementFactory",
    "SignalFactory",
    "TeamDailyRollupFactory",
    "TeamFactory",
    "UserFactory",
]
