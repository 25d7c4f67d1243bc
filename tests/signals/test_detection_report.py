import json

from django.core.management import call_command

BITEXT_HEADER = "utterance,intent,entity_type,entity_value,start_offset,end_offset,category,tags\n"


def _tiny_data(root):
    bitext = root / "bitext"
    bitext.mkdir()
    rows = [
        ("I want to talk to a human agent", "contact_human_agent"),
        ("how do I close my account", "delete_account"),
        ("cancel order 1234", "cancel_order"),
        ("unsubscribe from the newsletter", "newsletter_subscription"),
        ("I want to buy several items", "place_order"),
    ]
    body = "".join(f"{text},{intent},,,,,X,B\n" for text, intent in rows)
    for name in ("Training", "Validation"):
        path = bitext / f"Bitext_Sample_Customer_Service_{name}_Dataset.csv"
        path.write_text(BITEXT_HEADER + body, encoding="utf-8")
    banking = root / "banking77"
    banking.mkdir()
    (banking / "train.csv").write_text(
        "text,category\nplease delete my account,terminate_account\nwhere is my "
        "card,card_arrival\n",
        encoding="utf-8",
    )


def _tiny_cases(root):
    cases = root / "cases"
    cases.mkdir()
    call = {
        "call_id": "t-1",
        "direction": "inbound",
        "events": [
            {"event_id": "e1", "speaker": "agent", "offset_ms": 0, "text": "How can I help?"},
            {
                "event_id": "e2",
                "speaker": "customer",
                "offset_ms": 2000,
                "text": "Cancel my service.",
            },
        ],
        "expected": {"churn_intent": True, "escalation_request": False},
    }
    (cases / "intent.jsonl").write_text(json.dumps(call) + "\n", encoding="utf-8")
    return cases


def test_detection_report__tiny_input__writes_metrics_and_targets(tmp_path):
    _tiny_data(tmp_path)
    cases = _tiny_cases(tmp_path)
    out = tmp_path / "detection.md"

    call_command("detection_report", data=str(tmp_path), cases=str(cases), out=str(out))

    text = out.read_text(encoding="utf-8")
    assert "## Targets (from the issue)" in text
    assert "| `churn_intent` | 0.80 |" in text
    assert "Confidence reliability" in text
    assert "CDLA-Sharing-1.0" in text


def test_detection_report__same_input__same_file(tmp_path):
    _tiny_data(tmp_path)
    cases = _tiny_cases(tmp_path)
    first, second = tmp_path / "a.md", tmp_path / "b.md"

    call_command("detection_report", data=str(tmp_path), cases=str(cases), out=str(first))
    call_command("detection_report", data=str(tmp_path), cases=str(cases), out=str(second))

    assert first.read_text(encoding="utf-8") == second.read_text(encoding="utf-8")


def test_detection_report__missing_data__still_reports_cases(tmp_path):
    cases = _tiny_cases(tmp_path)
    out = tmp_path / "detection.md"

    call_command("detection_report", data=str(tmp_path / "nope"), cases=str(cases), out=str(out))

    assert "Held-out utterances skipped" in out.read_text(encoding="utf-8")
