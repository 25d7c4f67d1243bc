"""Per-call memory kept between batches. Plain JSON so a worker can store it on the call row."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from signals.engine.transcript import CallMeta, parse_meta


@dataclass(slots=True)
class CallState:
    """What the engine remembers about one call.

    ``memory`` holds each signal's detector memory (keyed by signal key; JSON values only).
    ``fired`` maps a signal key to the event ids it already produced a candidate for, so a partial
    and its final transcript never fire the same signal twice.
    """

    meta: CallMeta
    last_offset_ms: int = 0
    last_event_id: str = ""
    events_seen: int = 0
    memory: dict[str, dict[str, Any]] = field(default_factory=dict)
    fired: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def new(cls, meta: CallMeta) -> CallState:
        return cls(meta=meta)

    def has_fired(self, signal: str, event_id: str | None = None) -> bool:
        ids = self.fired.get(signal)
        if not ids:
            return False
        return event_id is None or event_id in ids

    def mark_fired(self, signal: str, event_id: str) -> None:
        self.fired.setdefault(signal, []).append(event_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "meta": {
                "call_id": self.meta.call_id,
                "direction": self.meta.direction,
                "workflows": sorted(self.meta.workflows),
                "language": self.meta.language,
            },
            "last_offset_ms": self.last_offset_ms,
            "last_event_id": self.last_event_id,
            "events_seen": self.events_seen,
            "memory": self.memory,
            "fired": self.fired,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CallState:
        return cls(
            meta=parse_meta(data["meta"]),
            last_offset_ms=int(data.get("last_offset_ms", 0)),
            last_event_id=str(data.get("last_event_id", "")),
            events_seen=int(data.get("events_seen", 0)),
            memory=dict(data.get("memory", {})),
            fired={k: list(v) for k, v in data.get("fired", {}).items()},
        )
