from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching.selectors import mmss, triage_rows
from tests.factories import DetectionFactory, SignalFactory, UserFactory


def test_triage_rows__ranked_by_decayed_risk(floor, live_call):
    fresh = live_call(risk=0.6, seconds_ago=5)
    stale = live_call(risk=0.9, seconds_ago=600)  # 5 half-lives: ~0.03
    quiet = live_call()
    rows = triage_rows(floor.lead, timezone.now())
    assert [r.call_pk for r in rows] == [fresh.pk, stale.pk, quiet.pk]
    assert rows[0].risk == pytest.approx(0.6 * 0.5 ** (5 / 120), rel=0.05)
    assert rows[2].risk == 0.0


def test_triage_rows__lead_sees_own_teams_ops_sees_all(floor, live_call, ops_admin):
    mine = live_call()
    theirs = live_call(team=floor.other_team)
    live_call(status="ended", ended_at=timezone.now())
    assert [r.call_pk for r in triage_rows(floor.lead, timezone.now())] == [mine.pk]
    assert {r.call_pk for r in triage_rows(ops_admin, timezone.now())} == {mine.pk, theirs.pk}
    assert triage_rows(floor.agent_user, timezone.now()) == []


def test_triage_rows__row_carries_chips_cues_phase_and_listen_link(floor, live_call):
    call = live_call(risk=0.5, agent_cues=2, workflows=["tcpa"], direction="outbound")
    signal = SignalFactory(key="word_x", name="Word X", category="compliance")
    DetectionFactory(call=call, signal=signal, offset_ms=65_000, audience="agent")
    DetectionFactory(call=call, signal=signal, offset_ms=5_000, audience="leads")
    DetectionFactory(call=call, signal=signal, offset_ms=90_000, audience="")  # recorded only
    [row] = triage_rows(floor.lead, timezone.now())
    assert [c.call_time for c in row.chips] == ["1:05", "0:05"]
    assert row.chips[0].audience == "agent"
    assert (row.agent_cues, row.max_agent_cues, row.phase) == (2, 3, 2)
    assert row.workflows == ("tcpa",)
    assert row.listen_url == f"https://pbx.example/monitor/{call.external_id}"


def test_triage_rows__no_monitor_template__no_listen_link(floor, live_call):
    floor.integration.monitor_url_template = ""
    floor.integration.save()
    live_call()
    [row] = triage_rows(floor.lead, timezone.now())
    assert row.listen_url == ""


def test_triage_rows__constant_queries(floor, live_call, django_assert_num_queries):
    def add_calls(n):
        for _ in range(n):
            call = live_call(risk=0.4)
            DetectionFactory.create_batch(4, call=call, audience="leads")

    lead = UserFactory(username="lead-a")  # fresh instance: roles not cached yet
    add_calls(1)
    with django_assert_num_queries(3):  # roles, calls, chips
        triage_rows(lead, timezone.now())
    add_calls(8)
    with django_assert_num_queries(2):  # roles now cached on the user
        rows = triage_rows(lead, timezone.now())
    assert len(rows) == 9
    assert all(len(r.chips) == 3 for r in rows)


@pytest.mark.parametrize(("ms", "text"), [(0, "0:00"), (65_000, "1:05"), (3_725_000, "1:02:05")])
def test_mmss(ms, text):
    assert mmss(ms) == text


def test_triage_page__renders_rows_and_sse_hooks(client, floor, live_call):
    call = live_call(risk=0.7, seconds_ago=1)
    client.force_login(floor.lead)
    response = client.get(reverse("coaching_web:triage"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="call-row-{call.pk}"' in html
    assert 'sse-connect="/floor/stream/"' in html
    assert "sse:call.scored" in html
    assert "Listen" in html


def test_triage_partial__htmx_request_renders_only_the_list(client, floor, live_call):
    live_call()
    client.force_login(floor.lead)
    response = client.get(reverse("coaching_web:triage"), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="triage-list"')
    assert "<html" not in html


@pytest.mark.parametrize("role", ["agent", None])
def test_triage_page__agents_and_roleless_users_are_refused(client, db, role):
    client.force_login(UserFactory(role=role))
    assert client.get(reverse("coaching_web:triage")).status_code == 403


def test_triage_page__anonymous__redirects_to_login(client, db):
    response = client.get(reverse("coaching_web:triage"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_triage_rows__elapsed_is_time_since_start(floor, live_call):
    live_call(started_ago=125)
    [row] = triage_rows(floor.lead, timezone.now() + timedelta(seconds=0))
    assert row.elapsed in {"2:05", "2:06"}
