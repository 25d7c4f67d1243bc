import json
import threading
import time

import httpx
import pytest

from coaching import bus
from tests.factories import AgentFactory, TeamFactory, UserFactory


def _session_cookie(client, user):
    client.force_login(user)
    return {"sessionid": client.cookies["sessionid"].value}


def _read_events(url, cookies, want, timeout=10.0):
    """Open an SSE stream and collect ``want`` events (skips comments)."""
    events = []
    with (
        httpx.Client(timeout=timeout, cookies=cookies) as http,
        http.stream("GET", url) as response,
    ):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        kind = None
        for line in response.iter_lines():
            if line.startswith("event: "):
                kind = line[len("event: ") :]
            elif line.startswith("data: "):
                events.append((kind, json.loads(line[len("data: ") :])))
                if len(events) >= want:
                    return events
    return events


def _publish_soon(channel, message, delay=0.5):
    def run():
        time.sleep(delay)
        bus.publish(channel, message)

    threading.Thread(target=run, daemon=True).start()


def test_team_stream__lead_gets_pushes_for_own_team_only(asgi_server, client):
    mine, other = TeamFactory(), TeamFactory()
    lead = UserFactory(role="floor_lead")
    mine.floor_leads.add(lead)
    cookies = _session_cookie(client, lead)
    _publish_soon(bus.team_channel(other.pk), {"type": "prompt", "n": 1})
    _publish_soon(bus.team_channel(mine.pk), {"type": "prompt", "n": 2}, delay=0.8)
    events = _read_events(f"{asgi_server.url}/floor/stream/", cookies, want=1)
    assert events == [("prompt", {"type": "prompt", "n": 2})]


def test_agent_stream__agent_gets_own_cues(asgi_server, client):
    user = UserFactory(role="agent")
    agent = AgentFactory(user=user)
    cookies = _session_cookie(client, user)
    _publish_soon(bus.agent_channel(agent.pk), {"type": "prompt", "label": "Churn risk"})
    events = _read_events(f"{asgi_server.url}/floor/stream/agent/", cookies, want=1)
    assert events[0][1]["label"] == "Churn risk"


@pytest.mark.parametrize(
    ("role", "path", "status"),
    [
        (None, "/floor/stream/", 401),
        ("agent", "/floor/stream/", 403),
        ("floor_lead", "/floor/stream/agent/", 403),
    ],
)
def test_streams__wrong_or_no_role__are_refused(asgi_server, client, role, path, status):
    cookies = {}
    if role:
        cookies = _session_cookie(client, UserFactory(role=role))
    response = httpx.get(f"{asgi_server.url}{path}", cookies=cookies, timeout=5)
    assert response.status_code == status
