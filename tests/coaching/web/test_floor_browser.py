"""The live floor in a real browser against a real ASGI server: pushes over SSE, no reloads.

Events go in through the REST API (scoring runs eagerly inside the request), the bus is Redis,
and the pages must update by themselves. ``COACHPLANE_SCREENSHOTS=1`` also writes the screenshots
used by ``docs/floor.md`` and the README.
"""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest

from coaching.models import Feedback, Handoff, PromptStatus
from coaching.services.integrations import integration_create
from rollout.audit import Actor
from rollout.models import SignalEnablement
from signals.models import Signal
from tests.browser_fixtures import login
from tests.factories import AgentFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
CHURN = "I want to cancel my service. I'm switching to another provider, they're half the price."
EXPANSION = "We'd like to add two more lines and upgrade to the unlimited plan."


@pytest.fixture
def open_page(browser, asgi_server):
    contexts = []

    def make(username, width=1280, height=900):
        context = browser.new_context(
            viewport={"width": width, "height": height}, base_url=asgi_server.url
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        login(page, username)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def live_floor(asgi_server, eager_tasks):
    """A phase-3 team with churn cues for agents and expansion for leads; its lead, its agent
    (with a login), a second team, and an API client with a real key."""
    team = TeamFactory(slug="retention", name="Northwind Retention", phase=3)
    other = TeamFactory(slug="other", name="Other team", phase=1)
    SignalEnablement.objects.create(
        team=team,
        signal=Signal.objects.get(key="churn_intent"),
        audience="agents",
        agent_threshold=0.85,
    )
    SignalEnablement.objects.create(
        team=team, signal=Signal.objects.get(key="expansion_opportunity"), audience="leads"
    )
    lead = UserFactory(username="floorlead", role="floor_lead")
    team.floor_leads.add(lead)
    agent_user = UserFactory(username="jordan", role="agent")
    AgentFactory(team=team, external_id="nw-201", display_name="Jordan Blake", user=agent_user)
    AgentFactory(team=team, external_id="nw-202", display_name="Avery Singh")
    AgentFactory(team=other, external_id="ot-1", display_name="Other Agent")
    _integration, key = integration_create(
        name="Browser test PBX",
        team_slugs=["retention", "other"],
        actor=Actor.system("test"),
        monitor_url_template="https://pbx.example/monitor/{call_id}",
    )
    with httpx.Client(
        base_url=asgi_server.url, headers={"Authorization": f"Api-Key {key}"}, timeout=10
    ) as http:
        yield http


def _start(http, call_id, agent, team="retention"):
    response = http.post("/api/v1/calls/", json={"call_id": call_id, "team": team, "agent": agent})
    assert response.status_code == 201, response.text


def _say(http, call_id, event_id, text, offset_ms, speaker="customer"):
    body = {
        "events": [{"event_id": event_id, "speaker": speaker, "offset_ms": offset_ms, "text": text}]
    }
    response = http.post(f"/api/v1/calls/{call_id}/events/", json=body)
    assert response.status_code == 202, response.text


def _order(page):
    return page.eval_on_selector_all("tr.triage-row", "rows => rows.map(r => r.dataset.call)")


def test_live_floor__api_calls_appear_rerank_cue_the_agent_and_leave(live_floor, open_page):
    http = live_floor
    lead = open_page("floorlead")
    lead.goto("/floor/")
    lead.wait_for_selector("text=No live calls right now.")
    agent = open_page("jordan", width=420)
    agent.goto("/floor/agent/")
    agent.wait_for_selector("text=No live call")

    _start(http, "c-avery", "nw-202")
    _start(http, "c-jordan", "nw-201")
    _start(http, "c-elsewhere", "ot-1", team="other")
    lead.wait_for_selector('tr[data-call="c-avery"]')
    lead.wait_for_selector('tr[data-call="c-jordan"]')
    assert lead.locator('tr[data-call="c-elsewhere"]').count() == 0
    agent.wait_for_selector(".panel-call")  # the agent's call started: the panel shows it

    _say(http, "c-avery", "e1", EXPANSION, 4_000)  # leads only, medium stakes
    lead.wait_for_function(
        "() => document.querySelector('tr.triage-row')?.dataset.call === 'c-avery'"
    )
    _say(http, "c-jordan", "e1", CHURN, 6_000)  # agent cue, high stakes: outranks Avery's call
    lead.wait_for_function(
        "() => document.querySelector('tr.triage-row')?.dataset.call === 'c-jordan'"
    )
    assert _order(lead) == ["c-jordan", "c-avery"]
    row = lead.locator('tr[data-call="c-jordan"]')
    assert "Churn intent" in row.inner_text()
    assert "0:06" in row.inner_text()
    assert "Cued 1/3" in row.inner_text()
    assert row.locator("a", has_text="Listen").get_attribute("href") == (
        "https://pbx.example/monitor/c-jordan"
    )

    cue = agent.wait_for_selector(".cue")
    assert "Churn risk" in cue.inner_text()
    agent.click("button.handoff")
    agent.wait_for_selector("text=Handed off to save desk")
    handoff = Handoff.objects.get(call__external_id="c-jordan")
    assert handoff.desk == "save"
    assert handoff.prompt.status == PromptStatus.ACTED

    http.post("/api/v1/calls/c-avery/end/", json={})
    lead.wait_for_selector('tr[data-call="c-avery"]', state="detached")
    http.post("/api/v1/calls/c-jordan/end/", json={})
    agent.wait_for_selector("text=No live call")


def test_call_detail__feedback_click_persists(live_floor, open_page):
    http = live_floor
    _start(http, "c-1", "nw-202")
    _say(http, "c-1", "e1", "Hi, how can I help?", 0, speaker="agent")
    _say(http, "c-1", "e2", EXPANSION, 3_000)
    lead = open_page("floorlead")
    lead.goto("/floor/")
    lead.click('tr[data-call="c-1"] a.agent-name')
    lead.wait_for_selector(".utt.speaker-customer")
    assert "Leads only" in lead.inner_text(".det")
    lead.click(".det button[value='0']")
    lead.wait_for_selector(".det button.chosen.bad")
    assert Feedback.objects.get(user__username="floorlead").useful is False
    lead.click(".det button[value='1']")
    lead.wait_for_selector(".det button.chosen.good")
    assert Feedback.objects.get(user__username="floorlead").useful is True


def test_call_detail__lead_cannot_open_another_teams_call(live_floor, open_page):
    http = live_floor
    _start(http, "c-x", "ot-1", team="other")
    from coaching.models import Call

    pk = Call.objects.get(external_id="c-x").pk
    lead = open_page("floorlead")
    response = lead.goto(f"/floor/calls/{pk}/")
    assert response.status == 404


@pytest.mark.skipif(
    os.environ.get("COACHPLANE_SCREENSHOTS") != "1", reason="set COACHPLANE_SCREENSHOTS=1"
)
def test_screenshots__triage_and_agent_panel(asgi_server, eager_tasks, open_page):
    """Real demo data and demo scripts, played part-way through the API."""
    from coaching.demo import demo_seed
    from coaching.models import Integration
    from coaching.services.integrations import integration_key_rotate
    from coaching.simulator import load_scripts
    from tests.coaching.web.conftest import play

    demo_seed()
    integration = Integration.objects.get(name="Demo floor simulator")
    _i, key = integration_key_rotate(integration=integration, actor=Actor.system("test"))
    for username in ("lead", "agent"):
        UserFactory(username=username)  # gets the test password (get_or_create + set_password)
    scripts = {s.script_id: s for team in load_scripts().values() for s in team}
    plan = [
        ("ah-claim-before-verify", "acme-health", "ah-101", 40, 95),
        ("ah-denied-then-fixed", "acme-health", "ah-102", 38, 200),
        ("nw-cancel-switch", "northwind-retention", "nw-201", 20, 70),
        ("nw-add-lines", "northwind-retention", "nw-202", 20, 40),
    ]
    with httpx.Client(
        base_url=asgi_server.url, headers={"Authorization": f"Api-Key {key}"}, timeout=10
    ) as http:
        for script_id, team, agent, upto, ago in plan:
            play(http, scripts[script_id], team=team, agent=agent, upto_s=upto, started_ago_s=ago)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    lead = open_page("lead", width=1280, height=560)
    lead.goto("/floor/")
    lead.wait_for_selector("tr.triage-row")
    lead.screenshot(path=str(SCREENSHOTS / "floor-triage.png"), full_page=True)
    agent = open_page("agent", width=420, height=520)
    agent.goto("/floor/agent/")
    agent.wait_for_selector("button.handoff")
    agent.screenshot(path=str(SCREENSHOTS / "agent-panel.png"), full_page=True)
