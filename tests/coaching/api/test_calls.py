import pytest

from coaching.models import Call, CallOutcome
from rollout.models import Agent, AuditEvent
from tests.coaching.api.helpers import assert_error, start_call
from tests.factories import AgentFactory, CallFactory

pytestmark = pytest.mark.django_db


def test_call_start__first_time__is_201_with_the_call(api, team):
    response = start_call(
        api,
        direction="outbound",
        workflows=["TCPA", "phi", "phi"],
        started_at="2024-05-01T10:00:00Z",
    )

    assert response.status_code == 201
    body = response.json()
    assert body == {
        "call_id": "c-1001",
        "team": "team-a",
        "agent": "a-7",
        "direction": "outbound",
        "workflows": ["phi", "tcpa"],
        "language": "en",
        "status": "live",
        "started_at": "2024-05-01T10:00:00Z",
        "ended_at": None,
    }


def test_call_start__replayed__is_200_with_the_same_call(api):
    first = start_call(api).json()

    replay = start_call(api, direction="outbound")

    assert replay.status_code == 200
    assert replay.json() == first
    assert Call.objects.count() == 1


def test_call_start__replayed_on_another_team__is_409_conflict(api, integration, other_team):
    integration.teams.add(other_team)
    start_call(api)

    response = api.post(
        "/api/v1/calls/", {"call_id": "c-1001", "team": "team-b", "agent": "a-7"}, format="json"
    )

    assert_error(response, 409, "call_conflict")
    assert Call.objects.get().team.slug == "team-a"


def test_call_start__new_agent__is_created_once_and_audited(api, team):
    start_call(api, call_id="c1", agent_name="Dana R.")
    start_call(api, call_id="c2", agent_name="Someone else")

    agent = Agent.objects.get(team=team, external_id="a-7")
    assert agent.display_name == "Dana R."
    assert AuditEvent.objects.filter(action="agent.create").count() == 1
    assert set(Call.objects.values_list("agent", flat=True)) == {agent.pk}


def test_call_start__known_agent__is_reused(api, team):
    agent = AgentFactory(team=team, external_id="a-7", display_name="Dana")

    start_call(api)

    assert Call.objects.get().agent == agent
    assert Agent.objects.count() == 1


@pytest.mark.parametrize("team_slug", ["team-b", "no-such-team"])
def test_call_start__team_outside_the_key__is_400_and_writes_nothing(api, other_team, team_slug):
    response = api.post(
        "/api/v1/calls/", {"call_id": "c1", "team": team_slug, "agent": "a-7"}, format="json"
    )

    body = assert_error(response, 400, "unknown_team")
    assert "team" in body["fields"]
    assert not Call.objects.exists()
    assert not Agent.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"team": "team-a", "agent": "a"}, "call_id"),
        ({"call_id": "c", "team": "team-a", "agent": "a", "direction": "sideways"}, "direction"),
        ({"call_id": "c", "team": "team-a", "agent": "a", "workflows": "phi"}, "workflows"),
        ({"call_id": "c", "team": "team-a", "agent": "a", "started_at": "yesterday"}, "started_at"),
        ({"call_id": "c" * 129, "team": "team-a", "agent": "a"}, "call_id"),
        ({"call_id": "c", "team": "team-a"}, "agent"),
    ],
)
def test_call_start__invalid_field__is_400_naming_it(api, body, field):
    response = api.post("/api/v1/calls/", body, format="json")

    result = assert_error(response, 400, "invalid")
    assert field in result["fields"]
    assert not Call.objects.exists()


def test_call_end__is_idempotent(api):
    start_call(api)

    first = api.post("/api/v1/calls/c-1001/end/", {}, format="json")
    second = api.post("/api/v1/calls/c-1001/end/", {}, format="json")

    assert first.status_code == second.status_code == 200
    assert first.json()["status"] == "ended"
    assert first.json()["ended_at"] == second.json()["ended_at"]


def test_call_end__unknown_call__is_404(api):
    assert_error(api.post("/api/v1/calls/nope/end/", {}, format="json"), 404, "call_not_found")


def test_call_end__call_of_another_team__is_404(api, other_team):
    CallFactory(team=other_team, external_id="theirs")

    assert_error(api.post("/api/v1/calls/theirs/end/", {}, format="json"), 404, "call_not_found")
    assert Call.objects.get(external_id="theirs").status == "live"


def test_outcome__first_then_partial_update__upserts(api):
    start_call(api)

    first = api.post("/api/v1/calls/c-1001/outcome/", {"csat": 4, "resolved": True}, format="json")
    second = api.post("/api/v1/calls/c-1001/outcome/", {"effort": 2}, format="json")

    assert first.status_code == 201
    assert second.status_code == 200
    assert second.json() | {"recorded_at": None} == {
        "call_id": "c-1001",
        "csat": 4,
        "effort": 2,
        "resolved": True,
        "recorded_at": None,
    }
    assert CallOutcome.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "non_field_errors"),
        ({"csat": 0}, "csat"),
        ({"csat": 6}, "csat"),
        ({"effort": 8}, "effort"),
        ({"csat": "great"}, "csat"),
        ({"resolved": "maybe"}, "resolved"),
    ],
)
def test_outcome__invalid__is_400_and_writes_nothing(api, body, field):
    start_call(api)

    response = api.post("/api/v1/calls/c-1001/outcome/", body, format="json")

    assert field in assert_error(response, 400, "invalid")["fields"]
    assert not CallOutcome.objects.exists()
