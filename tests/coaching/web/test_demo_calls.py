"""The demo floor's scripts fire what they say they fire (and benign calls fire nothing)."""

import pytest

from coaching.simulator import load_scripts
from rollout.replay import catalog_config, replay_call
from signals.catalog import CATALOG_KEYS
from signals.engine.transcript import parse_call

SCRIPTS = [s for team in load_scripts().values() for s in team]


def _transcript(script):
    return parse_call(
        {
            "call_id": script.script_id,
            "direction": script.direction,
            "workflows": list(script.workflows),
            "events": list(script.events),
        }
    )


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda s: s.script_id)
def test_demo_call__fires_exactly_its_expected_signals(db, script):
    result = replay_call(_transcript(script), catalog_config(phase=4))
    routed = {d["signal"] for d in result["detections"] if d["audience"]}
    assert routed == set(script.expect)
    if not script.expect:
        assert result["agent_prompts"] == 0


def test_demo_calls__cover_every_signal_and_are_mostly_benign():
    fired = {key for s in SCRIPTS for key in s.expect}
    assert fired == set(CATALOG_KEYS)
    benign = [s for s in SCRIPTS if not s.expect]
    assert len(benign) >= len(SCRIPTS) - len(benign)


def test_demo_calls__match_each_teams_workflows_and_direction():
    scripts = load_scripts()
    assert set(scripts) == {
        "acme-health",
        "northwind-retention",
        "contoso-outbound",
        "fabrikam-cards",
    }
    assert all(s.workflows == ("phi",) and s.direction == "inbound" for s in scripts["acme-health"])
    assert all(s.direction == "outbound" for s in scripts["contoso-outbound"])
    assert all("tcpa" in s.workflows for s in scripts["northwind-retention"])
    assert all(not s.workflows for s in scripts["fabrikam-cards"])
    for team in scripts.values():
        for s in team:
            offsets = [e["offset_ms"] for e in s.events]
            assert offsets == sorted(offsets)
            assert all(2000 <= b - a <= 5000 for a, b in zip(offsets, offsets[1:], strict=False))
