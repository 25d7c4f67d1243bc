"""Property: however batches overlap, repeat or reorder, each event key is stored once."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coaching.models import CallEvent
from coaching.services.calls import events_ingest
from signals.engine.transcript import Event
from tests.factories import CallFactory

pytestmark = pytest.mark.django_db

keys = st.tuples(st.integers(min_value=0, max_value=12), st.booleans())
batches = st.lists(st.lists(keys, min_size=1, max_size=8), min_size=1, max_size=6)


def as_events(batch):
    return [
        Event(event_id=f"e{i}", speaker="agent", offset_ms=i * 1000, text="Hi.", is_partial=p)
        for i, p in batch
    ]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(batches=batches)
def test_events_ingest__any_sequence_of_batches__stores_each_event_once(db, batches):
    call = CallFactory()
    seen: set[tuple[str, bool]] = set()

    for batch in batches:
        result = events_ingest(call=call, events=as_events(batch), actor=None)
        new = {(f"e{i}", p) for i, p in batch} - seen
        assert result.accepted == len(new)
        assert result.accepted + result.duplicates == len(batch)
        seen |= new

    assert CallEvent.objects.filter(call=call).count() == len(seen)
    replay = [events_ingest(call=call, events=as_events(b), actor=None) for b in batches]
    assert sum(r.accepted for r in replay) == 0
    assert CallEvent.objects.filter(call=call).count() == len(seen)
