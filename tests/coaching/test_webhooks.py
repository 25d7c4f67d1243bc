import http.server
import json
import threading
import time

import pytest

from coaching.models import WebhookDelivery
from coaching.services.delivery import (
    WEBHOOK_MAX_ATTEMPTS,
    sign,
    verify,
    webhook_deliver,
    webhook_enqueue,
    webhooks_due,
)
from tests.factories import IntegrationFactory

pytestmark = pytest.mark.django_db

SECRET = "whsec-test-123"


class Receiver:
    """A local HTTP server standing in for an integration's webhook endpoint."""

    def __init__(self, status=200):
        self.status = status
        self.requests = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.requests.append((dict(self.headers), body))
                self.send_response(outer.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def _integration(url):
    return IntegrationFactory(webhook_url=url, webhook_secret=SECRET)


def test_webhook__delivered__receiver_verifies_signature(
    receiver, django_capture_on_commit_callbacks
):
    integration = _integration(receiver.url)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        delivery = webhook_enqueue(
            integration=integration, event="handoff.requested", payload={"desk": "save"}
        )
    assert len(callbacks) == 1  # sent after commit, never inside the transaction
    webhook_deliver(delivery_pk=delivery.pk)
    headers, body = receiver.requests[0]
    assert headers["X-Coachplane-Event"] == "handoff.requested"
    assert verify(SECRET, body, headers["X-Coachplane-Signature"])
    assert not verify("wrong-secret", body, headers["X-Coachplane-Signature"])
    assert not verify(SECRET, body + b" ", headers["X-Coachplane-Signature"])
    assert json.loads(body)["data"] == {"desk": "save"}
    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    assert delivery.attempts == 1
    assert delivery.last_status_code == 200


def test_webhook__receiver_fails__retried_with_backoff_then_given_up(receiver):
    receiver.status = 500
    delivery = webhook_enqueue(
        integration=_integration(receiver.url), event="prompt.created", payload={}
    )
    webhook_deliver(delivery_pk=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == "pending"
    assert delivery.last_error == "HTTP 500"
    assert delivery.next_attempt_at > delivery.created_at
    assert delivery.pk not in webhooks_due()  # backing off
    for _ in range(WEBHOOK_MAX_ATTEMPTS - 1):
        webhook_deliver(delivery_pk=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == "failed"
    assert delivery.attempts == WEBHOOK_MAX_ATTEMPTS
    assert len(receiver.requests) == WEBHOOK_MAX_ATTEMPTS


def test_webhook__unreachable_url__recorded_as_error_not_raised():
    delivery = webhook_enqueue(
        integration=_integration("http://127.0.0.1:9/nothing-listens"), event="x", payload={}
    )
    webhook_deliver(delivery_pk=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == "pending"
    assert delivery.last_error


def test_webhook__delivered_row__is_not_sent_again(receiver):
    delivery = webhook_enqueue(integration=_integration(receiver.url), event="x", payload={})
    webhook_deliver(delivery_pk=delivery.pk)
    webhook_deliver(delivery_pk=delivery.pk)
    assert len(receiver.requests) == 1


def test_webhook__integration_without_url__records_nothing():
    assert webhook_enqueue(integration=_integration(""), event="x", payload={}) is None
    assert not WebhookDelivery.objects.exists()


def test_verify__old_timestamp__is_refused():
    body = b"{}"
    header = sign(SECRET, body, int(time.time()) - 3600)
    assert not verify(SECRET, body, header)
