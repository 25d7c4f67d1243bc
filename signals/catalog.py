"""The seed signal catalog: stable keys and their default detector specs.

Pure data (no Django imports) so the seed migration, the replay command, the quality report and the
benchmarks all read the same list. Cue labels are short visual labels, never a script.
"""

from __future__ import annotations

from typing import Any

CATALOG: list[dict[str, Any]] = [
    {
        "key": "frustration_spike",
        "name": "Frustration spike",
        "category": "emotion",
        "stakes": "medium",
        "default_threshold": 0.8,
        "cue_label": "Frustration rising",
        "handoff_desk": "",
        "detector": "frustration_spike",
        "params": {},
    },
    {
        "key": "sentiment_recovery",
        "name": "Sentiment recovery",
        "category": "emotion",
        "stakes": "low",
        "default_threshold": 0.7,
        "cue_label": "Sentiment recovering",
        "handoff_desk": "",
        "detector": "sentiment_recovery",
        "params": {},
    },
    {
        "key": "escalation_request",
        "name": "Escalation request",
        "category": "emotion",
        "stakes": "high",
        "default_threshold": 0.8,
        "cue_label": "Escalation requested — supervisor available",
        "handoff_desk": "",
        "detector": "intent",
        "params": {"intent": "escalation"},
    },
    {
        "key": "disclosure_missing",
        "name": "Disclosure missing",
        "category": "compliance",
        "stakes": "high",
        "default_threshold": 0.9,
        "cue_label": "Disclosure due",
        "handoff_desk": "",
        "detector": "disclosure_window",
        "params": {},
    },
    {
        "key": "identity_verification_incomplete",
        "name": "Identity verification incomplete",
        "category": "compliance",
        "stakes": "high",
        "default_threshold": 0.9,
        "cue_label": "Verify identity first",
        "handoff_desk": "",
        "detector": "identity_before_phi",
        "params": {},
    },
    {
        "key": "tcpa_consent_missing",
        "name": "TCPA consent missing",
        "category": "compliance",
        "stakes": "high",
        "default_threshold": 0.9,
        "cue_label": "Consent not captured",
        "handoff_desk": "",
        "detector": "tcpa_consent",
        "params": {},
    },
    {
        "key": "churn_intent",
        "name": "Churn intent",
        "category": "intent",
        "stakes": "high",
        "default_threshold": 0.8,
        "cue_label": "Churn risk — save desk available",
        "handoff_desk": "save",
        "detector": "intent",
        "params": {"intent": "churn"},
    },
    {
        "key": "expansion_opportunity",
        "name": "Expansion opportunity",
        "category": "intent",
        "stakes": "medium",
        "default_threshold": 0.7,
        "cue_label": "Expansion interest — revenue desk available",
        "handoff_desk": "revenue",
        "detector": "intent",
        "params": {"intent": "expansion"},
    },
]

CATALOG_KEYS: tuple[str, ...] = tuple(entry["key"] for entry in CATALOG)


def catalog_entry(key: str) -> dict[str, Any]:
    """The seed entry for ``key`` (a copy); ``KeyError`` when the key is not in the catalog."""
    for entry in CATALOG:
        if entry["key"] == key:
            return {**entry, "params": dict(entry["params"])}
    raise KeyError(key)
