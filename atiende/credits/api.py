"""Goodwill credits under /api/v1/: offer one on a ticket, list and read them, approve, reject,
mark used. Parse, call one service or selector, render; values are checked by the services (one
set of rules for the API and the pages). Amounts are strings ("1250.50"), never floats."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from atiende.api.ids import id_param
from atiende.api.pagination import keyset_page
from atiende.api.views import ApiView
from atiende.core.exceptions import Invalid
from atiende.tickets.selectors import ticket_get

from . import selectors, services
from .models import Credit, CreditKind, CreditStatus


def _user(user: Any) -> dict | None:
    return {"id": user.pk, "name": user.name} if user is not None else None


def credit_data(credit: Credit) -> dict:
    return {"id": credit.pk, "number": str(credit), "ticket": credit.ticket_id, "ticket_number": credit.ticket.number,
            "customer": credit.customer_id, "organization": credit.organization_id, "kind": credit.kind,
            "amount": str(credit.amount) if credit.amount is not None else None, "currency": credit.currency,
            "reason": credit.reason, "status": credit.status, "requested_by": _user(credit.requested_by),
            "decided_by": _user(credit.decided_by), "decided_at": credit.decided_at.isoformat() if credit.decided_at else None,
            "decision_note": credit.decision_note, "within_own_limit": credit.within_own_limit,
            "used_at": credit.used_at.isoformat() if credit.used_at else None, "message": credit.message_id,
            "notice_problem": credit.notice_problem, "created_at": credit.created_at.isoformat()}


def ledger_data(ledger: selectors.Ledger) -> dict:
    return {"currency": "MXN", "granted": str(ledger.granted),
            **{status: str(total) for status, total in ledger.totals.items()},
            "counts": ledger.counts, "without_value": ledger.without_value}


def _body(request: Request) -> dict[str, Any]:
    if not isinstance(request.data, dict):
        raise Invalid(_("Send a JSON object."))
    return request.data


class CreditInput(serializers.Serializer):
    amount = serializers.CharField(required=False, help_text='MXN, as a string with at most two decimals: "1250.50". '
                                                             "Required for credit, discount and refund_request.")
    currency = serializers.ChoiceField(choices=[("MXN", "MXN")], required=False, default="MXN")
    kind = serializers.ChoiceField(choices=CreditKind.choices)
    reason = serializers.CharField(max_length=services.MAX_REASON)


class DecisionInput(serializers.Serializer):
    note = serializers.CharField(required=False, max_length=services.MAX_NOTE, help_text="Why (optional).")


def _filters(request: Request, *, ticket: int | None = None) -> selectors.CreditFilters:
    status = request.query_params.get("status", "")
    if status and status not in CreditStatus.values:
        raise Invalid(fields={"status": _("Choose one of: %(choices)s.") % {"choices": ", ".join(CreditStatus.values)}})
    return selectors.CreditFilters(status=status, customer=id_param(request, "customer"),
                                   organization=id_param(request, "organization"), ticket=ticket)


class TicketCreditsView(ApiView):
    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, ticket_id: int) -> Response:
        ticket = ticket_get(user=request.user, ticket_id=ticket_id)
        rows = selectors.credits_of_ticket(user=request.user, ticket=ticket)[:200]
        return Response({"results": [credit_data(c) for c in rows]})

    @extend_schema(request=CreditInput, responses={201: OpenApiTypes.OBJECT})
    def post(self, request: Request, ticket_id: int) -> Response:
        body = _body(request)
        ticket = ticket_get(user=request.user, ticket_id=ticket_id)
        credit = services.credit_offer(actor=request.user, ticket=ticket, kind=body.get("kind"),
                                       amount=body.get("amount"), currency=body.get("currency"),
                                       reason=body.get("reason"))
        return Response(credit_data(selectors.credit_get(user=request.user, credit_id=credit.pk)), status=201)


class CreditListView(ApiView):
    @extend_schema(parameters=[OpenApiParameter("status", str, enum=CreditStatus.values),
                               OpenApiParameter("customer", int), OpenApiParameter("organization", int),
                               OpenApiParameter("cursor", str), OpenApiParameter("page_size", int)],
                   responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        filters = _filters(request)
        rows, next_url = keyset_page(selectors.credit_list(user=request.user, filters=filters), request,
                                     ordering="-id", is_datetime=False)
        return Response({"results": [credit_data(c) for c in rows], "next": next_url,
                         "totals": ledger_data(selectors.ledger(user=request.user, filters=filters))})


class CreditDetailView(ApiView):
    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, credit_id: int) -> Response:
        return Response(credit_data(selectors.credit_get(user=request.user, credit_id=credit_id)))


class _DecisionView(ApiView):
    decide = staticmethod(services.credit_approve)

    @extend_schema(request=DecisionInput, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request, credit_id: int) -> Response:
        body = request.data if isinstance(request.data, dict) else {}
        credit = selectors.credit_get(user=request.user, credit_id=credit_id)
        self.decide(actor=request.user, credit=credit, note=body.get("note", ""))
        return Response(credit_data(selectors.credit_get(user=request.user, credit_id=credit_id)))


class CreditApproveView(_DecisionView):
    decide = staticmethod(services.credit_approve)


class CreditRejectView(_DecisionView):
    decide = staticmethod(services.credit_reject)


class CreditUseView(ApiView):
    @extend_schema(request=None, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request, credit_id: int) -> Response:
        credit = selectors.credit_get(user=request.user, credit_id=credit_id)
        services.credit_mark_used(actor=request.user, credit=credit)
        return Response(credit_data(selectors.credit_get(user=request.user, credit_id=credit_id)))
