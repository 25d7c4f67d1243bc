import pytest
from django.utils import timezone

from coaching.transcripts import recent_team_transcripts
from rollout.forecast import transcript_sources
from tests.factories import CallEventFactory, CallFactory

pytestmark = pytest.mark.django_db


def test_recent_team_transcripts__final_events_in_offset_order_old_calls_left_out(
    django_assert_num_queries,
):
    call = CallFactory(direction="outbound", workflows=["tcpa"])
    CallEventFactory(call=call, event_id="b", offset_ms=5000, text="second")
    CallEventFactory(call=call, event_id="a", offset_ms=1000, text="first")
    CallEventFactory(call=call, event_id="b", offset_ms=5000, text="seco", is_partial=True)
    CallFactory(team=call.team, started_at=timezone.now() - timezone.timedelta(days=30))
    with django_assert_num_queries(2):
        transcripts = list(recent_team_transcripts(call.team))
    assert len(transcripts) == 1
    transcript = transcripts[0]
    assert transcript.meta.direction == "outbound"
    assert transcript.meta.workflows == frozenset({"tcpa"})
    assert [e.text for e in transcript.events] == ["first", "second"]


def test_recent_calls__offered_to_forecasts():
    assert ("recent_calls", "Recent calls (14 days)") in transcript_sources()
