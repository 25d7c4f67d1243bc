"""The detector protocol and the registry of detector kinds.

A detector kind is a class registered under a stable name (``"intent"``, ``"phrase"``,
``"disclosure_window"`` ...). ``validate_params`` checks and completes a parameter dict (raising
``SpecError`` naming the parameter); an instance is built once per ``SignalSpec`` and must be cheap
to call: compile patterns in ``__init__``, never per event.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from signals.engine.errors import SpecError
from signals.engine.spec import Candidate, SignalSpec
from signals.engine.transcript import CallMeta, Event


class Detector:
    kind: ClassVar[str] = ""
    #: whether unstable partial transcripts are shown to ``on_event``.
    accepts_partials: ClassVar[bool] = True

    def __init__(self, spec: SignalSpec) -> None:
        self.spec = spec
        self.params: dict[str, Any] = self.validate_params(spec.params)

    @classmethod
    def validate_params(cls, params: Mapping[str, Any]) -> dict[str, Any]:
        """Return the complete parameter dict (defaults filled in) or raise ``SpecError``."""
        if not isinstance(params, Mapping):
            raise SpecError("Detector parameters must be an object.", field="params")
        return dict(params)

    @classmethod
    def default_params(cls) -> dict[str, Any]:
        return cls.validate_params({})

    def applies(self, meta: CallMeta) -> bool:
        """Whether this detector is relevant to the call at all (direction, workflows)."""
        return True

    def on_event(self, event: Event, meta: CallMeta, memory: dict[str, Any]) -> Candidate | None:
        """Look at one utterance; update ``memory`` in place; return a candidate or ``None``."""
        return None

    def on_time(
        self, now_offset_ms: int, meta: CallMeta, memory: dict[str, Any], last_event_id: str
    ) -> Candidate | None:
        """Called as call time advances (after each event, and on sweeps of silent calls)."""
        return None


REGISTRY: dict[str, type[Detector]] = {}


def register(cls: type[Detector]) -> type[Detector]:
    if not cls.kind:
        raise ValueError("detector kind must be set")
    REGISTRY[cls.kind] = cls
    return cls


def detector_kinds() -> list[str]:
    return sorted(REGISTRY)


def validate_detector(kind: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """Validate a detector kind and its parameters; return the completed parameters."""
    cls = REGISTRY.get(kind)
    if cls is None:
        raise SpecError(
            f'Unknown detector kind "{kind}". Known kinds: {", ".join(detector_kinds())}.',
            field="detector",
        )
    return cls.validate_params(params)


_BUILT: dict[int, tuple[SignalSpec, Detector]] = {}


def build(spec: SignalSpec) -> Detector:
    """The detector instance for a spec, built once and cached by the spec object's identity."""
    hit = _BUILT.get(id(spec))
    if hit is not None and hit[0] is spec:
        return hit[1]
    cls = REGISTRY.get(spec.detector)
    if cls is None:
        validate_detector(spec.detector, spec.params)  # raises a SpecError naming the kind
        raise AssertionError("unreachable")
    detector = cls(spec)
    if len(_BUILT) > 4096:
        _BUILT.clear()
    _BUILT[id(spec)] = (spec, detector)
    return detector
