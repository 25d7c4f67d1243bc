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
