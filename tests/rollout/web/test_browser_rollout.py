"""The ops admin pages driven in headless Chromium (Playwright) against a live server."""

import os
from pathlib import Path

import pytest
from django.utils import timezone

from rollout.models import SignalEnablement, TeamRollout
from rollout.services import enablement_set
from signals.models import Signal
from tests.browser_fixtures import login
from tests.factories import TeamDailyRollupFactory, TeamFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    # transactional (the live server runs in another thread); the seeded catalog and phase policies
    # are restored after each test
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


def _ops(username="ops"):
    return UserFactory(username=username, role="ops_admin")


def _agent_facing(team, actor, *keys):
    for key in keys:
        enablement_set(
            team=team,
            signal=Signal.objects.get(key=key),
            actor=actor,
            audience="agents",
            agent_threshold=0.9,
        )


def test_advance_before_minimum_duration__is_refused_with_the_reason_on_the_page(page):
    _ops()
    team = TeamFactory(name="Denver billing", phase=1, phase__days=3)
    login(page, "ops")
    page.goto(f"/rollout/teams/{team.slug}/")
    page.fill("#advance-form textarea[name=reason]", "Leads like the cues")
    page.click("#advance-form button[type=submit]")
    refusal = page.locator("#phase-panel .refusal")
    refusal.wait_for()
    assert "Cannot advance to phase 2" in refusal.inner_text()
    assert "minimum 28 days" in refusal.inner_text()
    assert TeamRollout.objects.get(team=team).phase == 1


def test_override_with_a_reason__goes_through_and_appears_in_the_timeline(page):
    _ops()
    team = TeamFactory(name="Tucson care", phase=3, phase__days=5)
    login(page, "ops")
    page.goto(f"/rollout/teams/{team.slug}/")
    page.fill("#advance-form textarea[name=reason]", "Thresholds tuned with the client")
    page.fill("#advance-form textarea[name=override_reason]", "Client go-live date agreed")
    page.click("#advance-form button[type=submit]")
    page.locator("#phase-panel .flash.ok").wait_for()
    timeline = page.locator("#timeline")
    timeline.locator("text=Override: Client go-live date agreed").wait_for()
    assert "Phase 3 → 4" in timeline.inner_text()
    page.locator("#team-header", has_text="Phase 4").wait_for()
    assert TeamRollout.objects.get(team=team).phase == 4


def test_phase_2_third_agent_signal__is_refused_inline(page):
    ops = _ops()
    team = TeamFactory(name="Reno retention", phase=2, phase__days=10)
    _agent_facing(team, ops, "churn_intent", "disclosure_missing")
    login(page, "ops")
    page.goto(f"/rollout/teams/{team.slug}/")
    row = page.locator("#row-tcpa_consent_missing")
    row.locator("input[name=enabled]").check()
    row.locator("select[name=audience]").select_option("agents")
    row.locator("input[name=agent_threshold]").fill("0.9")
    row.locator("button", has_text="Save").click()
    error = page.locator("#row-tcpa_consent_missing .row-error")
    error.wait_for()
    assert "at most 2 agent-facing signals" in error.inner_text()
    assert "too_many_agent_signals" in error.inner_text()
    assert not SignalEnablement.objects.filter(
        team=team, signal__key="tcpa_consent_missing"
    ).exists()


def test_rollback_to_shadow_mode(page):
    ops = _ops()
    team = TeamFactory(name="Omaha sales", phase=2, phase__days=20)
    _agent_facing(team, ops, "churn_intent")
    login(page, "ops")
    page.goto(f"/rollout/teams/{team.slug}/")
    page.fill("#rollback-form input[name=reason]", "Agents dismiss most cues")
    page.click("#rollback-form button[value='1']")
    flash = page.locator("#phase-panel .flash.ok")
    flash.wait_for()
    assert "Rolled back to phase 1" in flash.inner_text()
    assert "churn_intent" in flash.inner_text()
    page.locator("#team-header", has_text="Phase 1").wait_for()
    page.locator("#timeline", has_text="Agents dismiss most cues").wait_for()
    assert page.locator("#row-churn_intent select[name=audience]").input_value() == "leads"
    e = SignalEnablement.objects.get(team=team, signal__key="churn_intent")
    assert (e.enabled, e.audience) == (True, "leads")


@pytest.mark.skipif(
    os.environ.get("COACHPLANE_SCREENSHOTS") != "1", reason="set COACHPLANE_SCREENSHOTS=1"
)
def test_screenshots(page):
    """Regenerates docs/screenshots/rollout-*.png (1280 px wide)."""
    ops = _ops()
    _ops("ops2")
    today = timezone.now().date()
    specs = [
        (
            "Denver billing",
            "Denver",
            "Acme Health",
            1,
            12,
            {"lead_feedback": 14, "lead_feedback_useful": 11},
        ),
        (
            "Phoenix renewals",
            "Phoenix",
            "Brightline Energy",
            1,
            45,
            {"lead_feedback": 60, "lead_feedback_useful": 44},
        ),
        (
            "Reno retention",
            "Reno",
            "Acme Health",
            2,
            30,
            {"agent_prompts": 80, "agent_dismissed": 36, "agent_acted": 30},
        ),
        (
            "Tucson care",
            "Phoenix",
            "In-house",
            3,
            40,
            {"agent_prompts": 120, "agent_dismissed": 20, "agent_acted": 50},
        ),
        (
            "Omaha sales",
            "Omaha",
            "Brightline Energy",
            4,
            120,
            {"agent_prompts": 300, "agent_dismissed": 40},
        ),
    ]
    teams = {}
    for name, site, client, phase, days, rollup in specs:
        team = TeamFactory(name=name, site=site, client=client, phase=phase, phase__days=days)
        TeamDailyRollupFactory(team=team, day=today, **rollup)
        teams[name] = team
    from rollout.services_approvals import phase_request_create

    phase_request_create(team=teams["Phoenix renewals"], actor=ops, reason="Leads rate cues useful")
    tucson = teams["Tucson care"]
    for key in ("frustration_spike", "escalation_request"):
        enablement_set(team=tucson, signal=Signal.objects.get(key=key), actor=ops)
    _agent_facing(tucson, ops, "churn_intent", "disclosure_missing")
    _agent_facing(teams["Reno retention"], ops, "churn_intent")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    login(page, "ops")
    page.goto("/rollout/")
    page.screenshot(path=str(SCREENSHOTS / "rollout-board.png"), full_page=True)

    page.goto(f"/rollout/teams/{tucson.slug}/")
    row = page.locator("#row-expansion_opportunity")
    row.locator("input[name=enabled]").check()
    row.locator("select[name=audience]").select_option("agents")
    row.locator("input[name=agent_threshold]").fill("0.8")
    row.locator("button", has_text="Forecast").click()
    page.locator("#forecast .forecast-summary").wait_for()
    page.screenshot(path=str(SCREENSHOTS / "rollout-team.png"), full_page=True)

    page.goto(f"/rollout/teams/{teams['Reno retention'].slug}/")
    row = page.locator("#row-tcpa_consent_missing")
    row.locator("input[name=enabled]").check()
    row.locator("select[name=audience]").select_option("agents")
    row.locator("input[name=agent_threshold]").fill("0.9")
    _agent_facing(teams["Reno retention"], ops, "disclosure_missing")
    row.locator("button", has_text="Save").click()
    page.locator("#row-tcpa_consent_missing .row-error").wait_for()
    page.fill("#advance-form textarea[name=reason]", "Agents act on cues")
    page.click("#advance-form button[type=submit]")
    page.locator("#phase-panel .refusal").wait_for()
    page.screenshot(path=str(SCREENSHOTS / "rollout-team-refusals.png"), full_page=True)

    page.goto("/catalog/")
    page.screenshot(path=str(SCREENSHOTS / "rollout-catalog.png"), full_page=True)
    page.goto("/catalog/churn_intent/")
    page.fill(
        "#try-text",
        "agent: Thanks for calling, how can I help?\n"
        "customer: I want to cancel my plan and switch to another provider.",
    )
    page.click("#try-it button[type=submit]")
    page.locator("#try-result .fired").first.wait_for()
    page.screenshot(path=str(SCREENSHOTS / "rollout-signal.png"), full_page=True)
    page.goto("/rollout/audit/")
    page.screenshot(path=str(SCREENSHOTS / "rollout-audit.png"), full_page=True)


def _logout(page):
    page.context.clear_cookies()


def test_journey__a_team_from_phase_1_to_4_with_approvals_forecast_and_rollback(page):
    """The issue's "done when": one team through every phase in the browser, audited."""
    from rollout.forecast import DEMO_SOURCE
    from rollout.models import AuditEvent, PhaseChangeRequest

    _ops("ops")
    _ops("ops2")
    team = TeamFactory(name="Boise care", phase=1, phase__days=30)
    TeamDailyRollupFactory(team=team, lead_feedback=40, lead_feedback_useful=32)
    enablement_set(
        team=team, signal=Signal.objects.get(key="churn_intent"), actor=None, audience="leads"
    )

    # 1 → 2: the gates pass; promotion exposes agents, so ops requests and ops2 approves
    login(page, "ops")
    page.goto(f"/rollout/teams/{team.slug}/")
    page.fill("#advance-form textarea[name=reason]", "Leads rate churn cues useful")
    page.click("#advance-form button[type=submit]")
    page.locator("#phase-panel .pending-request").wait_for()
    assert TeamRollout.objects.get(team=team).phase == 1
    _logout(page)
    login(page, "ops2")
    page.goto(f"/rollout/teams/{team.slug}/")
    page.locator(".pending-request button", has_text="Approve").first.click()
    page.locator("#team-header", has_text="Phase 2").wait_for()
    assert TeamRollout.objects.get(team=team).phase == 2

    # phase 2: churn to agents, with a forecast first
    row = page.locator("#row-churn_intent")
    row.locator("select[name=audience]").select_option("agents")
    row.locator("input[name=agent_threshold]").fill("0.9")
    page.locator("#forecast-source select[name=source]").select_option(DEMO_SOURCE)
    row.locator("button", has_text="Forecast").click()
    page.locator("#forecast .forecast-summary").wait_for()
    row = page.locator("#row-churn_intent")
    row.locator("select[name=audience]").select_option("agents")
    row.locator("input[name=agent_threshold]").fill("0.9")
    with page.expect_response(lambda r: r.url.endswith("/signals/churn_intent/")):
        row.locator("button", has_text="Save").click()
    page.wait_for_load_state("networkidle")  # the gate panel refreshes after an enablement change
    assert SignalEnablement.objects.get(team=team, signal__key="churn_intent").audience == "agents"

    # 2 → 3 early: needs an override reason, then the other admin's approval
    page.fill("#advance-form textarea[name=reason]", "Agents act on churn cues")
    page.fill("#advance-form textarea[name=override_reason]", "Pilot window agreed with client")
    page.click("#advance-form button[type=submit]")
    page.locator("#phase-panel .pending-request").wait_for()
    _logout(page)
    login(page, "ops")
    page.goto(f"/rollout/teams/{team.slug}/")
    page.locator(".pending-request button", has_text="Approve").first.click()
    page.locator("#team-header", has_text="Phase 3").wait_for()

    # 3 → 4: review the agent threshold, then advance (no second approval into steady state)
    with page.expect_response(lambda r: r.url.endswith("/signals/churn_intent/review/")):
        page.locator("#row-churn_intent button", has_text="Reviewed").click()
    page.wait_for_load_state("networkidle")
    page.fill("#advance-form textarea[name=reason]", "Thresholds reviewed with the leads")
    page.fill("#advance-form textarea[name=override_reason]", "Minimum time waived by the client")
    page.click("#advance-form button[type=submit]")
    page.locator("#team-header", has_text="Phase 4").wait_for()

    # a bad week: one click back to shadow mode
    page.fill("#rollback-form input[name=reason]", "Dismiss rate spiked after a script change")
    page.click("#rollback-form button[value='1']")
    page.locator("#team-header", has_text="Phase 1").wait_for()
    assert SignalEnablement.objects.get(team=team, signal__key="churn_intent").audience == "leads"

    transitions = list(
        team.transitions.order_by("created_at").values_list("from_phase", "to_phase")
    )
    assert transitions == [(1, 2), (2, 3), (3, 4), (4, 1)]
    assert PhaseChangeRequest.objects.filter(team=team, status="approved").count() == 2
    actions = set(AuditEvent.objects.filter(team=team).values_list("action", flat=True))
    assert {"phase.advance", "phase.override", "phase.rollback", "enablement.set"} <= actions
    page.goto(f"/rollout/audit/?team={team.pk}")
    assert "phase.rollback" in page.locator("body").inner_text()
