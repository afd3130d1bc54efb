"""Ticket endpoints under /api/v1/: parse, call one service or selector, render."""

from __future__ import annotations

import dataclasses
import logging
from contextlib import nullcontext

from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from atiende.api.ids import id_param
from atiende.api.pagination import keyset_page
from atiende.api.params import instant_param
from atiende.api.views import ApiView
from atiende.core import clock
from atiende.core.exceptions import Invalid, NotFound

from . import hooks, resource, selectors, services, text_search
from .models import Channel
from .permissions import sees_internal
from .serializers import (
    BulkUpdateInput,
    EventSerializer,
    LinkInput,
    MergeInput,
    MessageCreateInput,
    MessageSerializer,
    ReferInput,
    ReplyWindowSerializer,
    TagSerializer,
    TagUpdateInput,
    TicketCreateInput,
    TicketSerializer,
    TicketUpdateInput,
    delivery_data,
    ticket_data,
)
from .status import TicketStatus

logger = logging.getLogger(__name__)
# `sla_due_at` lists the tickets with a running SLA deadline, nearest first.
ORDERINGS = {"-updated_at", "updated_at", "-created_at", "created_at", "-number", "number", "sla_due_at"}


def _filters(request: Request) -> selectors.TicketFilters:
    params = request.query_params
    statuses = [s for s in params.get("status", "").split(",") if s]
    if any(s not in TicketStatus.values for s in statuses):
        raise Invalid(fields={"status": _("Unknown status.")})
    since = instant_param(request, "updated_since", default=None)
    assignee = params.get("assignee")
    return selectors.TicketFilters(
        status=statuses or None,
        priority=[p for p in params.get("priority", "").split(",") if p] or None,
        team_id=id_param(request, "team"),
        assignee_id=None if assignee == "none" else id_param(request, "assignee"),
        unassigned=assignee == "none",
        requester_id=id_param(request, "requester"),
        organization_id=id_param(request, "organization"),
        tag=params.get("tag") or None,
        channel=params.get("channel") or None,
        updated_since=since,
        text=params.get("q") or None,
    )


def _render(request: Request, tickets) -> list[dict]:
    for_agent = sees_internal(request.user)
    hidden = frozenset() if for_agent else selectors.agent_only_field_keys()
    tickets = list(tickets)
    tags = selectors.tag_names_by_ticket(tickets, public_only=not for_agent)
    now = clock.now()
    rows = [
        ticket_data(ticket, tags=tags[ticket.pk], for_agent=for_agent, now=now, hidden_fields=hidden) for ticket in tickets
    ]
    return resource.extend(rows, tickets, for_agent=for_agent)


def _solution_details(data: object) -> dict:
    """The extra fields of a solving change the ticket hooks read (an outcome), passed untouched."""
    given = data if isinstance(data, dict) else {}
    return {name: given[name] for name in hooks.solution_fields() if name in given}


def _message_context(request: Request) -> dict:
    return {"for_agent": sees_internal(request.user)}


def _present(data: dict, keys: list[str]) -> dict:
    return {key: data[key] for key in keys if key in data}


class TicketListView(ApiView):
    @extend_schema(
        parameters=[
            OpenApiParameter(name, str, description=desc)
            for name, desc in [
                ("status", "Comma-separated statuses"), ("priority", "Comma-separated priorities"),
                ("team", "Team id"), ("assignee", "Agent id, or `none`"), ("requester", "Customer id"),
                ("organization", "Organization id"), ("tag", "Tag name"), ("channel", "Channel"),
                ("updated_since", "ISO 8601"), ("ordering", ", ".join(sorted(ORDERINGS))),
                ("cursor", "Opaque cursor from `next`"), ("page_size", "1 to 100"),
                ("q", "Full-text search: subject, messages (internal notes for agents), requester, number, "
                      "tags; each result then has a `snippet` (safe HTML, matches in <mark>)"),
            ]
        ],
        responses=TicketSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        ordering = request.query_params.get("ordering", "-updated_at")
        if ordering not in ORDERINGS:
            raise Invalid(fields={"ordering": _("Unknown ordering.")})
        filters = dataclasses.replace(_filters(request), sla_running=ordering == "sla_due_at")
        qs = selectors.ticket_list(user=request.user, filters=filters)
        with text_search.engine().reading() if filters.text else nullcontext():
            rows, next_url = keyset_page(qs, request, ordering=ordering, is_datetime="_at" in ordering)
        results = _render(request, rows)
        if filters.text:
            snippets = text_search.engine().snippets(rows, text=filters.text, private=sees_internal(request.user))
            for row in results:
                row["snippet"] = snippets.get(row["id"], "")
        return Response({"results": results, "next": next_url})

    @extend_schema(request=TicketCreateInput, responses={201: TicketSerializer})
    def post(self, request: Request) -> Response:
        data = TicketCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        given = data.validated_data
        ticket = services.ticket_create(
            actor=request.user,
            subject=given["subject"],
            body=given["body"],
            body_html=given["body_html"],
            requester_email=given.get("requester"),
            requester_name=given["requester_name"],
            channel=given.get("channel", Channel.API),
            team=given.get("team"),
            assignee=given.get("assignee"),
            priority=given.get("priority"),
            type=given.get("type"),
            tags=given.get("tags", ()),
            custom_fields=given.get("custom_fields"),
            uploads=request.FILES.getlist("attachments"),
        )
        # The creator gets the ticket back even when routed to a team they cannot see.
        return Response(_render(request, [ticket])[0], status=201)


class TicketDetailView(ApiView):
    @extend_schema(responses=TicketSerializer)
    def get(self, request: Request, ticket_id: int) -> Response:
        ticket = selectors.ticket_get(user=request.user, ticket_id=ticket_id)
        return Response(_render(request, [ticket])[0])

    @extend_schema(request=TicketUpdateInput, responses=TicketSerializer)
    def patch(self, request: Request, ticket_id: int) -> Response:
        ticket = selectors.ticket_get(user=request.user, ticket_id=ticket_id)
        data = TicketUpdateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes = _present(data.validated_data, list(TicketUpdateInput().fields))
        services.ticket_update(actor=request.user, ticket=ticket, changes=changes,
                               details=_solution_details(request.data))
        ticket = selectors.ticket_get(user=request.user, ticket_id=ticket_id)
        return Response(_render(request, [ticket])[0])


class TicketBulkUpdateView(ApiView):
    """Apply the same changes to several tickets: all or nothing, each one checked."""

    @extend_schema(request=BulkUpdateInput, responses=TicketSerializer(many=True))
    def post(self, request: Request) -> Response:
        data = BulkUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        changes = _present(data.validated_data["changes"], list(TicketUpdateInput().fields))
        details = _solution_details(request.data.get("changes") if isinstance(request.data, dict) else None)
        ids = services.ticket_bulk_update(actor=request.user, ticket_ids=data.validated_data["ids"], changes=changes,
                                          details=details)
        tickets = selectors.ticket_list(user=request.user).filter(pk__in=ids).order_by("pk")
        return Response({"results": _render(request, tickets)})


class TicketMessagesView(ApiView):
    @extend_schema(responses=MessageSerializer(many=True))
    def get(self, request: Request, ticket_id: int) -> Response:
        ticket = selectors.ticket_get(user=request.user, ticket_id=ticket_id)
        messages = selectors.message_list(user=request.user, ticket=ticket)
        return Response({"results": MessageSerializer(messages, many=True, context=_message_context(request)).data})

    @extend_schema(request=MessageCreateInput, responses={201: MessageSerializer})
    def post(self, request: Request, ticket_id: int) -> Response:
        ticket = selectors.ticket_get(user=request.user, ticket_id=ticket_id)
        data = MessageCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        message = services.message_create(
            actor=request.user,
            ticket=ticket,
            body=data.validated_data["body"],
            body_html=data.validated_data["body_html"],
            internal=data.validated_data["internal"],
            uploads=request.FILES.getlist("attachments"),
            template=_template(data.validated_data["template"]),
        )
        message = selectors.message_list(user=request.user, ticket=ticket).get(pk=message.pk)
        return Response(MessageSerializer(message, context=_message_context(request)).data, status=201)


def _template(data: dict | None) -> tuple[int, list[str]] | None:
    return None if data is None else (data["id"], data["variables"])


class TicketReplyWindowView(ApiView):
    @extend_schema(responses=ReplyWindowSerializer)
    def get(self, request: Request, ticket_id: int) -> Response:
        ticket = selectors.ticket_get(user=request.user, ticket_id=ticket_id)
        window = selectors.ticket_reply_window(user=request.user, ticket=ticket)
        if window is None:
            return Response({"limited": False, "open": True, "closes_at": None, "templates": []})
        return Response(ReplyWindowSerializer({"limited": True, **dataclasses.asdict(window)}).data)


class TicketEventsView(ApiView):
    @extend_schema(responses=EventSerializer(many=True))
    def get(self, request: Request, ticket_id: int) -> Response:
        ticket = selectors.ticket_get(user=request.user, ticket_id=ticket_id)
        events = selectors.events_without_hidden_tickets(
            user=request.user, events=selectors.event_list(user=request.user, ticket=ticket)
        )
        return Response({"results": EventSerializer(events, many=True).data})


class TicketMergeView(ApiView):
    @extend_schema(request=MergeInput, responses=TicketSerializer)
    def post(self, request: Request, ticket_id: int) -> Response:
        source = selectors.ticket_get(user=request.user, ticket_id=ticket_id)
        data = MergeInput(data=request.data)
        data.is_valid(raise_exception=True)
        target = selectors.ticket_get(user=request.user, ticket_id=data.validated_data["target"])
        survivor = services.ticket_merge(actor=request.user, source=source, target=target)
        survivor = selectors.ticket_get(user=request.user, ticket_id=survivor.pk)
        return Response(_render(request, [survivor])[0])


class TicketLinkView(ApiView):
    @extend_schema(request=LinkInput, responses={201: LinkInput})
    def post(self, request: Request, ticket_id: int) -> Response:
        source = selectors.ticket_get(user=request.user, ticket_id=ticket_id)
        data = LinkInput(data=request.data)
        data.is_valid(raise_exception=True)
        target = selectors.ticket_get(user=request.user, ticket_id=data.validated_data["target"])
        link = services.ticket_link(actor=request.user, source=source, target=target, kind=data.validated_data["kind"])
        return Response({"source": link.source_id, "target": link.target_id, "kind": link.kind}, status=201)


class TicketReferView(ApiView):
    @extend_schema(request=ReferInput, responses={201: MessageSerializer})
    def post(self, request: Request, ticket_id: int) -> Response:
        from atiende.accounts.selectors import agent_get

        ticket = selectors.ticket_get(user=request.user, ticket_id=ticket_id)
        data = ReferInput(data=request.data)
        data.is_valid(raise_exception=True)
        collaborator = agent_get(user=request.user, agent_id=data.validated_data["collaborator"])
        note = services.ticket_refer(actor=request.user, ticket=ticket, collaborator=collaborator, note=data.validated_data["note"])
        return Response(MessageSerializer(selectors.message_list(user=request.user, ticket=ticket).get(pk=note.pk), context=_message_context(request)).data, status=201)


class DeliveryRetryView(ApiView):
    """Try a reply's delivery again, on whatever channel it goes through (agents who may edit the
    ticket; 409 once it went out)."""

    @extend_schema(request=None, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request, delivery_id: int) -> Response:
        return Response(delivery_data(services.delivery_retry(actor=request.user, delivery_id=delivery_id)))


class TagListView(ApiView):
    @extend_schema(responses=TagSerializer(many=True), description="Agents: every tag; customers: the public ones.")
    def get(self, request: Request) -> Response:
        return Response({"results": TagSerializer(selectors.tag_list(user=request.user), many=True).data})


class TagDetailView(ApiView):
    @extend_schema(responses=TagSerializer)
    def get(self, request: Request, tag_id: int) -> Response:
        return Response(TagSerializer(selectors.tag_get(user=request.user, tag_id=tag_id)).data)

    @extend_schema(request=TagUpdateInput, responses=TagSerializer, description="Supervisors and admins.")
    def patch(self, request: Request, tag_id: int) -> Response:
        tag = selectors.tag_get(user=request.user, tag_id=tag_id)
        data = TagUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        tag = services.tag_update(actor=request.user, tag=tag, is_public=data.validated_data["is_public"])
        return Response(TagSerializer(tag).data)


class AttachmentDownloadView(ApiView):
    """Files only through here: permission checked, never rendered inline on our origin."""

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    def get(self, request: Request, public_id: str) -> FileResponse:
        attachment = selectors.attachment_get(user=request.user, public_id=public_id)
        return attachment_response(attachment)


def attachment_response(attachment) -> FileResponse:
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:  # storage lost the file: say so plainly, never a traceback
        logger.error("attachment %s is missing from storage (%s)", attachment.public_id, attachment.file.name)
        raise NotFound() from None
    response = FileResponse(handle, as_attachment=True, filename=attachment.filename, content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
