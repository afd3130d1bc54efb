"""Merging customer profiles hands one profile's conversations to the other's people: who may do
it, across which organizations, and that a refusal or a failure leaves nothing half-written."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError

from atiende.core import clock
from atiende.customers.models import Customer, Identity
from atiende.customers.services import customer_create
from atiende.tickets.models import Channel, CustomerMerge, Message, Ticket, TicketEvent
from atiende.tickets.services import channel_ticket_create
from atiende.tickets.services.customer_merge import customer_merge


def state() -> tuple:
    """Every row a merge may write."""
    return (
        list(Customer.objects.order_by("pk").values_list("pk", "user_id", "organization_id", "merged_into_id")),
        list(Identity.objects.order_by("pk").values_list("pk", "customer_id", "is_primary")),
        list(Ticket.objects.order_by("pk").values_list("pk", "requester_id", "organization_id")),
        list(Message.objects.order_by("pk").values_list("pk", "author_customer_id")),
        list(Customer.objects.filter(user__isnull=False).order_by("pk").values_list("user__is_active", flat=True)),
        TicketEvent.objects.filter(field="requester").count(),
        CustomerMerge.objects.count(),
    )


def whatsapp_profile(organization, *, number: str = "+52 55 1234 5678") -> Customer:
    profile = customer_create(name="Por WhatsApp", identities={"whatsapp": number}, organization=organization)
    channel_ticket_create(requester=profile, subject="Hola", body="¿Me ayudan?", channel=Channel.WHATSAPP, acknowledge=False)
    return profile


def merge_url(customer: Customer) -> str:
    return f"/api/v1/customers/{customer.pk}/merge/"


def test_merge_across_organizations_is_refused_even_for_an_admin(world):
    before = state()
    response = world.client_for(world.admin).post(merge_url(world.customer_b), {"target": world.customer_a.pk}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "merge_across_organizations"
    assert state() == before


def test_customers_cannot_merge_profiles(world):
    before = state()
    for user in (world.customer_a.user, world.org_admin_a.user):
        api = world.client_for(user)
        assert api.post(merge_url(world.colleague_a), {"target": world.customer_a.pk}, format="json").status_code == 404
        # Their own profile into a colleague's: the colleague is not theirs to see.
        assert api.post(merge_url(world.customer_a), {"target": world.colleague_a.pk}, format="json").status_code == 404
    with pytest.raises(Exception) as refused:
        customer_merge(actor=world.customer_a.user, source=world.customer_a, target=world.colleague_a)
    assert refused.value.status == 403
    assert state() == before


def test_collaborators_cannot_merge_profiles(world):
    before = state()
    api = world.client_for(world.collaborator)
    assert api.post(merge_url(world.colleague_a), {"target": world.customer_a.pk}, format="json").status_code == 404
    assert state() == before


def test_plain_agent_cannot_merge_a_profile_that_brings_an_email_or_a_login(world):
    """Moving an address or a login onto another profile decides who signs in as it, as adding an
    email address does (a supervisor's change since the hardening)."""
    before = state()
    response = world.client_for(world.agent1).post(merge_url(world.colleague_a), {"target": world.customer_a.pk}, format="json")
    assert response.status_code == 403
    assert state() == before
    response = world.client_for(world.supervisor).post(merge_url(world.colleague_a), {"target": world.customer_a.pk},
                                                       format="json")
    assert response.status_code == 200 and response.json()["id"] == world.customer_a.pk


def test_plain_agent_cannot_bring_a_person_into_an_organization_by_merging(world):
    outsider = whatsapp_profile(None)
    before = state()
    response = world.client_for(world.agent1).post(merge_url(outsider), {"target": world.customer_a.pk}, format="json")
    assert response.status_code == 403
    assert state() == before
    response = world.client_for(world.supervisor).post(merge_url(outsider), {"target": world.customer_a.pk}, format="json")
    assert response.status_code == 200


def test_plain_agent_merges_a_profile_of_the_same_organization_without_email(world):
    profile = whatsapp_profile(world.org_a)
    response = world.client_for(world.agent2).post(merge_url(profile), {"target": world.customer_a.pk}, format="json")
    assert response.status_code == 200
    assert response.json()["id"] == world.customer_a.pk
    assert {i["kind"] for i in response.json()["identities"]} == {"email", "whatsapp"}


def test_a_merged_profile_cannot_be_merged_again_nor_receive_a_merge(world):
    profile = whatsapp_profile(world.org_a)
    other = whatsapp_profile(world.org_a, number="+52 33 1234 5678")
    api = world.client_for(world.admin)
    assert api.post(merge_url(profile), {"target": world.customer_a.pk}, format="json").status_code == 200
    before = state()
    # The merged id answers reads with the survivor, but a merge names the profiles themselves.
    assert api.post(merge_url(profile), {"target": other.pk}, format="json").status_code == 404
    assert api.post(merge_url(other), {"target": profile.pk}, format="json").status_code == 404
    assert api.post(merge_url(other), {"target": other.pk}, format="json").status_code == 400
    assert state() == before


@pytest.mark.parametrize("target", ["x", None, 0, -1, 10**30, [1], "\x00"])
def test_a_bad_target_is_a_400_and_changes_nothing(world, target):
    profile = whatsapp_profile(world.org_a)
    before = state()
    response = world.client_for(world.admin).post(merge_url(profile), {"target": target}, format="json")
    assert response.status_code == 400
    assert state() == before


def test_undo_is_for_administrators_only(world):
    profile = whatsapp_profile(world.org_a)
    merge = customer_merge(actor=world.agent1, source=profile, target=world.customer_a)
    url = f"/api/v1/customer-merges/{merge.pk}/undo/"
    before = state()
    for user, status in ((None, 401), (world.customer_a.user, 404), (world.collaborator, 404),
                         (world.agent1, 403), (world.supervisor, 403)):
        assert world.client_for(user).post(url).status_code == status
    assert state() == before
    response = world.client_for(world.admin).post(url)
    assert response.status_code == 200 and response.json()["undone_by"]["id"] == world.admin.pk
    assert Ticket.objects.filter(requester=profile).count() == 1


def test_undo_after_the_grace_period_is_refused(world, settings):
    settings.CUSTOMER_MERGE_UNDO_DAYS = 30
    profile = whatsapp_profile(world.org_a)
    merge = customer_merge(actor=world.agent1, source=profile, target=world.customer_a)
    before = state()
    with clock.frozen_at(merge.created_at + timedelta(days=31)):
        response = world.client_for(world.admin).post(f"/api/v1/customer-merges/{merge.pk}/undo/")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "merge_undo_expired"
    assert state() == before


def test_a_failure_at_the_last_write_leaves_nothing_half_written(world, monkeypatch):
    profile = whatsapp_profile(world.org_a)
    before = state()

    def fail(*args, **kwargs):
        raise IntegrityError("the history could not be written")

    monkeypatch.setattr(TicketEvent.objects, "bulk_create", fail)  # Django's manager, not our code
    with pytest.raises(IntegrityError):
        customer_merge(actor=world.supervisor, source=profile, target=world.customer_a)
    monkeypatch.undo()
    assert state() == before


def test_a_deactivated_source_login_stays_off_after_undo_if_it_was_off_before(world):
    from atiende.accounts.models import User

    User.objects.filter(pk=world.colleague_a.user_id).update(is_active=False)
    merge = customer_merge(actor=world.supervisor, source=world.colleague_a, target=world.customer_a)
    assert merge.moved["login_deactivated"] is None
    from atiende.tickets.services.customer_merge import customer_merge_undo

    customer_merge_undo(actor=world.admin, merge=merge)
    assert User.objects.get(pk=world.colleague_a.user_id).is_active is False
