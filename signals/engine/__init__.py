"""Coachplane's detection engine: pure Python, no Django.

Public surface:
- ``transcript``: the canonical call/event model and its parser (``parse_call``, ``load_calls``).
- ``spec``: ``SignalSpec`` (what a team has enabled) and ``Candidate`` (what a detector noticed).
- ``state``: ``CallState``, the per-call memory detectors keep between batches (JSON round-trips).
- ``evaluate(state, new_events, specs, now_offset_ms=None)``: run the detectors, return candidates.
- ``routing``: ``route_candidates`` decides who sees each candidate under the density budget.
- ``adapters``: platform payloads (Contact Lens, Transcribe, Google CCAI, Twilio) to canonical
  events.
"""

from signals.engine.evaluate import EvalResult, evaluate, evaluate_deadlines
from signals.engine.spec import Candidate, SignalSpec
from signals.engine.state import CallState
from signals.engine.transcript import CallMeta, Event, Transcript, TranscriptError

__all__ = [
    "CallMeta",
    "CallState",
    "Candidate",
    "EvalResult",
    "Event",
    "SignalSpec",
    "Transcript",
    "TranscriptError",
    "evaluate",
    "evaluate_deadlines",
]
