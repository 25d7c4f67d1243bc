from django.urls import reverse
from django.utils import timezone

from coaching.models import Handoff, Prompt, PromptStatus
from coaching.selectors import agent_panel
from rollout.models import AuditEvent
from tests.factories import UserFactory


def test_agent_panel__no_live_call__says_so(client, floor, live_call):
    live_call(agent=floor.agent, status="ended", ended_at=timezone.now())
    client.force_login(floor.agent_user)
    response = client.get(reverse("coaching_web:agent_panel"))
    assert response.status_code == 200
    assert "No live call" in response.content.decode()
    assert 'sse-connect="/floor/stream/agent/"' in response.content.decode()


def test_agent_panel__shows_latest_live_call_cues_with_handoff(client, floor, live_call, agent_cue):
    older = live_call(agent=floor.agent, started_ago=300)
    agent_cue(older, label="Old call cue")
    call = live_call(agent=floor.agent, started_ago=30)
    cue = agent_cue(call)
    client.force_login(floor.agent_user)
    html = client.get(reverse("coaching_web:agent_panel")).content.decode()
    assert "Churn risk — save desk available" in html
    assert "Old call cue" not in html
    assert f'id="cue-{cue.pk}"' in html
    assert "Hand off to save desk" in html
    # leads' copy of the detection never reaches the panel
    assert html.count('class="cue ') == 1


def test_agent_panel__never_more_cues_than_the_budget_newest_last(floor, live_call, agent_cue):
    floor.team.max_agent_cues = 2
    floor.team.save()
    call = live_call(agent=floor.agent)
    cues = [agent_cue(call, offset_ms=i * 10_000, label=f"Cue {i}") for i in range(4)]
    panel = agent_panel(floor.agent_user)
    assert [c.pk for c in panel.cues] == [cues[2].pk, cues[3].pk]
    assert panel.budget == 2


def test_cue_respond__acknowledge_and_dismiss(client, floor, live_call, agent_cue):
    cue = agent_cue(live_call(agent=floor.agent))
    client.force_login(floor.agent_user)
    url = reverse("coaching_web:cue_respond", args=[cue.pk])
    response = client.post(url, {"action": "acknowledge"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "cue-updated" in response["HX-Trigger"]
    cue.refresh_from_db()
    assert cue.status == PromptStatus.ACKNOWLEDGED
    client.post(url, {"action": "dismiss"}, headers={"HX-Request": "true"})
    cue.refresh_from_db()
    assert cue.status == PromptStatus.DISMISSED


def test_cue_respond__unknown_action__error_and_no_change(client, floor, live_call, agent_cue):
    cue = agent_cue(live_call(agent=floor.agent))
    client.force_login(floor.agent_user)
    url = reverse("coaching_web:cue_respond", args=[cue.pk])
    response = client.post(url, {"action": "acted"}, headers={"HX-Request": "true"})
    assert "Choose acknowledge or dismiss." in response.content.decode()
    cue.refresh_from_db()
    assert cue.status == PromptStatus.PENDING


def test_cue_handoff__records_handoff_marks_acted_and_audits(client, floor, live_call, agent_cue):
    call = live_call(agent=floor.agent)
    cue = agent_cue(call)
    client.force_login(floor.agent_user)
    url = reverse("coaching_web:cue_handoff", args=[cue.pk])
    response = client.post(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Handed off to save desk" in response.content.decode()
    handoff = Handoff.objects.get(prompt=cue)
    assert (handoff.desk, handoff.call_id, handoff.requested_by) == (
        "save",
        call.pk,
        floor.agent_user,
    )
    assert Prompt.objects.get(pk=cue.pk).status == PromptStatus.ACTED
    assert AuditEvent.objects.filter(action="handoff.request").count() == 1
    client.post(url, headers={"HX-Request": "true"})  # a second click changes nothing
    assert Handoff.objects.count() == 1


def test_cue_handoff__ended_call__error_shown(client, floor, live_call, agent_cue):
    call = live_call(agent=floor.agent)
    cue = agent_cue(call)
    live_call(agent=floor.agent)  # keeps the panel on a live call
    call.status, call.ended_at = "ended", timezone.now()
    call.save()
    client.force_login(floor.agent_user)
    response = client.post(
        reverse("coaching_web:cue_handoff", args=[cue.pk]), headers={"HX-Request": "true"}
    )
    assert "The call has ended" in response.content.decode()
    assert not Handoff.objects.exists()


def test_cue_actions__someone_elses_cue__404(client, floor, live_call, agent_cue):
    cue = agent_cue(live_call(team=floor.other_team))
    client.force_login(floor.agent_user)
    for name, data in (("cue_respond", {"action": "dismiss"}), ("cue_handoff", {})):
        assert client.post(reverse(f"coaching_web:{name}", args=[cue.pk]), data).status_code == 404
    cue.refresh_from_db()
    assert cue.status == PromptStatus.PENDING
    assert not Handoff.objects.exists()


def test_cue_actions__leads_copy_of_own_call__404(client, floor, live_call, agent_cue):
    cue = agent_cue(live_call(agent=floor.agent))
    leads_copy = Prompt.objects.get(detection=cue.detection, audience="leads")
    client.force_login(floor.agent_user)
    url = reverse("coaching_web:cue_respond", args=[leads_copy.pk])
    assert client.post(url, {"action": "dismiss"}).status_code == 404


def test_agent_panel__leads_and_ops_are_refused(client, floor, ops_admin):
    for user in (floor.lead, ops_admin, UserFactory()):
        client.force_login(user)
        assert client.get(reverse("coaching_web:agent_panel")).status_code == 403


def test_agent_panel__constant_queries(floor, live_call, agent_cue, django_assert_num_queries):
    call = live_call(agent=floor.agent)
    for i in range(3):
        agent_cue(call, offset_ms=i * 1000)
    with django_assert_num_queries(2):  # the call (with team and agent), the cues
        panel = agent_panel(floor.agent_user)
    assert len(panel.cues) == 3
