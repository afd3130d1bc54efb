"""Merging two customer profiles of one person, and undoing it (tickets.services.customer_merge)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings

from atiende.accounts.models import ApiToken
from atiende.core import clock
from atiende.core.exceptions import Conflict, Forbidden, Invalid, NotFound
from atiende.customers import selectors as customer_selectors
from atiende.customers.models import Customer, Identity
from atiende.customers.services import customer_create, customer_get_or_create_by_email
from atiende.tickets.models import Channel, CustomerMerge, Message, Ticket, TicketEvent
from atiende.tickets.services import channel_ticket_create
from atiende.tickets.services.customer_merge import customer_merge, customer_merge_undo


def whatsapp_profile(world, *, number: str = "+52 55 1234 5678", organization=None, name: str = "Ana por WhatsApp"):
    """A profile known only by WhatsApp, with one ticket it wrote."""
    profile = customer_create(name=name, identities={"whatsapp": number},
                              organization=organization if organization is not None else world.org_a)
    ticket, message = channel_ticket_create(requester=profile, subject="Hola por WhatsApp", body="¿Ya quedó mi pedido?",
                                            channel=Channel.WHATSAPP, acknowledge=False)
    return profile, ticket, message


def snapshot(*customers: Customer) -> dict:
    """Everything a merge may touch, for "undo restores exactly" and "nothing half-written"."""
    ids = [c.pk for c in customers]
    return {
        "customers": list(Customer.objects.filter(pk__in=ids).order_by("pk").values()),
        "identities": list(Identity.objects.filter(customer_id__in=ids).order_by("pk").values()),
        "tickets": list(Ticket.objects.filter(requester_id__in=ids).order_by("pk").values_list("pk", "requester_id")),
        "messages": list(Message.objects.filter(author_customer_id__in=ids).order_by("pk").values_list("pk", "author_customer_id")),
        "logins": sorted((c.user.pk, c.user.is_active) for c in Customer.objects.filter(pk__in=ids, user__isnull=False)),
        "tokens": sorted(ApiToken.objects.filter(user__customer__pk__in=ids).values_list("pk", flat=True)),
    }


def test_an_agent_merges_a_whatsapp_profile_into_the_email_one(world):
    profile, ticket, message = whatsapp_profile(world)
    merge = customer_merge(actor=world.agent1, source=profile, target=world.customer_a)

    assert merge.target == world.customer_a
    assert merge.moved["tickets"] == [ticket.pk]
    assert merge.moved["messages"] == [message.pk]
    ticket.refresh_from_db()
    message.refresh_from_db()
    profile.refresh_from_db()
    assert ticket.requester_id == world.customer_a.pk
    assert ticket.organization_id == world.org_a.pk  # tickets keep their organization
    assert message.author_customer_id == world.customer_a.pk
    assert profile.merged_into_id == world.customer_a.pk
    assert list(world.customer_a.identities.order_by("kind").values_list("kind", "value", "is_primary")) == [
        ("email", "ana@tienda-a.mx", True), ("whatsapp", "+525512345678", True),
    ]
    assert list(Identity.objects.filter(customer=profile)) == []
    event = TicketEvent.objects.get(ticket=ticket, field="requester")
    assert (event.actor, event.old_value, event.new_value) == (
        world.agent1, f"{profile.pk}:Ana por WhatsApp", f"{world.customer_a.pk}:Ana Cliente")


def test_the_merged_profile_leaves_lists_and_lookups_but_its_id_answers_with_the_survivor(world):
    profile, _ticket, _message = whatsapp_profile(world)
    customer_merge(actor=world.agent1, source=profile, target=world.customer_a)

    listed = customer_selectors.customer_list(user=world.agent1)
    assert profile.pk not in [c.pk for c in listed]
    assert customer_selectors.customer_get(user=world.agent1, customer_id=profile.pk, follow_merges=True) == world.customer_a
    with pytest.raises(NotFound):  # without following: a change never lands on the survivor by accident
        customer_selectors.customer_get(user=world.agent1, customer_id=profile.pk)
    api = world.client_for(world.agent1)
    response = api.get(f"/api/v1/customers/{profile.pk}/")
    assert response.status_code == 200 and response.json()["id"] == world.customer_a.pk


def test_a_merge_into_itself_or_into_a_merged_profile_is_refused(world):
    profile, _t, _m = whatsapp_profile(world)
    with pytest.raises(Invalid):
        customer_merge(actor=world.agent1, source=world.customer_a, target=world.customer_a)
    customer_merge(actor=world.agent1, source=profile, target=world.customer_a)
    other, _t2, _m2 = whatsapp_profile(world, number="+52 33 1234 5678", name="Otra")
    with pytest.raises(Conflict) as refused:
        customer_merge(actor=world.agent1, source=other, target=profile)
    assert refused.value.code == "customer_already_merged"
    with pytest.raises(Conflict):
        customer_merge(actor=world.agent1, source=profile, target=other)


def test_two_logins_the_survivor_keeps_its_own_and_the_other_is_switched_off_until_undone(world):
    colleague_login = world.colleague_a.user
    token_client = world.client_for(colleague_login)
    before = snapshot(world.colleague_a, world.customer_a)
    assert token_client.get("/api/v1/me/").status_code == 200
    merge = customer_merge(actor=world.supervisor, source=world.colleague_a, target=world.customer_a)

    colleague_login.refresh_from_db()
    assert colleague_login.is_active is False
    assert token_client.get("/api/v1/me/").status_code == 401
    assert merge.moved["login_deactivated"] == colleague_login.pk and merge.moved["login_moved"] is None
    world.customer_a.refresh_from_db()
    assert world.customer_a.user_id != colleague_login.pk

    customer_merge_undo(actor=world.admin, merge=merge)
    assert snapshot(world.colleague_a, world.customer_a) == before
    assert token_client.get("/api/v1/me/").status_code == 200


def test_a_login_joins_a_survivor_without_one_and_goes_back_on_undo(world):
    profile, ticket, _m = whatsapp_profile(world)
    before = snapshot(world.customer_a, profile)
    login = world.customer_a.user
    merge = customer_merge(actor=world.supervisor, source=world.customer_a, target=profile)
    profile.refresh_from_db()
    assert profile.user_id == login.pk and merge.moved["login_moved"] == login.pk
    assert Ticket.objects.filter(requester=profile).count() == 2
    customer_merge_undo(actor=world.admin, merge=merge)
    assert snapshot(world.customer_a, profile) == before


def test_undo_restores_exactly_and_leaves_what_came_later_with_the_survivor(world):
    profile, ticket, message = whatsapp_profile(world)
    before = snapshot(profile, world.customer_a)
    merge = customer_merge(actor=world.agent1, source=profile, target=world.customer_a)
    later, _later_message = channel_ticket_create(requester=world.customer_a, subject="Después", body="Otro asunto",
                                                  channel=Channel.WHATSAPP, acknowledge=False)

    undone = customer_merge_undo(actor=world.admin, merge=merge)
    assert undone.undone_by == world.admin and undone.undone_at is not None
    later_row = Ticket.objects.get(pk=later.pk)
    assert later_row.requester_id == world.customer_a.pk
    after = snapshot(profile, world.customer_a)
    after["tickets"].remove((later.pk, world.customer_a.pk))
    after["messages"] = [m for m in after["messages"] if m[0] != _later_message.pk]
    assert after == before
    events = list(TicketEvent.objects.filter(ticket=ticket, field="requester").values_list("actor_id", "new_value"))
    assert events == [(world.agent1.pk, f"{world.customer_a.pk}:Ana Cliente"), (world.admin.pk, f"{profile.pk}:Ana por WhatsApp")]
    with pytest.raises(Conflict) as again:
        customer_merge_undo(actor=world.admin, merge=undone)
    assert again.value.code == "merge_already_undone"


def test_only_administrators_undo_and_only_within_the_grace_period(world):
    profile, _t, _m = whatsapp_profile(world)
    merge = customer_merge(actor=world.agent1, source=profile, target=world.customer_a)
    for actor in (world.agent1, world.supervisor, world.customer_a.user):
        with pytest.raises(Forbidden):
            customer_merge_undo(actor=actor, merge=merge)
    with override_settings(CUSTOMER_MERGE_UNDO_DAYS=7):
        with clock.frozen_at(merge.created_at + timedelta(days=7, seconds=1)):
            with pytest.raises(Conflict) as late:
                customer_merge_undo(actor=world.admin, merge=merge)
        assert late.value.code == "merge_undo_expired"
        with clock.frozen_at(merge.created_at + timedelta(days=7)):
            customer_merge_undo(actor=world.admin, merge=merge)
    profile.refresh_from_db()
    assert profile.merged_into_id is None


def test_a_chain_resolves_to_its_end_and_is_undone_from_its_end(world):
    first, t1, _m1 = whatsapp_profile(world)
    second, t2, _m2 = whatsapp_profile(world, number="+52 33 1234 5678", name="Ana por teléfono")
    one = customer_merge(actor=world.agent1, source=first, target=second)
    two = customer_merge(actor=world.supervisor, source=second, target=world.customer_a)
    assert sorted(two.moved["tickets"]) == sorted([t1.pk, t2.pk])
    assert customer_selectors.customer_survivor_id(customer_id=first.pk) == world.customer_a.pk
    with pytest.raises(Conflict) as later_first:
        customer_merge_undo(actor=world.admin, merge=one)
    assert later_first.value.code == "merge_undo_later_first"
    customer_merge_undo(actor=world.admin, merge=two)
    customer_merge_undo(actor=world.admin, merge=one)
    assert Ticket.objects.get(pk=t1.pk).requester_id == first.pk
    assert Ticket.objects.get(pk=t2.pk).requester_id == second.pk


def test_mail_from_a_moved_address_finds_the_survivor(world):
    merge = customer_merge(actor=world.supervisor, source=world.colleague_a, target=world.customer_a)
    assert customer_get_or_create_by_email(email="BETO@tienda-a.mx") == world.customer_a
    found = customer_selectors.customer_list(user=world.agent1, email="beto@tienda-a.mx")
    assert [c.pk for c in found] == [world.customer_a.pk]
    assert merge.source == world.colleague_a


def test_a_merged_profile_and_its_survivor_cannot_be_deleted(world):
    from atiende.customers.services import customer_delete

    lonely = customer_create(name="Sin tickets", identities={"phone": "+52 81 1234 5678"}, organization=world.org_a)
    survivor = customer_create(name="Sobreviviente", identities={"phone": "+52 81 8765 4321"}, organization=world.org_a)
    customer_merge(actor=world.agent1, source=lonely, target=survivor)
    with pytest.raises(Conflict):
        customer_delete(actor=world.admin, customer=survivor)
    assert Customer.objects.filter(pk__in=[lonely.pk, survivor.pk]).count() == 2


def test_merge_query_count_is_pinned(world, django_assert_num_queries):
    profile, _t, _m = whatsapp_profile(world)
    with django_assert_num_queries(15):
        customer_merge(actor=world.agent1, source=profile, target=world.customer_a)
    assert CustomerMerge.objects.count() == 1


def test_the_django_admin_lists_merges_and_undoes_a_chain_from_its_end(world):
    from django.test import Client

    first, t1, _m1 = whatsapp_profile(world)
    second, _t2, _m2 = whatsapp_profile(world, number="+52 33 1234 5678", name="Ana por teléfono")
    one = customer_merge(actor=world.agent1, source=first, target=second)
    two = customer_merge(actor=world.agent1, source=second, target=world.customer_a)
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")  # the messages are asserted in English
    browser.force_login(world.admin, backend="atiende.accounts.backends.EmailBackend")
    listing = browser.get("/admin/tickets/customermerge/")
    assert listing.status_code == 200 and "Ana por teléfono" in listing.content.decode()
    response = browser.post("/admin/tickets/customermerge/", {"action": "undo", "_selected_action": [one.pk, two.pk]},
                            follow=True)
    assert [str(note) for note in response.context["messages"]] == [f"Merge {two} undone.", f"Merge {one} undone."]
    assert Ticket.objects.get(pk=t1.pk).requester_id == first.pk
    assert not CustomerMerge.objects.filter(undone_at__isnull=True).exists()


def test_a_supervisor_in_the_django_admin_cannot_undo(world):
    from django.test import Client

    profile, ticket, _m = whatsapp_profile(world)
    merge = customer_merge(actor=world.agent1, source=profile, target=world.customer_a)
    browser = Client()
    browser.force_login(world.supervisor, backend="atiende.accounts.backends.EmailBackend")
    browser.post("/admin/tickets/customermerge/", {"action": "undo", "_selected_action": [merge.pk]})
    merge.refresh_from_db()
    assert merge.undone_at is None
    assert Ticket.objects.get(pk=ticket.pk).requester_id == world.customer_a.pk


# --- the workspace's customer page ----------------------------------------------------------------

def browser_for(user):
    from django.test import Client

    browser = Client(HTTP_ACCEPT_LANGUAGE="en")  # the pages are asserted in English
    browser.force_login(user, backend="atiende.accounts.backends.EmailBackend")
    return browser


def test_the_customer_page_finds_previews_and_merges(world):
    profile, ticket, _m = whatsapp_profile(world)
    browser = browser_for(world.agent1)
    page = browser.get(f"/clientes/{profile.pk}/").content.decode()
    assert f'hx-get="/bandeja/clientes/{profile.pk}/fusionar/"' in page

    found = browser.get(f"/bandeja/clientes/{profile.pk}/fusionar/", {"q": "ana@tienda"}, HTTP_HX_REQUEST="true")
    assert found.status_code == 200
    assert f"?destino={world.customer_a.pk}" in found.content.decode()
    assert "Merge into Ana Cliente…" in found.content.decode()
    by_phone = browser.get(f"/bandeja/clientes/{world.customer_a.pk}/fusionar/", {"q": "55 1234 5678"}).content.decode()
    assert f"?destino={profile.pk}" in by_phone

    preview = browser.get(f"/bandeja/clientes/{profile.pk}/fusionar/", {"destino": world.customer_a.pk},
                          HTTP_HX_REQUEST="true").content.decode()
    assert "1 ticket moves." in preview and "Identity WhatsApp: +525512345678 moves." in preview
    assert Ticket.objects.get(pk=ticket.pk).requester_id == profile.pk  # a preview changes nothing

    done = browser.post(f"/bandeja/clientes/{profile.pk}/fusionar/confirmar/", {"destino": world.customer_a.pk},
                        HTTP_HX_REQUEST="true")
    assert done.status_code == 204 and done["HX-Redirect"] == f"/clientes/{world.customer_a.pk}/"
    assert Ticket.objects.get(pk=ticket.pk).requester_id == world.customer_a.pk

    moved = browser.get(f"/clientes/{profile.pk}/", follow=True)
    assert moved.redirect_chain == [(f"/clientes/{world.customer_a.pk}/", 302)]
    assert [str(m) for m in moved.context["messages"]] == ["Ana por WhatsApp was merged into Ana Cliente."]
    panel = browser.get(f"/bandeja/clientes/{world.customer_a.pk}/fusionar/").content.decode()
    assert "Ana por WhatsApp, merged by Ulises Uno" in panel and "deshacer" not in panel  # undo: admins


def test_a_refused_merge_on_the_page_says_why_and_changes_nothing(world):
    browser = browser_for(world.admin)
    response = browser.post(f"/bandeja/clientes/{world.customer_b.pk}/fusionar/confirmar/", {"destino": world.customer_a.pk},
                            HTTP_HX_REQUEST="true")
    assert response.status_code == 409
    assert "belong to different organizations and cannot be merged" in response.content.decode()
    assert Customer.objects.get(pk=world.customer_b.pk).merged_into_id is None
    assert browser.post(f"/bandeja/clientes/{world.customer_b.pk}/fusionar/confirmar/", {"destino": "x"}).status_code == 404


def test_an_admin_undoes_from_the_page(world):
    profile, ticket, _m = whatsapp_profile(world)
    merge = customer_merge(actor=world.agent1, source=profile, target=world.customer_a)
    browser = browser_for(world.admin)
    panel = browser.get(f"/bandeja/clientes/{world.customer_a.pk}/fusionar/").content.decode()
    assert f"/bandeja/clientes/fusiones/{merge.pk}/deshacer/" in panel
    assert browser_for(world.agent1).post(f"/bandeja/clientes/fusiones/{merge.pk}/deshacer/").status_code == 403
    done = browser.post(f"/bandeja/clientes/fusiones/{merge.pk}/deshacer/")
    assert done.status_code == 302 and done["Location"] == f"/clientes/{profile.pk}/"
    assert Ticket.objects.get(pk=ticket.pk).requester_id == profile.pk


def test_customers_and_collaborators_get_no_merge_panel(world):
    assert browser_for(world.customer_a.user).get(f"/bandeja/clientes/{world.customer_a.pk}/fusionar/").status_code == 302
    assert browser_for(world.collaborator).get(f"/bandeja/clientes/{world.customer_a.pk}/fusionar/").status_code == 404
    response = browser_for(world.collaborator).post(f"/bandeja/clientes/{world.colleague_a.pk}/fusionar/confirmar/",
                                                    {"destino": world.customer_a.pk})
    assert response.status_code == 404
    assert Customer.objects.get(pk=world.colleague_a.pk).merged_into_id is None


def test_undo_query_count_is_pinned(world, django_assert_num_queries):
    profile, _t, _m = whatsapp_profile(world)
    merge = customer_merge(actor=world.agent1, source=profile, target=world.customer_a)
    with django_assert_num_queries(13):
        customer_merge_undo(actor=world.admin, merge=merge)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_merge_tells_each_moved_ticket_s_open_pages_and_the_inboxes_once_committed(world):
    from asgiref.sync import async_to_sync
    from channels.db import database_sync_to_async

    from atiende.core.broadcast import INBOX_GROUP, ticket_group
    from atiende.live.tests.test_broadcast import listen, received

    profile, ticket, _m = whatsapp_profile(world)

    async def scenario():
        layer, page = await listen(ticket_group(ticket.pk))
        _same, inbox = await listen(INBOX_GROUP)
        await database_sync_to_async(customer_merge)(actor=world.agent1, source=profile, target=world.customer_a)
        assert await received(layer, page) == [{"type": "ticket.updated", "ticket_id": ticket.pk, "actor_id": world.agent1.pk}]
        assert await received(layer, inbox) == [{"type": "ticket.changed", "ticket_ids": [ticket.pk]}]

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_message_racing_a_merge_lands_on_the_survivor():
    """A WhatsApp message arrives while an agent's merge of that number's profile is committing:
    the port finds the number on the old profile, waits for the merge, and files the new ticket
    on the survivor (never on a profile nobody sees any more)."""
    import threading
    import time

    from django.db import connection, transaction

    from atiende.accounts.models import Role
    from atiende.accounts.services import agent_create
    from atiende.tickets.inbound import Inbound, SenderIdentity
    from atiende.tickets.services.inbound import inbound_receive

    if connection.vendor != "postgresql":
        pytest.skip("runs in the PostgreSQL pass: SQLite lets one writer in at a time, so there is no race")
    admin = agent_create(email="admin@nopal.mx", name="Ada Admin", role=Role.ADMIN, password="x" * 12)
    source = customer_create(name="Ana por WhatsApp", identities={"whatsapp": "+525512345678"})
    target = customer_create(name="Ana Pérez", identities={"email": "ana@papeleria.mx"})
    merging, results, errors = threading.Event(), [], []

    def merge() -> None:
        try:
            with transaction.atomic():
                customer_merge(actor=admin, source=source, target=target)
                merging.set()
                time.sleep(0.5)  # the message comes in now, before the merge commits
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            merging.set()
            connection.close()

    def receive() -> None:
        try:
            merging.wait(10)
            results.append(inbound_receive(Inbound(
                channel="whatsapp", external_id="wamid.carrera", sender=SenderIdentity("whatsapp", "5215512345678"),
                thread_key="5215512345678", text="¿Ya quedó mi dominio?")))
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=merge), threading.Thread(target=receive)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    assert Ticket.objects.get(pk=results[0].ticket_id).requester_id == target.pk
