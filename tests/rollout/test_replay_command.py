import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from rollout.replay import catalog_config, config_under_phase, density_forecast, replay_call
from signals.engine.transcript import load_calls
from tests.factories import SignalEnablementFactory, TeamFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "docs" / "samples"

CALLS = [
    {
        "call_id": "c-churn",
        "direction": "inbound",
        "events": [
            {"event_id": "e1", "speaker": "agent", "offset_ms": 0, "text": "Thanks for calling."},
            {
                "event_id": "e2",
                "speaker": "customer",
                "offset_ms": 4000,
                "text": "I want to cancel my plan, I'm switching to another provider.",
            },
        ],
    },
    {
        "call_id": "c-benign",
        "direction": "inbound",
        "events": [
            {"event_id": "e1", "speaker": "agent", "offset_ms": 0, "text": "How can I help?"},
            {
                "event_id": "e2",
                "speaker": "customer",
                "offset_ms": 3000,
                "text": "I'd like to check when my bill is due.",
            },
        ],
    },
]


@pytest.fixture
def calls_file(tmp_path):
    path = tmp_path / "calls.jsonl"
    path.write_text("\n".join(json.dumps(c) for c in CALLS))
    return path


def _run(*args):
    out = StringIO()
    call_command("replay", *args, "--no-progress", stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_replay__all_signals__one_json_line_per_call_in_the_contract_shape(calls_file):
    lines = _run(str(calls_file), "--format", "jsonl", "--all-signals")
    assert [line["call_id"] for line in lines] == ["c-churn", "c-benign"]
    churn = lines[0]
    detection = next(d for d in churn["detections"] if d["signal"] == "churn_intent")
    assert set(detection) == {
        "signal",
        "confidence",
        "event_id",
        "offset_ms",
        "above_threshold",
        "audience",
        "reason",
    }
    assert detection["event_id"] == "e2"
    assert detection["audience"] == "agent"
    assert churn["agent_prompts"] == 1
    assert lines[1]["agent_prompts"] == 0
    assert not [d for d in lines[1]["detections"] if d["audience"] == "agent"]


def test_replay__phase_1__routes_nothing_to_agents(calls_file):
    lines = _run(str(calls_file), "--all-signals", "--phase", "1")
    churn = next(d for d in lines[0]["detections"] if d["signal"] == "churn_intent")
    assert churn["audience"] == "leads"
    assert "phase 1" in churn["reason"]


def test_replay__team__uses_the_teams_enablements(calls_file, signal):
    team = TeamFactory(phase=1, slug="leads-only-team")
    SignalEnablementFactory(team=team, signal=signal("escalation_request"))
    lines = _run(str(calls_file), "--team", "leads-only-team")
    assert all(d["signal"] == "escalation_request" for line in lines for d in line["detections"])


def test_replay__unknown_team__is_a_clear_error(calls_file):
    with pytest.raises(CommandError, match="No team"):
        _run(str(calls_file), "--team", "nope")


def test_replay__malformed_file__names_the_field(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"call_id": "x", "events": [{"event_id": "e1", "speaker": "bot"}]}))
    with pytest.raises(CommandError, match=r"events\[0\]\.speaker"):
        _run(str(path), "--all-signals")


@pytest.mark.parametrize(
    ("platform", "sample"),
    [
        ("contact-lens", "contact_lens_call.json"),
        ("transcribe", "transcribe_call.json"),
        ("google-ccai", "google_ccai_call.json"),
        ("twilio", "twilio_call.json"),
    ],
)
def test_replay__each_platform_sample__replays_and_finds_the_escalation(platform, sample):
    lines = _run(str(SAMPLES / sample), "--input-format", platform, "--all-signals")
    assert lines
    assert any(
        d["signal"] == "escalation_request" and d["above_threshold"]
        for line in lines
        for d in line["detections"]
    )


def test_density_forecast__matches_replay_lines():
    transcripts = list(load_calls("\n".join(json.dumps(c) for c in CALLS)))
    config = catalog_config()
    lines = [replay_call(t, config) for t in transcripts]
    forecast = density_forecast(lines)
    assert forecast.calls == 2
    assert forecast.agent_cues_max == 1
    assert forecast.signal_rates["churn_intent"]["firing_rate"] == 0.5


def test_config_under_phase_2__keeps_at_most_two_agent_signals_compliance_first():
    config = config_under_phase(catalog_config(), 2)
    agent = sorted(s.key for s in config.specs if s.agent_threshold is not None)
    assert len(agent) == 2
    assert all(s.agent_threshold >= 0.85 for s in config.specs if s.agent_threshold is not None)
    assert "frustration_spike" not in agent
