"""Returns and repairs under /api/v1/rmas/: parse, call one service or selector, render. Values
are checked by the services (one set of rules for the API and the pages)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from atiende.accounts.permissions import is_staff_agent
from atiende.api.ids import IdField, id_param
from atiende.api.pagination import keyset_page
from atiende.api.views import ApiView
from atiende.core.db import is_id
from atiende.core.exceptions import Invalid
from atiende.tickets.selectors import ticket_get

from . import selectors, services
from .flow import ReturnMethod, RmaState
from .models import CURRENCY, Rma, RmaCoverage, RmaEvent


def _quote(rma: Rma) -> dict | None:
    if rma.quote_amount is None:
        return None
    return {"amount": str(rma.quote_amount), "currency": CURRENCY, "status": rma.quote_status,
            "decided_at": rma.quote_decided_at.isoformat() if rma.quote_decided_at else None}


def rma_data(rma: Rma, *, user: Any) -> dict:
    """`rma` with its items prefetched (selectors.ITEMS)."""
    return {"id": rma.pk, "number": str(rma), "ticket": rma.ticket_id, "ticket_number": rma.ticket.number,
            "customer": rma.ticket.requester_id, "state": rma.state, "reason": rma.reason, "coverage": rma.coverage,
            "return_method": rma.return_method, "quote": _quote(rma),
            "items": [{"asset": item.asset_id, "product_name": item.asset.product.name,
                       "identifier": item.asset.identifier, "replacement": item.replacement_id,
                       "replacement_identifier": item.replacement.identifier if item.replacement else None}
                      for item in rma.items.all()],
            "next_states": selectors.rma_actions(user=user, rma=rma).next_states,
            "created_at": rma.created_at.isoformat(), "updated_at": rma.updated_at.isoformat()}


def event_data(event: RmaEvent, *, staff: bool) -> dict:
    data = {"kind": event.kind, "from": event.from_state or None, "to": event.to_state,
            "by": event.actor.name if event.actor else None, "at": event.created_at.isoformat(), "note": event.note,
            "message": event.message_id}
    if staff:
        data["notice_problem"] = event.notice_problem
    return data


def _body(request: Request) -> dict[str, Any]:
    if not isinstance(request.data, dict):
        raise Invalid(_("Send a JSON object."))
    return request.data


class RmaInput(serializers.Serializer):
    ticket = IdField()
    assets = serializers.ListField(child=IdField(), help_text="Ids of the ticket customer's assets.")
    reason = serializers.CharField(max_length=services.MAX_REASON)
    return_method = serializers.ChoiceField(choices=ReturnMethod.choices)
    coverage = serializers.ChoiceField(choices=RmaCoverage.choices, required=False,
                                       help_text="Defaults to what the warranties say today.")
    quote_amount = serializers.DecimalField(max_digits=12, decimal_places=2, required=False,
                                            help_text="MXN; required when the coverage is paid.")


class TransitionInput(serializers.Serializer):
    to = serializers.ChoiceField(choices=RmaState.choices)
    note = serializers.CharField(required=False, max_length=services.MAX_NOTE, help_text="Told to the customer.")
    replacements = serializers.ListField(child=serializers.DictField(), required=False,
                                         help_text='For "replaced": [{"asset": id, "identifier": "new serial"}].')


class RmaListView(ApiView):
    @extend_schema(parameters=[OpenApiParameter("ticket", int), OpenApiParameter("customer", int),
                               OpenApiParameter("state", str, enum=RmaState.values), OpenApiParameter("cursor", str),
                               OpenApiParameter("page_size", int)], responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        state = request.query_params.get("state", "")
        if state and state not in RmaState.values:
            raise Invalid(fields={"state": _("Unknown state.")})
        filters = selectors.RmaFilters(ticket=id_param(request, "ticket"), customer=id_param(request, "customer"),
                                       state=state)
        qs = selectors.rma_list(user=request.user, filters=filters).prefetch_related(selectors.ITEMS)
        rows, next_url = keyset_page(qs, request, ordering="-id", is_datetime=False)
        return Response({"results": [rma_data(r, user=request.user) for r in rows], "next": next_url})

    @extend_schema(request=RmaInput, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request) -> Response:
        body = _body(request)
        if not is_id(body.get("ticket")):
            raise Invalid(fields={"ticket": _("Send the id of the ticket.")})
        ticket = ticket_get(user=request.user, ticket_id=body["ticket"])
        rma = services.rma_open(actor=request.user, ticket=ticket, assets=body.get("assets"),
                                reason=body.get("reason"), return_method=body.get("return_method"),
                                coverage=body.get("coverage"), quote_amount=body.get("quote_amount"))
        return Response(rma_data(selectors.rma_get(user=request.user, rma_id=rma.pk), user=request.user), status=201)


class RmaDetailView(ApiView):
    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, rma_id: int) -> Response:
        rma = selectors.rma_get(user=request.user, rma_id=rma_id)
        staff = is_staff_agent(request.user)
        return Response({**rma_data(rma, user=request.user),
                         "events": [event_data(e, staff=staff) for e in selectors.rma_timeline(rma=rma)]})


class RmaTransitionView(ApiView):
    @extend_schema(request=TransitionInput, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request, rma_id: int) -> Response:
        body = _body(request)
        if "to" not in body:
            raise Invalid(fields={"to": _("This field is required.")})
        rma = selectors.rma_get(user=request.user, rma_id=rma_id)
        services.rma_transition(actor=request.user, rma=rma, to=body["to"], note=body.get("note", ""),
                                replacements=body.get("replacements"))
        return Response(rma_data(selectors.rma_get(user=request.user, rma_id=rma_id), user=request.user))


class _QuoteView(ApiView):
    accept = True

    @extend_schema(request=None, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request, rma_id: int) -> Response:
        rma = selectors.rma_get(user=request.user, rma_id=rma_id)
        services.rma_quote_decide(actor=request.user, rma=rma, accept=self.accept)
        return Response(rma_data(selectors.rma_get(user=request.user, rma_id=rma_id), user=request.user))


class RmaQuoteAcceptView(_QuoteView):
    accept = True


class RmaQuoteDeclineView(_QuoteView):
    accept = False
