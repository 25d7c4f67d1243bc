"""``upstream_category``: a vendor's own detection (a Contact Lens or Transcribe category, say)
entering the same path as Coachplane's detectors, so it is thresholded, routed under the budget and
audited like any other signal.

Params: ``categories`` (the vendor's category names, matched case-insensitively), ``confidence``
(what a match is worth; default 0.9, since the vendor already decided) and ``once_per_call``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from signals.engine.detectors.base import Detector, register
from signals.engine.errors import SpecError
from signals.engine.spec import Candidate, SignalSpec
from signals.engine.text import param_bool, param_float, reject_unknown
from signals.engine.transcript import CallMeta, Event

KNOWN = ("categories", "confidence", "once_per_call")


@register
class UpstreamCategoryDetector(Detector):
    kind: ClassVar[str] = "upstream_category"
    accepts_partials: ClassVar[bool] = False

    def __init__(self, spec: SignalSpec) -> None:
        super().__init__(spec)
        self.categories = frozenset(c.lower() for c in self.params["categories"])
        self.confidence = float(self.params["confidence"])
        self.once = bool(self.params["once_per_call"])

    @classmethod
    def validate_params(cls, params: Mapping[str, Any]) -> dict[str, Any]:
        params = super().validate_params(params)
        reject_unknown(params, KNOWN)
        categories = params.get("categories")
        if (
            not isinstance(categories, list)
            or not categories
            or not all(isinstance(c, str) and c.strip() for c in categories)
        ):
            raise SpecError(
                "List the vendor category names this signal stands for.",
                field="params.categories",
            )
        return {
            "categories": [c.strip() for c in categories],
            "confidence": param_float(params, "confidence", 0.9, lo=0.0, hi=1.0),
            "once_per_call": param_bool(params, "once_per_call", True),
        }

    def on_event(self, event: Event, meta: CallMeta, memory: dict[str, Any]) -> Candidate | None:
        if not event.categories or (self.once and memory.get("fired")):
            return None
        matched = [c for c in event.categories if c.lower() in self.categories]
        if not matched:
            return None
        memory["fired"] = True
        return Candidate(
            signal=self.spec.key,
            confidence=self.confidence,
            event_id=event.event_id,
            offset_ms=event.offset_ms,
            evidence=f"upstream category: {', '.join(matched)}"[:200],
        )
