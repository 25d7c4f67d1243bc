"""Helpers for the API tests: keys, clients, canonical events, the error shape."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from rest_framework.test import APIClient

from coaching.services.integrations import integration_create
from rollout.audit import Actor

SAMPLES = Path(__file__).resolve().parents[2] / "signals" / "engine" / "adapters" / "samples"


def load_sample(name: str) -> Any:
    return copy.deepcopy(json.loads((SAMPLES / name).read_text()))


def make_integration(*teams, name="Acme PBX", **kwargs):
    return integration_create(
        name=name, team_slugs=[t.slug for t in teams], actor=Actor.system("tests"), **kwargs
    )


def client_for(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


def start_call(api: APIClient, call_id: str = "c-1001", **extra: Any):
    body = {"call_id": call_id, "team": "team-a", "agent": "a-7", **extra}
    return api.post("/api/v1/calls/", body, format="json")


def event(i: int, **extra: Any) -> dict[str, Any]:
    return {
        "event_id": f"e{i}",
        "speaker": "customer" if i % 2 else "agent",
        "offset_ms": i * 1000,
        "text": f"Utterance {i}.",
        **extra,
    }


def assert_error(response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert body["code"] == code
    assert body["message"]
    return body


def scoring_enqueues(callbacks) -> int:
    """How many of the captured on-commit callbacks enqueue scoring (others publish to the bus)."""
    return sum(1 for cb in callbacks if cb.__qualname__.startswith("call_score_enqueue."))
