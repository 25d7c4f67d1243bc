"""API test fixtures: a team, an integration with a real key for it, and a client using the key."""

from __future__ import annotations

import pytest

from tests.coaching.api.helpers import client_for, make_integration
from tests.factories import TeamFactory


@pytest.fixture
def team(db):
    return TeamFactory(slug="team-a")


@pytest.fixture
def other_team(db):
    return TeamFactory(slug="team-b")


@pytest.fixture
def integration_and_key(team):
    return make_integration(team)


@pytest.fixture
def integration(integration_and_key):
    return integration_and_key[0]


@pytest.fixture
def api(integration_and_key):
    return client_for(integration_and_key[1])


@pytest.fixture
def other_api(other_team):
    """A client whose key is scoped to team B only."""
    _, key = make_integration(other_team, name="Other PBX")
    return client_for(key)
