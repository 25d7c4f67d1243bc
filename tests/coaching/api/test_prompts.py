import pytest

from coaching.models import Call, Handoff, Prompt, WebhookDelivery
from rollout.models import AuditEvent
from tests.coaching.api.helpers import assert_error, start_call
from tests.factories import CallFactory, PromptFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(api):
    start_call(api)
    return Call.objects.get(external_id="c-1001")


def prompt_on(call, **kwargs):
    return PromptFactory(detection__call=call, **kwargs)


def test_prompts__list__returns_the_calls_agent_cues_after_an_id(
    api, call, django_assert_num_queries
):
    first = prompt_on(call, label="Churn risk", handoff_desk="save", detection__offset_ms=61000)
    second = prompt_on(call, label="Disclosure due")
    prompt_on(call, audience="leads")
    prompt_on(CallFactory(team=call.team))

    with django_assert_num_queries(3):  # the key, the call, one page of prompts
        response = api.get(f"/api/v1/calls/c-1001/prompts/?audience=agent&after={first.pk - 1}")

    assert response.status_code == 200
    body = response.json()
    assert [p["id"] for p in body["results"]] == [first.pk, second.pk]
    assert body["next_after"] is None
    assert body["next"] is None
    item = body["results"][0]
    assert set(item) == {
        "id",
        "signal",
        "label",
        "handoff_desk",
        "audience",
        "status",
        "created_at",
        "offset_ms",
        "confidence",
    }
    assert (item["label"], item["handoff_desk"], item["offset_ms"], item["confidence"]) == (
        "Churn risk",
        "save",
        61000,
        0.9,
    )

    later = api.get(f"/api/v1/calls/c-1001/prompts/?after={first.pk}").json()
    assert [p["id"] for p in later["results"]] == [second.pk]


def test_prompts__list__pages_by_limit(api, call):
    ids = [prompt_on(call).pk for _ in range(5)]

    page = api.get("/api/v1/calls/c-1001/prompts/?limit=2").json()
    rest = api.get(page["next"]).json()

    assert [p["id"] for p in page["results"]] == ids[:2]
    assert page["next_after"] == ids[1]
    assert [p["id"] for p in rest["results"]] == ids[2:4]


@pytest.mark.parametrize(
    "query", ["audience=everyone", "after=-1", "after=x", "limit=0", "limit=201"]
)
def test_prompts__list__bad_query__is_400(api, call, query):
    assert_error(api.get(f"/api/v1/calls/c-1001/prompts/?{query}"), 400, "invalid")


def test_prompts__list__call_of_another_team__is_404(api, other_team):
    theirs = CallFactory(team=other_team, external_id="theirs")
    prompt_on(theirs)

    assert_error(api.get("/api/v1/calls/theirs/prompts/"), 404, "call_not_found")


@pytest.mark.parametrize("action", ["acknowledged", "dismissed", "acted"])
def test_prompt_response__records_the_action(api, call, action):
    prompt = prompt_on(call)

    response = api.post(f"/api/v1/prompts/{prompt.pk}/response/", {"action": action}, format="json")

    assert response.status_code == 200
    assert response.json()["status"] == action
    prompt.refresh_from_db()
    assert prompt.status == action
    assert prompt.responded_at is not None


def test_prompt_response__later_action_wins(api, call):
    prompt = prompt_on(call)
    url = f"/api/v1/prompts/{prompt.pk}/response/"

    api.post(url, {"action": "acknowledged"}, format="json")
    response = api.post(url, {"action": "dismissed"}, format="json")

    assert response.json()["status"] == "dismissed"


def test_prompt_response__after_acted__is_409_and_unchanged(api, call):
    prompt = prompt_on(call)
    url = f"/api/v1/prompts/{prompt.pk}/response/"
    api.post(url, {"action": "acted"}, format="json")

    assert_error(api.post(url, {"action": "dismissed"}, format="json"), 409, "prompt_already_acted")
    assert api.post(url, {"action": "acted"}, format="json").status_code == 200
    prompt.refresh_from_db()
    assert prompt.status == "acted"


@pytest.mark.parametrize("body", [{}, {"action": "ignored"}, {"action": 1}])
def test_prompt_response__bad_action__is_400(api, call, body):
    prompt = prompt_on(call)

    response = api.post(f"/api/v1/prompts/{prompt.pk}/response/", body, format="json")

    assert "action" in assert_error(response, 400, "invalid")["fields"]


def test_prompt_response__prompt_of_another_team__is_404_and_unchanged(api, other_team):
    prompt = prompt_on(CallFactory(team=other_team))

    response = api.post(
        f"/api/v1/prompts/{prompt.pk}/response/", {"action": "dismissed"}, format="json"
    )

    assert_error(response, 404, "prompt_not_found")
    prompt.refresh_from_db()
    assert prompt.status == "pending"


def test_handoff__first_click__creates_it_marks_acted_audits_and_notifies(api, call, integration):
    integration.webhook_url = "https://pbx.example/hooks"
    integration.save()
    prompt = prompt_on(call, handoff_desk="save")

    response = api.post("/api/v1/calls/c-1001/handoffs/", {"prompt": prompt.pk}, format="json")

    assert response.status_code == 201
    body = response.json()
    assert (body["call_id"], body["prompt"], body["desk"], body["status"]) == (
        "c-1001",
        prompt.pk,
        "save",
        "requested",
    )
    prompt.refresh_from_db()
    assert prompt.status == "acted"
    assert AuditEvent.objects.filter(action="handoff.request", object_id=str(body["id"])).exists()
    delivery = WebhookDelivery.objects.get(event="handoff.requested")
    assert delivery.payload["desk"] == "save"
    assert delivery.payload["call_id"] == "c-1001"


def test_handoff__second_click__returns_the_same_handoff(api, call):
    prompt = prompt_on(call, handoff_desk="revenue")
    first = api.post("/api/v1/calls/c-1001/handoffs/", {"prompt": prompt.pk}, format="json")

    second = api.post("/api/v1/calls/c-1001/handoffs/", {"prompt": prompt.pk}, format="json")

    assert second.status_code == 200
    assert second.json() == first.json()
    assert Handoff.objects.count() == 1
    assert AuditEvent.objects.filter(action="handoff.request").count() == 1


def test_handoff__cue_without_a_desk__is_400_no_handoff_desk(api, call):
    prompt = prompt_on(call, handoff_desk="")

    response = api.post("/api/v1/calls/c-1001/handoffs/", {"prompt": prompt.pk}, format="json")

    assert_error(response, 400, "no_handoff_desk")
    assert not Handoff.objects.exists()
    prompt.refresh_from_db()
    assert prompt.status == "pending"


def test_handoff__prompt_of_another_call__is_404(api, call, other_team):
    elsewhere = prompt_on(CallFactory(team=other_team), handoff_desk="save")

    response = api.post("/api/v1/calls/c-1001/handoffs/", {"prompt": elsewhere.pk}, format="json")

    assert_error(response, 404, "prompt_not_found")
    assert not Handoff.objects.exists()


def test_handoff__ended_call__is_409(api, call):
    prompt = prompt_on(call, handoff_desk="save")
    api.post("/api/v1/calls/c-1001/end/", {}, format="json")

    response = api.post("/api/v1/calls/c-1001/handoffs/", {"prompt": prompt.pk}, format="json")

    assert_error(response, 409, "call_ended")
    assert Prompt.objects.get(pk=prompt.pk).status == "pending"


@pytest.mark.parametrize("body", [{}, {"prompt": "x"}, {"prompt": 0}])
def test_handoff__bad_body__is_400(api, call, body):
    response = api.post("/api/v1/calls/c-1001/handoffs/", body, format="json")

    assert "prompt" in assert_error(response, 400, "invalid")["fields"]
