"""The demo floor plays scripts through the real HTTP API of a running server."""

import time

from coaching.models import Call, CallEvent, CallStatus
from coaching.services.integrations import integration_create
from coaching.simulator import DemoFloor, Script
from rollout.audit import Actor
from tests.factories import AgentFactory, TeamFactory


def _script(n_events):
    return Script(
        script_id="quick",
        team="sim-team",
        direction="inbound",
        workflows=(),
        events=tuple(
            {"event_id": f"e{i}", "speaker": "customer", "offset_ms": i * 200, "text": "Okay."}
            for i in range(n_events)
        ),
        expect=(),
    )


def test_demo_floor__starts_posts_and_ends_calls_through_the_api(asgi_server, eager_tasks):
    import threading

    team = TeamFactory(slug="sim-team")
    AgentFactory(team=team, external_id="sim-1")
    AgentFactory(team=team, external_id="sim-2")
    _integration, key = integration_create(
        name="Sim", team_slugs=["sim-team"], actor=Actor.system("test")
    )
    floor = DemoFloor(
        base_url=asgi_server.url,
        api_key=key,
        agents={"sim-team": ["sim-1", "sim-2"]},
        scripts={"sim-team": [_script(4)]},
        concurrency=2,
    )
    thread = threading.Thread(target=floor.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if Call.objects.filter(status=CallStatus.ENDED).count() >= 2:
                break
            time.sleep(0.2)
    finally:
        floor.stop()
        thread.join(timeout=5)
    ended = Call.objects.filter(status=CallStatus.ENDED)
    assert ended.count() >= 2
    assert {c.agent.external_id for c in ended} <= {"sim-1", "sim-2"}
    call = ended.first()
    assert CallEvent.objects.filter(call=call).count() == 4
    assert not thread.is_alive()


def test_demo_floor__never_more_calls_than_free_agents(asgi_server, eager_tasks):
    team = TeamFactory(slug="sim-team")
    AgentFactory(team=team, external_id="sim-1")
    _integration, key = integration_create(
        name="Sim", team_slugs=["sim-team"], actor=Actor.system("test")
    )
    floor = DemoFloor(
        base_url=asgi_server.url,
        api_key=key,
        agents={"sim-team": ["sim-1"]},
        scripts={"sim-team": [_script(50)]},
        concurrency=6,
    )
    import httpx

    with httpx.Client(base_url=asgi_server.url, headers={"Authorization": f"Api-Key {key}"}) as h:
        floor._tick(h, first_wave=True)
    assert len(floor.live) == 1
    assert Call.objects.filter(status=CallStatus.LIVE).count() == 1
