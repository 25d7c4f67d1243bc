from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from signals.engine.adapters import (
    PLATFORMS,
    contact_lens,
    load_platform_file,
    to_canonical_call,
)
from signals.engine.errors import AdapterError
from signals.engine.transcript import parse_call
from tests.signals.engine.adapters.conftest import SAMPLES

DOCS = Path(__file__).parents[4] / "docs" / "samples"


@pytest.mark.parametrize("platform", PLATFORMS)
def test_load_platform_file__call_sample__is_one_valid_canonical_call(platform: str) -> None:
    text = (SAMPLES / f"{platform}_call.json").read_text()

    (call,) = load_platform_file(platform, text)

    transcript = parse_call(call)
    assert len(transcript.events) >= 4
    assert not any(e.is_partial for e in transcript.events)  # finals replaced their partials
    offsets = [e.offset_ms for e in transcript.events]
    assert offsets == sorted(offsets)
    assert any("supervisor" in e.text or "manager" in e.text for e in transcript.events)


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.glob("*.json")))
def test_docs_samples__match_test_samples(name: str) -> None:
    assert (DOCS / name).read_text() == (SAMPLES / name).read_text()


def test_load_platform_file__header_object__sets_call_fields() -> None:
    payloads = json.loads((SAMPLES / "contact_lens_call.json").read_text())
    doc = {"payloads": payloads, "direction": "outbound", "workflows": ["tcpa"], "call_id": "c-9"}

    (call,) = load_platform_file("contact-lens", json.dumps(doc))

    assert (call["call_id"], call["direction"], call["workflows"]) == ("c-9", "outbound", ["tcpa"])
    assert call["upstream_categories"] == [{"name": "EscalationRequest", "offset_ms": 13100}]


def test_load_platform_file__bad_payload__names_its_index() -> None:
    payloads = json.loads((SAMPLES / "contact_lens_call.json").read_text())
    del payloads[2]["Segments"][1]["Transcript"]["Content"]

    with pytest.raises(AdapterError) as exc:
        load_platform_file("contact_lens", json.dumps(payloads))

    assert exc.value.field == "[2].Segments[1].Transcript.Content"


@pytest.mark.parametrize(
    ("platform", "text", "field"),
    [
        ("zoom", "[]", "platform"),
        ("twilio", "{not json", ""),
        ("twilio", '{"calls": []}', ""),
        ("contact_lens", '{"payloads": [], "workflows": "phi"}', "workflows"),
    ],
)
def test_load_platform_file__malformed_file__raises_adapter_error(
    platform: str, text: str, field: str
) -> None:
    with pytest.raises(AdapterError) as exc:
        load_platform_file(platform, text)

    assert exc.value.field == field


def test_to_canonical_call__late_partial__never_replaces_final(sample: Any) -> None:
    segments = sample("contact_lens_call.json")[1]
    final_first = {**segments, "Segments": list(reversed(segments["Segments"]))}

    call = to_canonical_call(contact_lens.to_events(final_first), direction="inbound")

    (event,) = call["events"]
    assert "is_partial" not in event
    assert event["text"].endswith("How can I help?")


def test_to_canonical_call__no_call_id__raises_adapter_error(sample: Any) -> None:
    from signals.engine.adapters import transcribe

    result = transcribe.to_events(sample("transcribe_utterance_event.json"))

    with pytest.raises(AdapterError) as exc:
        to_canonical_call(result)

    assert exc.value.field == "call_id"
