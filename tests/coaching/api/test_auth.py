import base64

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from coaching.models import Call, Integration
from coaching.services.integrations import integration_key_rotate, integration_revoke
from rollout.audit import Actor
from rollout.models import AuditEvent
from tests.coaching.api.helpers import (
    assert_error,
    client_for,
    make_integration,
    start_call,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "header",
    [None, "Api-Key", "Api-Key nope", "Api-Key abcdefgh.wrong-secret", "Bearer x", "Api-Key a b"],
)
def test_request__without_a_valid_key__is_401_json(team, header):
    client = APIClient()
    if header is not None:
        client.credentials(HTTP_AUTHORIZATION=header)

    response = start_call(client)

    body = assert_error(
        response,
        401,
        "not_authenticated" if header in (None, "Bearer x") else "authentication_failed",
    )
    assert body["fields"] == {}
    assert response["WWW-Authenticate"].startswith("Api-Key")
    assert not Call.objects.exists()


def test_request__with_the_right_prefix_but_wrong_secret__is_401(integration):
    client = client_for(f"{integration.key_prefix}.not-the-secret")

    assert_error(start_call(client), 401, "authentication_failed")


def test_request__with_a_revoked_key__is_401(integration_and_key):
    integration, key = integration_and_key
    integration_revoke(integration=integration, actor=Actor.system("tests"), reason="leaked")

    assert_error(start_call(client_for(key)), 401, "authentication_failed")
    assert AuditEvent.objects.filter(action="integration.revoke").count() == 1


def test_request__with_an_inactive_integration__is_401(integration_and_key):
    integration, key = integration_and_key
    Integration.objects.filter(pk=integration.pk).update(active=False)

    assert_error(start_call(client_for(key)), 401, "authentication_failed")


def test_key_rotate__old_key_refused_new_key_works(integration_and_key):
    integration, old_key = integration_and_key

    _, new_key = integration_key_rotate(integration=integration, actor=Actor.system("tests"))

    assert_error(start_call(client_for(old_key)), 401, "authentication_failed")
    assert start_call(client_for(new_key)).status_code == 201


def test_key__is_stored_hashed_with_its_prefix(integration_and_key):
    integration, key = integration_and_key

    assert key.startswith(integration.key_prefix + ".")
    assert key not in integration.key_hash
    audit = AuditEvent.objects.get(action="integration.create")
    assert key not in str(audit.after)


def test_basic_credentials__with_the_key_as_password__authenticate(integration_and_key):
    _, key = integration_and_key
    client = APIClient()
    token = base64.b64encode(f"twilio:{key}".encode()).decode()
    client.credentials(HTTP_AUTHORIZATION=f"Basic {token}")

    assert start_call(client).status_code == 201


def test_integration_create__with_a_webhook__has_a_signing_secret(team):
    integration, _ = make_integration(team, name="Hooked", webhook_url="https://hooks.example/x")

    assert len(integration.webhook_secret) == 64


def test_create_integration_command__prints_a_key_that_works(team, capsys):
    call_command(
        "create_integration",
        "Desk",
        "--teams",
        "team-a",
        "--webhook-url",
        "https://hooks.example/cp",
    )

    lines = capsys.readouterr().out.splitlines()
    key = lines[lines.index("API key (shown once, store it now):") + 1]
    assert start_call(client_for(key)).status_code == 201
    assert Integration.objects.get(name="Desk").webhook_secret in lines


def test_create_integration_command__unknown_team__fails_without_rows(team):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Unknown team"):
        call_command("create_integration", "Desk", "--teams", "team-a,nope")

    assert not Integration.objects.filter(name="Desk").exists()
