"""Schema additions for what is not a DRF view: the server-sent event stream at /api/v1/stream/."""

from __future__ import annotations

from typing import Any


def add_stream_endpoint(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular post-processing hook: document ``GET /api/v1/stream/``."""
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    has_error = "Error" in result.get("components", {}).get("schemas", {})
    result.setdefault("paths", {})["/api/v1/stream/"] = {
        "get": {
            "operationId": "stream_agent_cues",
            "summary": "Agent cues as server-sent events",
            "description": (
                "A `text/event-stream` of the integration's agent cues as they are routed: "
                "`event: prompt` with `data:` the same JSON as the `prompt.created` webhook. A "
                "`: keep-alive` comment every 15 s; reconnect on close. Cues missed while "
                "disconnected are in `GET /api/v1/calls/{call_id}/prompts/?after=ID`."
            ),
            "tags": ["prompts"],
            "security": [{"ApiKey": []}],
            "responses": {
                "200": {
                    "description": "The event stream (never ends on its own).",
                    "content": {"text/event-stream": {"schema": {"type": "string"}}},
                },
                "401": {
                    "description": "Missing, unknown or revoked key.",
                    **({"content": error} if has_error else {}),
                },
            },
        }
    }
    return result
