"""``phrase``: the generic phrase/pattern detector ops admins use to add signals without code.

Params:
- ``phrases``: literal phrases, case-insensitive, matched on word boundaries with flexible spacing;
- ``patterns``: regular expressions (validated: syntax, length, no nested quantifiers or
  backreferences, so one admin's pattern cannot stall a worker);
- ``speaker``: ``"customer"``, ``"agent"`` or ``"any"``;
- ``exclude``: phrases that veto a match in the same utterance ("not cancel", "just kidding");
- ``confidence`` (default 0.9) and ``once_per_call`` (default true).

At least one phrase or pattern is required. Partial transcripts are looked at (a keyword is worth
surfacing early); the engine never lets a partial and its final fire twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from signals.engine.detectors.base import Detector, register
from signals.engine.errors import SpecError
from signals.engine.spec import Candidate, SignalSpec
from signals.engine.text import (
    normalize,
    param_bool,
    param_choice,
    param_float,
    param_patterns,
    param_phrases,
    phrase_source,
    reject_unknown,
    span_around,
    union,
)
from signals.engine.transcript import CallMeta, Event

SPEAKERS = ("customer", "agent", "any")
KNOWN = ("phrases", "patterns", "speaker", "exclude", "confidence", "once_per_call")


@register
class PhraseDetector(Detector):
    kind: ClassVar[str] = "phrase"
    accepts_partials: ClassVar[bool] = True

    def __init__(self, spec: SignalSpec) -> None:
        super().__init__(spec)
        p = self.params
        self.match = union([phrase_source(x) for x in p["phrases"]] + list(p["patterns"]))
        self.exclude = union([phrase_source(x) for x in p["exclude"]])
        self.speaker = str(p["speaker"])
        self.confidence = float(p["confidence"])
        self.once = bool(p["once_per_call"])

    @classmethod
    def validate_params(cls, params: Mapping[str, Any]) -> dict[str, Any]:
        params = super().validate_params(params)
        reject_unknown(params, KNOWN)
        phrases = param_phrases(params, "phrases", [])
        patterns = param_patterns(params, "patterns", [])
        if not phrases and not patterns:
            raise SpecError("Give at least one phrase or pattern.", field="params.phrases")
        return {
            "phrases": phrases,
            "patterns": patterns,
            "speaker": param_choice(params, "speaker", "any", SPEAKERS),
            "exclude": param_phrases(params, "exclude", []),
            "confidence": param_float(params, "confidence", 0.9, lo=0.0, hi=1.0),
            "once_per_call": param_bool(params, "once_per_call", True),
        }

    def on_event(self, event: Event, meta: CallMeta, memory: dict[str, Any]) -> Candidate | None:
        if self.match is None or (self.once and memory.get("fired")):
            return None
        if self.speaker != "any" and event.speaker != self.speaker:
            return None
        text = normalize(event.text)
        m = self.match.search(text)
        if m is None:
            return None
        if self.exclude is not None and self.exclude.search(text):
            return None
        memory["fired"] = True
        return Candidate(
            signal=self.spec.key,
            confidence=self.confidence,
            event_id=event.event_id,
            offset_ms=event.offset_ms,
            evidence=f"{event.speaker}: '{span_around(text, m.start(), m.end())}'",
        )
