"""RMAs through the API: opening, every step and every forbidden one, the quote, replacement,
refund, the customer's messages on the ticket, and who sees what."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.translation import gettext

from atiende.accounts.services import system_actor
from atiende.assets.models import Asset, AssetLink, AssetStatus
from atiende.customers.services import customer_update
from atiende.returns.flow import RmaState, next_states
from atiende.returns.models import EventKind, QuoteStatus, Rma, RmaEvent, RmaItem
from atiende.returns.services import rma_open, rma_transition
from atiende.tickets.models import AuthorKind, Message, MessageKind
from atiende.tickets.services import ticket_update

PATHS = {  # how to reach each state (courier pickup, covered)
    "requested": [],
    "approved": ["approved"],
    "received": ["approved", "received"],
    "diagnosed": ["approved", "received", "diagnosed"],
    "repaired": ["approved", "received", "diagnosed", "repaired"],
    "replaced": ["approved", "received", "diagnosed", "replaced"],
    "refunded": ["approved", "received", "diagnosed", "refunded"],
    "rejected": ["rejected"],
    "shipped_back": ["approved", "received", "diagnosed", "repaired", "shipped_back"],
    "closed": ["rejected", "closed"],
}


def open_covered(world, kit, **extra) -> Rma:
    fields = {"assets": [kit["covered"].pk], "reason": "No enciende", "return_method": "courier_pickup", **extra}
    return rma_open(actor=world.agent1, ticket=world.ticket_a, **fields)


def walk(world, rma: Rma, steps: list[str]) -> Rma:
    for step in steps:
        extra = {"replacements": [{"asset": i.asset_id, "identifier": f"{i.asset.identifier}-R"}
                                  for i in rma.items.all()]} if step == "replaced" else {}
        rma = rma_transition(actor=world.agent1, rma=rma, to=step, **extra)
    return rma


def notices(world) -> list[Message]:
    return list(Message.objects.filter(ticket=world.ticket_a, author_user=system_actor("returns")).order_by("id"))


def test_open_a_covered_rma_links_the_asset_and_tells_the_customer(world, kit):
    api = world.client_for(world.agent1)
    response = api.post("/api/v1/rmas/", {"ticket": world.ticket_a.pk, "assets": [kit["covered"].pk],
                                          "reason": "No enciende", "return_method": "courier_pickup"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["state"], body["coverage"], body["quote"], body["next_states"], body["customer"]) == (
        "requested", "covered", None, ["approved", "rejected"], world.customer_a.pk)
    assert [(i["asset"], i["identifier"], i["replacement"]) for i in body["items"]] == [(kit["covered"].pk, "SN-A1", None)]
    assert AssetLink.objects.filter(ticket=world.ticket_a, asset=kit["covered"]).exists()
    [notice] = notices(world)
    assert notice.kind == MessageKind.PUBLIC and notice.author_kind == AuthorKind.AGENT
    assert notice.body_text == (f"We opened the return and repair request RMA-{body['id']} for Router Wi-Fi 6 "
                                "(SN-A1). Your warranty covers it, so it costs you nothing. We will tell you the "
                                "next step shortly.")
    [event] = RmaEvent.objects.filter(rma_id=body["id"])
    assert (event.kind, event.from_state, event.to_state, event.actor, event.message) == (
        EventKind.OPENED, "", "requested", world.agent1, notice)


def test_the_customer_hears_each_step_in_plain_words_and_in_their_language(world, kit):
    rma = walk(world, open_covered(world, kit), PATHS["shipped_back"])
    rma = rma_transition(actor=world.supervisor, rma=rma, to="closed", note="Gracias por su paciencia.")
    n = f"RMA-{rma.pk}"
    assert [m.body_text for m in notices(world)][1:] == [
        f"Your request {n} was approved. A courier will pick up the product at your address; we will confirm the "
        "day with you.",
        f"We received your product for {n} and will now check it.",
        f"We checked your product ({n}) and found the cause; we will tell you shortly what we are going to do.",
        f"Your product ({n}) is repaired.",
        f"Your product ({n}) is on its way back to you.",
        f"{n} is closed. Thank you for your patience.\n\nGracias por su paciencia.",
    ]
    events = list(rma.events.order_by("id").values_list("from_state", "to_state", "actor__email"))
    assert events == [("", "requested", "uno@example.mx"), ("requested", "approved", "uno@example.mx"),
                      ("approved", "received", "uno@example.mx"), ("received", "diagnosed", "uno@example.mx"),
                      ("diagnosed", "repaired", "uno@example.mx"), ("repaired", "shipped_back", "uno@example.mx"),
                      ("shipped_back", "closed", "super@example.mx")]
    assert all(e.message_id and not e.notice_problem for e in rma.events.all())


def test_spanish_customers_hear_spanish(world, kit, settings):
    with translation.override("es-mx"):
        if gettext("We cannot go ahead with %(rma)s.") == "We cannot go ahead with %(rma)s.":
            pytest.skip("the es-MX catalogue has not taken /work/T/rma.py yet (the lead compiles it)")
    customer_update(actor=world.admin, customer=world.customer_a, changes={"language": "es-mx"})
    rma = open_covered(world, kit, return_method="drop_off")
    rma_transition(actor=world.agent1, rma=rma, to="approved")
    assert notices(world)[-1].body_text == (
        f"Tu solicitud RMA-{rma.pk} fue aprobada. Puedes traer el producto a nuestro centro de servicio; "
        f"menciona RMA-{rma.pk} al entregarlo.")


def test_the_asset_is_in_repair_only_while_with_us(world, kit):
    rma = open_covered(world, kit)
    seen = []
    for step in PATHS["repaired"]:
        rma = rma_transition(actor=world.agent1, rma=rma, to=step)
        seen.append(Asset.objects.get(pk=kit["covered"].pk).status)
    assert seen == ["active", "in_repair", "in_repair", "active"]


@pytest.mark.parametrize("state", list(PATHS))
def test_every_forbidden_step_is_a_409_with_the_allowed_ones_and_changes_nothing(world, kit, state):
    rma = walk(world, open_covered(world, kit), PATHS[state])
    assert rma.state == state
    allowed = list(next_states(state, method="courier_pickup", received=rma.received_at is not None))
    api = world.client_for(world.agent1)
    events, messages = RmaEvent.objects.count(), Message.objects.count()
    for target in RmaState.values:
        if target in allowed:
            continue
        response = api.post(f"/api/v1/rmas/{rma.pk}/transition/", {"to": target}, format="json")
        assert response.status_code == 409, (state, target)
        error = response.json()["error"]
        assert (error["code"], error["fields"]["allowed"]) == ("transition_not_allowed", allowed)
    assert Rma.objects.get(pk=rma.pk).state == state
    assert (RmaEvent.objects.count(), Message.objects.count()) == (events, messages)


def test_a_step_that_is_no_state_is_a_400(world, kit):
    rma = open_covered(world, kit)
    api = world.client_for(world.agent1)
    for body in ({"to": "lost"}, {}, {"to": None}):
        response = api.post(f"/api/v1/rmas/{rma.pk}/transition/", body, format="json")
        assert response.status_code == 400 and "to" in response.json()["error"]["fields"]


def test_the_message_of_a_forbidden_step_names_the_allowed_ones(world, kit):
    rma = open_covered(world, kit)
    response = world.client_for(world.agent1).post(f"/api/v1/rmas/{rma.pk}/transition/", {"to": "closed"},
                                                   format="json")
    assert response.json()["error"]["message"] == "An RMA that is Requested can move only to: approved, rejected."


# --- quotes -------------------------------------------------------------------------------------

def open_paid(world, kit, amount="1250.50") -> Rma:
    return rma_open(actor=world.agent1, ticket=world.ticket_a, assets=[kit["old"].pk], reason="Pantalla rota",
                    return_method="drop_off", quote_amount=amount)


def test_out_of_warranty_is_paid_and_waits_for_the_customer(world, kit):
    rma = open_paid(world, kit)
    assert (rma.coverage, rma.quote_amount, rma.quote_status) == ("paid", Decimal("1250.50"), "pending")
    assert "the work costs $1,250.50 MXN" in notices(world)[0].body_text
    agent = world.client_for(world.agent1)
    response = agent.post(f"/api/v1/rmas/{rma.pk}/transition/", {"to": "approved"}, format="json")
    assert (response.status_code, response.json()["error"]["code"]) == (409, "quote_not_accepted")
    assert agent.get(f"/api/v1/rmas/{rma.pk}/").json()["next_states"] == ["rejected"]
    # The agent cannot answer for the customer; another customer does not see it.
    assert agent.post(f"/api/v1/rmas/{rma.pk}/quote/accept/").status_code == 403
    assert world.client_for(world.customer_b.user).post(f"/api/v1/rmas/{rma.pk}/quote/accept/").status_code == 404
    customer = world.client_for(world.customer_a.user)
    response = customer.post(f"/api/v1/rmas/{rma.pk}/quote/accept/")
    assert response.status_code == 200 and response.json()["quote"]["status"] == "accepted"
    assert customer.post(f"/api/v1/rmas/{rma.pk}/quote/decline/").json()["error"]["code"] == "quote_not_pending"
    note = Message.objects.filter(ticket=world.ticket_a, kind=MessageKind.INTERNAL).latest("id")
    assert note.body_text == f"The customer accepted the quote of $1,250.50 MXN for RMA-{rma.pk}; it can be approved now."
    assert agent.post(f"/api/v1/rmas/{rma.pk}/transition/", {"to": "approved"}, format="json").status_code == 200
    assert list(rma.events.values_list("kind", "actor__email")) == [
        ("opened", "uno@example.mx"), ("quote_accepted", "ana@tienda-a.mx"), ("transition", "uno@example.mx")]


def test_a_declined_quote_is_never_approved_but_may_be_rejected(world, kit):
    rma = open_paid(world, kit)
    org_admin = world.client_for(world.org_admin_a.user)  # the organization's admin answers for it
    assert org_admin.post(f"/api/v1/rmas/{rma.pk}/quote/decline/").json()["quote"]["status"] == "declined"
    agent = world.client_for(world.agent1)
    assert agent.post(f"/api/v1/rmas/{rma.pk}/transition/", {"to": "approved"}, format="json").status_code == 409
    assert agent.post(f"/api/v1/rmas/{rma.pk}/transition/", {"to": "rejected"}, format="json").status_code == 200
    assert Rma.objects.get(pk=rma.pk).quote_status == QuoteStatus.DECLINED


def test_a_covered_rma_has_no_quote_to_accept(world, kit):
    rma = open_covered(world, kit)
    response = world.client_for(world.customer_a.user).post(f"/api/v1/rmas/{rma.pk}/quote/accept/")
    assert (response.status_code, response.json()["error"]["code"]) == (409, "quote_not_pending")


@pytest.mark.parametrize(("fields", "field"), [
    ({"assets": ["old"], "coverage": "covered"}, "coverage"),  # out of warranty cannot be covered
    ({"assets": ["old"]}, "quote_amount"),  # paid needs an amount
    ({"assets": ["old"], "quote_amount": "0"}, "quote_amount"),
    ({"assets": ["old"], "quote_amount": "12.345"}, "quote_amount"),
    ({"assets": ["old"], "quote_amount": "mucho"}, "quote_amount"),
    ({"assets": ["old"], "quote_amount": True}, "quote_amount"),
    ({"assets": ["covered"], "quote_amount": "10"}, "quote_amount"),  # covered has no quote
    ({"assets": ["other"]}, "assets"),  # another customer's
    ({"assets": []}, "assets"),
    ({"assets": ["covered"], "return_method": "paloma"}, "return_method"),
    ({"assets": ["covered"], "reason": "  "}, "reason"),
    ({"assets": ["covered"], "coverage": "gratis"}, "coverage"),
])
def test_bad_requests_are_400_naming_the_field_and_write_nothing(world, kit, fields, field):
    body = {"ticket": world.ticket_a.pk, "reason": "Falla", "return_method": "courier_pickup", **fields}
    body["assets"] = [kit[name].pk for name in body["assets"]]
    response = world.client_for(world.agent1).post("/api/v1/rmas/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    assert (Rma.objects.count(), Message.objects.filter(author_user__email__startswith="returns@").count()) == (0, 0)


def test_an_asset_in_an_open_rma_cannot_go_in_another(world, kit):
    first = open_covered(world, kit)
    api = world.client_for(world.agent1)
    body = {"ticket": world.ticket_a.pk, "assets": [kit["covered"].pk, kit["org"].pk], "reason": "Otra vez",
            "return_method": "on_site"}
    response = api.post("/api/v1/rmas/", body, format="json")
    assert (response.status_code, response.json()["error"]["code"]) == (409, "asset_in_open_rma")
    walk(world, first, PATHS["closed"])
    assert api.post("/api/v1/rmas/", body, format="json").status_code == 201


# --- outcomes -----------------------------------------------------------------------------------

def test_replacement_creates_the_new_asset_retires_the_old_and_keeps_both_linked(world, kit):
    rma = walk(world, open_covered(world, kit), PATHS["diagnosed"])
    api = world.client_for(world.agent1)
    url = f"/api/v1/rmas/{rma.pk}/transition/"
    incomplete = api.post(url, {"to": "replaced"}, format="json")
    assert incomplete.status_code == 400 and Asset.objects.count() == 4
    taken = api.post(url, {"to": "replaced", "replacements": [{"asset": kit["covered"].pk, "identifier": "SN-B1"}]},
                     format="json")  # another asset of the product has it... of customer B: still one serial
    assert taken.status_code == 409 and Asset.objects.count() == 4 and Rma.objects.get(pk=rma.pk).state == "diagnosed"
    response = api.post(url, {"to": "replaced", "replacements": [{"asset": kit["covered"].pk, "identifier": "SN-A1-N"}]},
                        format="json")
    assert response.status_code == 200, response.content
    old, new = Asset.objects.get(pk=kit["covered"].pk), Asset.objects.get(identifier="SN-A1-N")
    assert (old.status, new.status) == (AssetStatus.REPLACED, AssetStatus.ACTIVE)
    assert (new.product, new.customer, new.purchased_on, new.attributes) == (
        old.product, old.customer, old.purchased_on, old.attributes)  # keeps the remaining warranty
    item = RmaItem.objects.get(rma=rma)
    assert (item.asset, item.replacement, item.status_before) == (old, new, "active")
    assert response.json()["items"][0]["replacement_identifier"] == "SN-A1-N"
    assert AssetLink.objects.filter(ticket=world.ticket_a, asset=new).exists()
    assert notices(world)[-1].body_text == f"We are replacing your product (RMA-{rma.pk}) with a new one: SN-A1-N."
    # The old asset's history stays: its RMA, and it cannot go into a new one.
    assert list(old.rma_items.values_list("rma_id", flat=True)) == [rma.pk]
    body = {"ticket": world.ticket_a.pk, "assets": [old.pk], "reason": "x", "return_method": "remote"}
    assert api.post("/api/v1/rmas/", body, format="json").json()["error"]["code"] == "asset_gone"


def test_refund_retires_the_asset_and_rejection_after_diagnosis_gives_it_back(world, kit):
    refunded = walk(world, open_covered(world, kit), PATHS["refunded"])
    assert Asset.objects.get(pk=kit["covered"].pk).status == AssetStatus.RETIRED
    assert list(next_states(refunded.state, method="courier_pickup", received=True)) == ["closed"]
    rejected = rma_open(actor=world.agent1, ticket=world.ticket_a, assets=[kit["org"].pk], reason="x",
                        return_method="courier_pickup")
    rejected = walk(world, rejected, ["approved", "received", "diagnosed", "rejected"])
    assert Asset.objects.get(pk=kit["org"].pk).status == AssetStatus.ACTIVE
    assert world.client_for(world.agent1).get(f"/api/v1/rmas/{rejected.pk}/").json()["next_states"] == ["shipped_back"]


def test_a_ticket_that_takes_no_message_does_not_stop_the_rma(world, kit):
    rma = open_covered(world, kit)
    ticket_update(actor=world.admin, ticket=world.ticket_a, changes={"status": "closed"})
    rma = rma_transition(actor=world.agent1, rma=rma, to="approved")
    event = rma.events.latest("id")
    assert (event.message, event.notice_problem) == (None, "This ticket is closed; open a new request instead.")


# --- who may do what ----------------------------------------------------------------------------

def test_who_sees_which_rma_and_the_filters(world, kit):
    mine = open_covered(world, kit)
    theirs = rma_open(actor=world.admin, ticket=world.ticket_b, assets=[kit["other"].pk], reason="x",
                      return_method="remote")
    visible = {
        world.customer_a.user: [mine.pk], world.org_admin_a.user: [mine.pk], world.colleague_a.user: [],
        world.customer_b.user: [theirs.pk], world.agent1: [mine.pk], world.agent2: [theirs.pk],
        world.collaborator: [], world.supervisor: [theirs.pk, mine.pk],
    }
    for user, expected in visible.items():
        api = world.client_for(user)
        assert [r["id"] for r in api.get("/api/v1/rmas/").json()["results"]] == expected, user.email
        for rma in (mine, theirs):
            assert api.get(f"/api/v1/rmas/{rma.pk}/").status_code == (200 if rma.pk in expected else 404)
    admin = world.client_for(world.admin)
    assert [r["id"] for r in admin.get(f"/api/v1/rmas/?ticket={world.ticket_b.pk}").json()["results"]] == [theirs.pk]
    assert [r["id"] for r in admin.get(f"/api/v1/rmas/?customer={world.customer_a.pk}").json()["results"]] == [mine.pk]
    assert [r["id"] for r in admin.get("/api/v1/rmas/?state=requested").json()["results"]] == [theirs.pk, mine.pk]
    assert admin.get("/api/v1/rmas/?state=approved").json()["results"] == []
    assert admin.get("/api/v1/rmas/?state=lost").status_code == 400


def test_only_agents_who_may_change_the_ticket_open_and_move(world, kit):
    body = {"ticket": world.ticket_a.pk, "assets": [kit["covered"].pk], "reason": "x", "return_method": "remote"}
    for user, status in ((world.customer_a.user, 403), (world.agent2, 404), (world.collaborator, 403)):
        assert world.client_for(user).post("/api/v1/rmas/", body, format="json").status_code == status, user.email
    rma = open_covered(world, kit)
    for user, status in ((world.customer_a.user, 403), (world.agent2, 404), (world.collaborator, 404)):
        response = world.client_for(user).post(f"/api/v1/rmas/{rma.pk}/transition/", {"to": "approved"}, format="json")
        assert response.status_code == status, user.email
    assert Rma.objects.get(pk=rma.pk).state == "requested" and Rma.objects.count() == 1
    customer_view = world.client_for(world.customer_a.user).get(f"/api/v1/rmas/{rma.pk}/").json()
    assert customer_view["next_states"] == [] and "notice_problem" not in customer_view["events"][0]


def test_an_asset_with_a_return_on_record_cannot_be_deleted_only_retired(world, kit):
    rma = open_covered(world, kit)
    response = world.client_for(world.admin).delete(f"/api/v1/assets/{kit['covered'].pk}/")
    assert response.status_code == 409 and response.json()["error"]["code"] == "asset_in_use"
    assert type(kit["covered"]).objects.filter(pk=kit["covered"].pk).exists() and rma.items.count() == 1
