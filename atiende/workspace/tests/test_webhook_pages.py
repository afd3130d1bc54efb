"""The webhooks pages (administrators): create (the secret shown once), edit (the secret
write-only), delete, the delivery log with each attempt, and "send again" against a real local
receiver; refusals for everyone else."""

from __future__ import annotations

import pytest

from atiende.tickets.services import ticket_create
from atiende.webhooks.models import Attempt, Delivery, Subscription
from atiende.webhooks.services import delivery_attempt, subscription_create
from atiende.webhooks.tests.test_webhooks import Receiver

HOOKS = "/bandeja/webhooks/"


@pytest.fixture
def receiver(settings):
    """The webhooks app's local receiver, answering 500 once, then 200."""
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
    made = Receiver(statuses=[500])
    yield made
    made.close()


def test_an_admin_creates_edits_and_deletes_a_webhook_and_sees_the_secret_once(world, page_client, receiver):
    page = page_client(world.admin)
    assert page.get(HOOKS).status_code == 200
    assert page.get(f"{HOOKS}nuevo/").status_code == 200
    created = page.post(f"{HOOKS}nuevo/", {"url": receiver.url, "description": "ERP", "active": "on",
                                            "events": ["ticket.created", "ticket.solved"]})
    assert created.status_code == 201
    hook = Subscription.objects.get()
    assert hook.secret.startswith("whsec_") and hook.secret in created.content.decode()
    assert "no-store" in created["Cache-Control"]
    assert hook.events == ["ticket.created", "ticket.solved"] and hook.active
    edit = f"{HOOKS}{hook.pk}/"
    form = page.get(edit)
    assert form.status_code == 200 and hook.secret not in form.content.decode()
    assert receiver.url in page.get(HOOKS).content.decode()
    # Blank secret: kept; the event list and the switch change.
    assert page.post(edit, {"url": receiver.url, "events": ["sla.breached"], "secret": ""}).status_code == 302
    hook.refresh_from_db()
    assert (hook.events, hook.active, hook.secret.startswith("whsec_")) == (["sla.breached"], False, True)
    assert page.post(edit, {"url": receiver.url, "events": ["sla.breached"], "secret": "n" * 20,
                            "active": "on"}).status_code == 302
    hook.refresh_from_db()
    assert (hook.secret, hook.active) == ("n" * 20, True)
    assert page.post(f"{edit}borrar/").status_code == 302
    assert not Subscription.objects.exists()


def test_bad_webhook_input_is_shown_beside_its_field(world, page_client, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = False
    page = page_client(world.admin)
    for data, field in (({"url": "ftp://x.example/", "events": ["ticket.created"]}, "url"),
                        ({"url": "http://127.0.0.1/hooks", "events": ["ticket.created"]}, "url"),
                        ({"url": "https://hooks.example.mx/", "events": []}, "events"),
                        ({"url": "https://hooks.example.mx/", "events": ["nope"]}, "events"),
                        ({"url": "https://hooks.example.mx/", "events": ["ticket.created"], "secret": "corto"},
                         "secret")):
        response = page.post(f"{HOOKS}nuevo/", data)
        assert response.status_code == 400, (data, response.status_code)
        assert f'id="id_{field}_error"' in response.content.decode(), data
    assert not Subscription.objects.exists()
    assert page.get(f"{HOOKS}999999/").status_code == 404
    assert page.get(f"{HOOKS}999999/entregas/").status_code == 404


def test_the_delivery_log_shows_each_attempt_and_sends_again(world, page_client, receiver,
                                                              django_capture_on_commit_callbacks):
    hook = subscription_create(actor=world.admin, url=receiver.url, events=["ticket.created"], secret="s" * 20)
    ticket_create(actor=world.customer_a.user, subject="Caída", body="Nada funciona")
    delivery = Delivery.objects.get()
    delivery_attempt(delivery.pk)  # the receiver answers 500
    page = page_client(world.admin)
    log = page.get(f"{HOOKS}{hook.pk}/entregas/")
    assert log.status_code == 200 and "ticket.created" in log.content.decode()
    assert str(delivery.public_id) not in page.get(f"{HOOKS}{hook.pk}/entregas/?estado=delivered").content.decode()
    detail_url = f"{HOOKS}{hook.pk}/entregas/{delivery.public_id}/"
    detail = page.get(detail_url).content.decode()
    assert "<strong>500</strong>" in detail and "X-Atiende-Signature" in detail and "Nada funciona" in detail
    with django_capture_on_commit_callbacks(execute=True):
        again = page.post(f"{detail_url}reenviar/")
    assert again.status_code == 302 and again["Location"] == detail_url
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and Attempt.objects.filter(delivery=delivery, manual=True).count() == 1
    assert "<strong>200</strong>" in page.get(detail_url).content.decode()
    # An inactive subscription is not sent again; an unknown delivery is a 404.
    Subscription.objects.filter(pk=hook.pk).update(active=False)
    assert page.post(f"{detail_url}reenviar/").status_code == 302
    assert Attempt.objects.filter(delivery=delivery).count() == 2
    assert page.get(f"{HOOKS}{hook.pk}/entregas/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert page.post(f"{HOOKS}{hook.pk}/entregas/00000000-0000-0000-0000-000000000000/reenviar/").status_code == 404


def test_only_admins_reach_the_webhook_pages(world, page_client):
    hook = subscription_create(actor=world.admin, url="https://hooks.example.mx/secreto", events=["ticket.created"],
                               description="Webhook secreto", secret="s" * 20)
    delivery = Delivery.objects.create(subscription=hook, event="ticket.created", body='{"secreto": 1}', status="failed")
    urls = [HOOKS, f"{HOOKS}nuevo/", f"{HOOKS}{hook.pk}/", f"{HOOKS}{hook.pk}/entregas/",
            f"{HOOKS}{hook.pk}/entregas/{delivery.public_id}/"]
    for user in (world.supervisor, world.agent1, world.collaborator):
        page = page_client(user)
        for url in urls:
            response = page.get(url)
            assert response.status_code == 404 and b"secreto" not in response.content, (user, url)
        assert page.post(f"{HOOKS}{hook.pk}/borrar/").status_code == 404
        assert page.post(f"{HOOKS}{hook.pk}/entregas/{delivery.public_id}/reenviar/").status_code == 404
        assert page.post(f"{HOOKS}nuevo/", {"url": "https://x.example/", "events": ["ticket.created"]}).status_code == 404
    assert page_client(world.customer_a.user).get(HOOKS).status_code == 302
    assert page_client().post(f"{HOOKS}{hook.pk}/borrar/").status_code == 302
    assert Subscription.objects.count() == 1
    delivery.refresh_from_db()
    assert delivery.status == "failed"
    assert 'href="/bandeja/webhooks/"' not in page_client(world.supervisor).get("/bandeja/").content.decode()
    assert 'href="/bandeja/webhooks/"' in page_client(world.admin).get("/bandeja/").content.decode()
