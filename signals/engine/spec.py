"""What a team has enabled (``SignalSpec``) and what a detector noticed (``Candidate``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Category = Literal["emotion", "compliance", "intent"]
Stakes = Literal["low", "medium", "high"]
Audience = Literal["agent", "leads"]

CATEGORY_RANK: dict[str, int] = {"compliance": 0, "intent": 1, "emotion": 2}
STAKES_RANK: dict[str, int] = {"high": 0, "medium": 1, "low": 2}


@dataclass(frozen=True, slots=True)
class SignalSpec:
    """One enabled signal as the engine and the router see it.

    ``leads_threshold`` is the minimum confidence for leads to see a candidate;
    ``agent_threshold`` is ``None`` when the signal is not agent-facing for this team/phase, else
    the (stricter) agent minimum.
    """

    key: str
    category: Category
    detector: str
    params: Mapping[str, Any] = field(default_factory=dict)
    stakes: Stakes = "medium"
    leads_threshold: float = 0.5
    agent_threshold: float | None = None
    cue_label: str = ""
    handoff_desk: str = ""

    @property
    def priority(self) -> tuple[int, int]:
        """Lower sorts first: compliance, then churn intent, then the rest; then by stakes."""
        if self.category == "compliance":
            cat = 0
        elif self.key == "churn_intent":
            cat = 1
        else:
            cat = 2 + CATEGORY_RANK.get(self.category, 3)
        return (cat, STAKES_RANK.get(self.stakes, 3))


@dataclass(frozen=True, slots=True)
class Candidate:
    """A detector's finding on one call.

    ``event_id``/``offset_ms`` point at the utterance that triggered it (for deadline findings on a
    silent call: the last event seen and the call time at which the warning fired). ``evidence`` is
    the matched span or a short machine-readable explanation; never more than ~200 characters.
    ``deadline_ms`` is set for compliance windows: the call time at which the window closes.
    """

    signal: str
    confidence: float
    event_id: str
    offset_ms: int
    evidence: str = ""
    deadline_ms: int | None = None
