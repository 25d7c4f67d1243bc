"""The engine's entry point: run the enabled detectors over new events of one call."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from signals.engine import detectors as _detectors  # noqa: F401  (registers the built-in kinds)
from signals.engine.detectors.base import Detector, build
from signals.engine.spec import Candidate, SignalSpec
from signals.engine.state import CallState
from signals.engine.transcript import Event


@dataclass(frozen=True, slots=True)
class EvalResult:
    candidates: list[Candidate]
    state: CallState


def _active(state: CallState, specs: Sequence[SignalSpec]) -> list[tuple[SignalSpec, Detector]]:
    out = []
    for spec in specs:
        detector = build(spec)
        if detector.applies(state.meta):
            out.append((spec, detector))
    return out


def _accept(state: CallState, candidate: Candidate | None, out: list[Candidate]) -> None:
    if candidate is None or state.has_fired(candidate.signal, candidate.event_id):
        return
    state.mark_fired(candidate.signal, candidate.event_id)
    out.append(candidate)


def evaluate(
    state: CallState,
    new_events: Iterable[Event],
    specs: Sequence[SignalSpec],
    *,
    now_offset_ms: int | None = None,
) -> EvalResult:
    """Score ``new_events`` (any order; scored in call-time order) against ``specs``.

    Mutates and returns ``state``. Deterministic. A signal fires at most once per utterance, so a
    partial transcript and its final version never produce the same candidate twice.
    """
    active = _active(state, specs)
    out: list[Candidate] = []
    for event in sorted(new_events, key=lambda e: e.offset_ms):
        for spec, detector in active:
            if event.is_partial and not detector.accepts_partials:
                continue
            memory = state.memory.setdefault(spec.key, {})
            _accept(state, detector.on_event(event, state.meta, memory), out)
        if not event.is_partial:
            state.events_seen += 1
        if event.offset_ms >= state.last_offset_ms:
            state.last_offset_ms = max(event.offset_ms, event.end_offset_ms or 0)
            state.last_event_id = event.event_id
        for spec, detector in active:
            memory = state.memory.setdefault(spec.key, {})
            _accept(
                state,
                detector.on_time(state.last_offset_ms, state.meta, memory, state.last_event_id),
                out,
            )
    if now_offset_ms is not None:
        out.extend(evaluate_deadlines(state, specs, now_offset_ms=now_offset_ms).candidates)
    return EvalResult(candidates=out, state=state)


def evaluate_deadlines(
    state: CallState, specs: Sequence[SignalSpec], *, now_offset_ms: int
) -> EvalResult:
    """Advance call time with no new utterance (a silent call) and collect deadline warnings."""
    out: list[Candidate] = []
    now = max(now_offset_ms, state.last_offset_ms)
    for spec, detector in _active(state, specs):
        memory = state.memory.setdefault(spec.key, {})
        _accept(state, detector.on_time(now, state.meta, memory, state.last_event_id), out)
    return EvalResult(candidates=out, state=state)
