"""Server-sent event streams fed by the live bus (ASGI: served by uvicorn, never buffered).

- ``/floor/stream/``: a floor lead's teams (ops admins: every team), for the triage page;
- ``/floor/stream/agent/``: the signed-in agent's own cues, for the cue panel.

Each message is ``event: <type>`` + ``data: <json>``; a comment line goes out every
``HEARTBEAT_S`` seconds so proxies keep the connection open and dead clients are noticed.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from asgiref.sync import sync_to_async
from django.db import connection
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse

from coaching import bus
from config.roles import is_agent, is_floor_lead, is_ops_admin
from rollout.models import Agent, Team

HEARTBEAT_S = 15.0


def sse_format(message: dict[str, Any]) -> str:
    kind = str(message.get("type", "message"))
    return f"event: {kind}\ndata: {json.dumps(message, separators=(',', ':'), default=str)}\n\n"


async def sse_events(
    channels: list[str], *, heartbeat_s: float = HEARTBEAT_S
) -> AsyncIterator[str]:
    async with bus.subscribe(channels) as sub:
        yield "retry: 2000\n: connected\n\n"
        while True:
            message = await sub.get(timeout=heartbeat_s)
            yield ": keep-alive\n\n" if message is None else sse_format(message)


def sse_response(channels: list[str]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(sse_events(channels), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response


def _lead_channels(user: Any) -> list[str] | None:
    if is_ops_admin(user):
        ids = list(Team.objects.values_list("pk", flat=True))
    elif is_floor_lead(user):
        ids = list(user.lead_teams.values_list("pk", flat=True))
    else:
        return None
    return [bus.team_channel(i) for i in ids]


def _agent_channels(user: Any) -> list[str] | None:
    if not is_agent(user):
        return None
    agent = Agent.objects.filter(user=user).values_list("pk", flat=True).first()
    return [bus.agent_channel(agent)] if agent else []


def _release_connection() -> None:
    """A stream stays open for hours: give its database connection back once it knows who is
    asking, instead of holding it (and a pool slot) until the client goes away."""
    connection.close()


async def _guarded(request: HttpRequest, pick: Any) -> HttpResponse:
    if request.method != "GET":
        return HttpResponse(status=405, headers={"Allow": "GET"})
    user = await request.auser()
    if not user.is_authenticated:
        return HttpResponse("Log in first.", status=401, content_type="text/plain")
    channels = await sync_to_async(pick)(user)
    await sync_to_async(_release_connection)()
    if channels is None:
        return HttpResponse("Your role cannot open this stream.", status=403)
    return sse_response(channels)


async def team_stream(request: HttpRequest) -> HttpResponse:
    """Floor leads' live stream: calls and detections of their teams."""
    return await _guarded(request, _lead_channels)


async def agent_stream(request: HttpRequest) -> HttpResponse:
    """An agent's live stream: their own cues only."""
    return await _guarded(request, _agent_channels)


async def integration_stream(request: HttpRequest) -> HttpResponse:
    """``GET /api/v1/stream/``: agent cues of the integration's calls, for desktops that take pushes
    (``Authorization: Api-Key <key>``). Same messages as the agent-cue webhooks."""
    from coaching.services.integrations import integration_by_key

    if request.method != "GET":
        return _api_error(405, "method_not_allowed", "Use GET.")
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    if scheme != "Api-Key" or not key.strip():
        return _api_error(401, "not_authenticated", "Send Authorization: Api-Key <key>.")
    integration = await sync_to_async(integration_by_key)(key.strip())
    await sync_to_async(_release_connection)()
    if integration is None:
        return _api_error(401, "authentication_failed", "Unknown or revoked API key.")
    return sse_response([bus.integration_channel(integration.pk)])


def _api_error(status: int, code: str, message: str) -> HttpResponse:
    body = json.dumps({"code": code, "message": message, "fields": {}})
    return HttpResponse(body, status=status, content_type="application/json")
