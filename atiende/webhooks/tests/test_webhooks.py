"""Outbound webhooks against a real HTTP server on 127.0.0.1: signatures a receiver written from
docs/api.md verifies, retries that recover, disabling, the SSRF refusals and the admin API."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.utils import translation

from atiende.core import clock
from atiende.tickets.services import ticket_create, ticket_update
from atiende.webhooks.http import Refused, WebhookClient, checked_addresses, system_resolver
from atiende.webhooks.models import Attempt, Delivery, DeliveryStatus, Subscription
from atiende.webhooks.services import (
    Outcome,
    deliveries_retry_due,
    delivery_attempt,
    forget_subscriptions,
    subscription_create,
)

pytestmark = pytest.mark.django_db
SECRET = "whsec_prueba_0123456789"



@pytest.fixture(autouse=True)
def _english():
    """The reasons are asserted in English (msgids); es-MX is the default language."""
    with translation.override("en"):
        yield

def verify(secret: str, body: bytes, header: str, *, now: float, tolerance: int = 300) -> bool:
    """The receiver of docs/api.md ("Checking a delivery"), as a customer would copy it."""
    parts = dict(item.split("=", 1) for item in header.split(","))
    timestamp = int(parts["t"])
    if abs(now - timestamp) > tolerance:
        return False
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])


class Receiver:
    """A local receiver answering the statuses given, in order (then 200); records each request."""

    def __init__(self, statuses=(), redirect_to: str = "") -> None:
        self.statuses = list(statuses)
        self.requests: list[tuple[dict, bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                if redirect_to:
                    self.send_response(302)
                    self.send_header("Location", redirect_to)
                else:
                    self.send_response(receiver.statuses.pop(0) if receiver.statuses else 200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
    made: list[Receiver] = []

    def make(*args, **kwargs) -> Receiver:
        made.append(Receiver(*args, **kwargs))
        return made[-1]

    yield make
    for one in made:
        one.close()


def subscribe(world, url: str, events=("ticket.created",)) -> Subscription:
    return subscription_create(actor=world.admin, url=url, events=list(events), secret=SECRET)


def test_a_new_ticket_is_posted_signed_and_the_receiver_from_the_docs_accepts_it(
        world, receiver, django_capture_on_commit_callbacks):
    hook = receiver()
    subscribe(world, hook.url, events=["ticket.created", "ticket.updated"])
    with django_capture_on_commit_callbacks(execute=True):
        ticket = ticket_create(actor=world.customer_a.user, subject="Sin servicio", body="No hay internet")
    assert len(hook.requests) == 1
    headers, body = hook.requests[0]
    assert verify(SECRET, body, headers["X-Atiende-Signature"], now=clock.now().timestamp())
    assert not verify("otro-secreto-cualquiera", body, headers["X-Atiende-Signature"], now=clock.now().timestamp())
    assert not verify(SECRET, body + b" ", headers["X-Atiende-Signature"], now=clock.now().timestamp())
    payload = json.loads(body)
    delivery = Delivery.objects.get()
    assert payload["id"] == headers["X-Atiende-Delivery"] == str(delivery.public_id)
    assert (payload["event"], payload["version"], headers["X-Atiende-Event"]) == ("ticket.created", 1, "ticket.created")
    assert payload["data"]["ticket"]["number"] == ticket.number
    assert payload["data"]["ticket"]["subject"] == "Sin servicio"
    assert payload["data"]["message"]["body_text"] == "No hay internet"
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.DELIVERED, 1, 200)
    # An event nobody subscribed to makes no delivery.
    with django_capture_on_commit_callbacks(execute=True):
        ticket_update(actor=world.admin, ticket=ticket, changes={"priority": "high"})
    assert Delivery.objects.count() == 2 and len(hook.requests) == 2
    assert json.loads(hook.requests[1][1])["data"]["changes"] == [{"field": "priority", "old": "normal", "new": "high"}]


def test_a_stale_signature_is_refused_by_the_docs_receiver(world, receiver, django_capture_on_commit_callbacks):
    hook = receiver()
    subscribe(world, hook.url)
    with django_capture_on_commit_callbacks(execute=True):
        ticket_create(actor=world.customer_a.user, subject="x", body="y")
    headers, body = hook.requests[0]
    assert not verify(SECRET, body, headers["X-Atiende-Signature"], now=clock.now().timestamp() + 301)


def test_failures_are_retried_with_growing_waits_and_the_same_body_until_the_receiver_recovers(
        world, receiver, django_capture_on_commit_callbacks):
    hook = receiver(statuses=[500, 503])
    subscribe(world, hook.url)
    start = clock.now()
    with clock.frozen_at(start), django_capture_on_commit_callbacks(execute=True):
        ticket_create(actor=world.customer_a.user, subject="x", body="y")
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
    assert delivery.next_attempt_at == start + timedelta(seconds=15)  # the first retry within 30 s
    with clock.frozen_at(start + timedelta(seconds=10)):
        assert deliveries_retry_due() == 0  # not due yet
    with clock.frozen_at(start + timedelta(seconds=15)):
        assert deliveries_retry_due() == 1
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.last_status_code) == (2, 503)
    assert delivery.next_attempt_at == start + timedelta(seconds=15 + 45)
    with clock.frozen_at(start + timedelta(seconds=60)):
        assert deliveries_retry_due() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 3, 200)
    bodies = {body for _headers, body in hook.requests}
    ids = {headers["X-Atiende-Delivery"] for headers, _body in hook.requests}
    assert len(hook.requests) == 3 and len(bodies) == 1 and ids == {str(delivery.public_id)}
    assert list(Attempt.objects.order_by("number").values_list("status_code", flat=True)) == [500, 503, 200]
    assert Subscription.objects.get().failing_since is None


def test_a_subscription_failing_for_a_day_is_disabled_and_the_admins_are_mailed(
        world, receiver, django_capture_on_commit_callbacks):
    hook = receiver(statuses=[500] * 50)
    subscription = subscribe(world, hook.url)
    start = clock.now()
    with clock.frozen_at(start), django_capture_on_commit_callbacks(execute=True):
        ticket_create(actor=world.customer_a.user, subject="x", body="y")
    delivery = Delivery.objects.get()
    moments = []
    while True:
        delivery.refresh_from_db()
        if delivery.status != "pending":
            break
        moments.append(delivery.next_attempt_at - start)
        with clock.frozen_at(delivery.next_attempt_at), django_capture_on_commit_callbacks(execute=True):
            deliveries_retry_due()
    assert moments[:4] == [timedelta(seconds=s) for s in (15, 60, 195, 600)]
    assert moments[-1] == timedelta(hours=24)
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == len(moments) + 1 == 10
    subscription.refresh_from_db()
    assert subscription.active is False and subscription.disabled_at == start + timedelta(hours=24)
    admins = [m for m in mail.outbox if m.to == [world.admin.email]]
    assert len(admins) == 1 and subscription.url in admins[0].body
    # Disabled: new tickets make no delivery.
    with django_capture_on_commit_callbacks(execute=True):
        ticket_create(actor=world.customer_a.user, subject="otro", body="y")
    assert Delivery.objects.count() == 1


def test_refused_targets_are_never_contacted(world, settings, receiver, django_capture_on_commit_callbacks):
    hook = receiver()
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = False
    port = hook.server.server_address[1]
    # Loopback by address and by name; the name of an injected resolver that answers 127.0.0.1.
    for url in (hook.url, f"http://localhost:{port}/hooks", f"http://[::ffff:127.0.0.1]:{port}/"):
        answer = WebhookClient(allow_private=False, timeout=2, max_response_bytes=1024).post(url, body=b"{}", headers=[])
        assert answer.status_code is None and answer.error, url
    resolved = WebhookClient(allow_private=False, timeout=2, max_response_bytes=1024,
                             resolver=lambda host, port: ["127.0.0.1"])
    answer = resolved.post(f"http://hooks.example.com:{port}/", body=b"{}", headers=[])
    assert (answer.status_code, answer.error) == (None, "127.0.0.1 is on a private network.")
    mixed = WebhookClient(allow_private=False, timeout=2, max_response_bytes=1024,
                          resolver=lambda host, port: ["93.184.216.34", "169.254.169.254"])
    answer = mixed.post("http://hooks.example.com/", body=b"{}", headers=[])
    assert answer.error == "169.254.169.254 is a cloud metadata address."
    # `localhost` through the real resolver, in the delivery path, logged as a failed attempt.
    subscription = Subscription.objects.create(url=f"http://localhost:{port}/hooks", secret=SECRET,
                                               events=["ticket.created"])
    forget_subscriptions()  # made directly: the service refuses this URL, as it should
    with django_capture_on_commit_callbacks(execute=True):
        ticket_create(actor=world.customer_a.user, subject="x", body="y")
    attempt = Attempt.objects.get(delivery__subscription=subscription)
    assert (attempt.status_code, attempt.error) == (None, "localhost is this server.")
    # Past the name check, the system's resolver answers loopback for it, refused too.
    with pytest.raises(Refused, match="private network"):
        checked_addresses("localhost", port, resolver=system_resolver, allow_private=False)
    assert hook.requests == []


def test_the_rebinding_resolver_is_asked_once_and_the_checked_address_is_the_one_connected(receiver):
    hook = receiver()
    port = hook.server.server_address[1]
    answers = [["127.0.0.1"], ["169.254.169.254"]]
    asked = []

    def rebinding(host, port):
        asked.append(host)
        return answers[min(len(asked) - 1, 1)]

    client = WebhookClient(allow_private=True, timeout=2, max_response_bytes=1024, resolver=rebinding)
    assert client.post(f"http://rebind.example:{port}/hooks", body=b"{}", headers=[]).status_code == 200
    assert asked == ["rebind.example"] and len(hook.requests) == 1
    assert hook.requests[0][0]["Host"] == f"rebind.example:{port}"


def test_a_redirect_is_not_followed(world, receiver, django_capture_on_commit_callbacks):
    inside = receiver()
    outside = receiver(redirect_to=inside.url)
    subscribe(world, outside.url)
    with django_capture_on_commit_callbacks(execute=True):
        ticket_create(actor=world.customer_a.user, subject="x", body="y")
    attempt = Attempt.objects.get()
    assert attempt.status_code == 302 and "Redirects are not followed" in attempt.error
    assert inside.requests == [] and Delivery.objects.get().status == "pending"
    metadata = receiver(redirect_to="http://169.254.169.254/latest/meta-data/")
    answer = WebhookClient(allow_private=True, timeout=2, max_response_bytes=1024).post(
        metadata.url, body=b"{}", headers=[])
    assert answer.status_code == 302 and not answer.ok


def test_two_attempts_at_once_send_once(world, receiver):
    hook = receiver()
    subscription = subscribe(world, hook.url)
    delivery = Delivery.objects.create(subscription=subscription, event="ticket.created", body="{}",
                                       next_attempt_at=clock.now())
    first = delivery_attempt(delivery.pk)
    second = delivery_attempt(delivery.pk)
    assert (first, second) == (Outcome.DELIVERED, Outcome.SKIPPED) and len(hook.requests) == 1


def test_the_admin_api_creates_lists_redelivers_and_hides_the_secret(world, receiver,
                                                                     django_capture_on_commit_callbacks):
    hook = receiver(statuses=[500])
    api = world.client_for(world.admin)
    created = api.post("/api/v1/webhooks/", {"url": hook.url, "events": ["ticket.created"]}, format="json")
    assert created.status_code == 201, created.content
    secret = created.json()["secret"]
    assert secret.startswith("whsec_") and Subscription.objects.get().secret == secret
    webhook_id = created.json()["id"]
    assert "secret" not in api.get(f"/api/v1/webhooks/{webhook_id}/").json()
    bad = api.post("/api/v1/webhooks/", {"url": hook.url, "events": ["nope"]}, format="json")
    assert bad.status_code == 400 and set(bad.json()["error"]["fields"]) == {"events"}, bad.content
    bad = api.post("/api/v1/webhooks/", {"url": "ftp://x", "events": ["ticket.created"]}, format="json")
    assert bad.status_code == 400 and set(bad.json()["error"]["fields"]) == {"url"}, bad.content
    ticket_create(actor=world.customer_a.user, subject="x", body="y")
    delivery = Delivery.objects.get()
    assert delivery_attempt(delivery.pk) == Outcome.RETRY
    listed = api.get(f"/api/v1/webhooks/{webhook_id}/deliveries/").json()["results"]
    assert [(d["id"], d["status"], d["last_status_code"]) for d in listed] == [(str(delivery.public_id), "pending", 500)]
    detail = api.get(f"/api/v1/webhooks/{webhook_id}/deliveries/{delivery.public_id}/").json()
    assert detail["attempt_log"][0]["status_code"] == 500 and json.loads(detail["body"])["id"] == str(delivery.public_id)
    with django_capture_on_commit_callbacks(execute=True):
        again = api.post(f"/api/v1/webhooks/{webhook_id}/deliveries/{delivery.public_id}/redeliver/")
    assert again.status_code == 200
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and Attempt.objects.filter(manual=True).count() == 1
    assert api.patch(f"/api/v1/webhooks/{webhook_id}/", {"active": False}, format="json").status_code == 200
    refused = api.post(f"/api/v1/webhooks/{webhook_id}/deliveries/{delivery.public_id}/redeliver/")
    assert refused.status_code == 409
    assert api.delete(f"/api/v1/webhooks/{webhook_id}/").status_code == 204
    assert not Delivery.objects.exists()


def test_the_api_refuses_a_private_target_and_non_admins(world, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = False
    api = world.client_for(world.admin)
    for url in ("http://127.0.0.1/x", "http://localhost/x", "http://169.254.169.254/", "http://[::1]/"):
        response = api.post("/api/v1/webhooks/", {"url": url, "events": ["ticket.created"]}, format="json")
        assert response.status_code == 400 and "url" in response.json()["error"]["fields"], url
    for user in (world.supervisor, world.agent1, world.customer_a.user):
        assert world.client_for(user).get("/api/v1/webhooks/").status_code == 403


def test_a_chunk_records_its_successes_together_and_each_failure_with_its_retry(world, receiver):
    """One job's chunk: every delivery claimed and posted in order; the 201 and the 200 recorded
    with their own codes, the 500 scheduled again, one already delivered skipped; the streak of
    a subscription that was failing ends with its success."""
    from atiende.webhooks.services import deliveries_attempt

    hook = receiver(statuses=[201, 500, 200])
    subscription = subscribe(world, hook.url)
    Subscription.objects.filter(pk=subscription.pk).update(failing_since=clock.now() - timedelta(hours=1))
    now = clock.now()
    made = [Delivery.objects.create(subscription=subscription, event="ticket.created", body=f'{{"n": {n}}}',
                                    next_attempt_at=now) for n in range(4)]
    Delivery.objects.filter(pk=made[3].pk).update(status=DeliveryStatus.DELIVERED)
    outcomes = deliveries_attempt([d.pk for d in made])
    assert outcomes == [Outcome.DELIVERED, Outcome.RETRY, Outcome.DELIVERED, Outcome.SKIPPED]
    rows = {d.pk: d for d in Delivery.objects.all()}
    assert [(rows[d.pk].status, rows[d.pk].last_status_code, rows[d.pk].attempts) for d in made] == [
        ("delivered", 201, 1), ("pending", 500, 1), ("delivered", 200, 1), ("delivered", None, 0)]
    assert rows[made[1].pk].next_attempt_at > now
    assert sorted(Attempt.objects.values_list("delivery_id", "status_code")) == sorted(
        [(made[0].pk, 201), (made[1].pk, 500), (made[2].pk, 200)])
    assert [json.loads(body)["n"] for _headers, body in hook.requests] == [0, 1, 2]
    assert Subscription.objects.get().failing_since is None
