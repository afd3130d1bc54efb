"""API shapes for tickets. Output only what the viewer may see; input is validated, then
handed to services, which decide what the caller may change."""

from __future__ import annotations

from datetime import datetime

from rest_framework import serializers

from atiende.accounts.models import User, UserKind
from atiende.accounts.selectors import actor_name
from atiende.api.ids import IdField

from . import channels, resource, service_levels
from .models import (
    Attachment,
    Channel,
    Delivery,
    LinkKind,
    Message,
    Priority,
    Tag,
    Ticket,
    TicketEvent,
    TicketType,
)
from .status import TicketStatus, behaviour


class RefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class SlaSummarySerializer(serializers.Serializer):
    policy = RefSerializer(allow_null=True)
    state = serializers.ChoiceField(["none", "ok", "warning", "breached", "paused"])
    due_at = serializers.DateTimeField(allow_null=True, help_text="The nearest running deadline.")
    warn_at = serializers.DateTimeField(allow_null=True)


class TicketSerializer(serializers.ModelSerializer):
    """Documents the ticket resource for the OpenAPI schema; `ticket_data` renders it."""

    reference = serializers.CharField()
    status_label = serializers.CharField(help_text="Agents: the status name; customers: plain words.")
    requester = RefSerializer()
    organization = RefSerializer(allow_null=True)
    team = RefSerializer(allow_null=True)
    assignee = RefSerializer(allow_null=True)
    tags = serializers.ListField(child=serializers.CharField(), help_text="Customers get the public tags only.")
    custom_fields = serializers.DictField(help_text="Agent-only fields are omitted for customers.")
    merged_into = serializers.IntegerField(allow_null=True, help_text="Number of the surviving ticket.")
    sla = SlaSummarySerializer(allow_null=True, help_text="Agents only (null for customers): see /sla/ for details.")

    class Meta:
        model = Ticket
        fields = [
            "id", "number", "reference", "subject", "status", "status_label", "priority", "type", "channel",
            "requester", "organization", "team", "assignee", "tags", "custom_fields", "merged_into",
            "created_at", "updated_at", "solved_at", "closed_at", "sla",
        ]

    def get_fields(self) -> dict:
        # Then the fields feature apps add (tickets/resource.py), as `_render` appends them.
        return {**super().get_fields(), **resource.schema_fields()}


def _ref(obj) -> dict | None:
    return {"id": obj.pk, "name": obj.name} if obj is not None else None


def ticket_data(
    ticket: Ticket, *, tags: list[str], for_agent: bool, now: datetime, hidden_fields: frozenset[str] = frozenset()
) -> dict:
    """The ticket resource, built directly: lists render 50 of these per request, and DRF's
    generic field machinery cost more than the database. `TicketSerializer` documents the same
    shape for the OpenAPI schema (a test keeps them equal)."""
    custom = ticket.custom_fields if for_agent else {k: v for k, v in ticket.custom_fields.items() if k not in hidden_fields}
    label = TicketStatus(ticket.status).label if for_agent else behaviour(ticket.status).customer_label
    return {
        "id": ticket.pk,
        "number": ticket.number,
        "reference": ticket.reference,
        "subject": ticket.subject,
        "status": ticket.status,
        "status_label": str(label),
        "priority": ticket.priority,
        "type": ticket.type,
        "channel": ticket.channel,
        "requester": _ref(ticket.requester),
        "organization": _ref(ticket.organization),
        "team": _ref(ticket.team),
        "assignee": _ref(ticket.assignee),
        "tags": tags,
        "custom_fields": custom,
        "merged_into": ticket.merged_into.number if ticket.merged_into_id else None,
        "created_at": _iso(ticket.created_at),
        "updated_at": _iso(ticket.updated_at),
        "solved_at": _iso(ticket.solved_at),
        "closed_at": _iso(ticket.closed_at),
        "sla": _sla_summary(ticket, now) if for_agent else None,
    }


def _sla_summary(ticket: Ticket, now: datetime) -> dict:
    return {
        "policy": _ref(ticket.sla_policy) if ticket.sla_policy_id else None,
        "state": service_levels.badge_state(ticket, now),
        "due_at": _iso(ticket.sla_due_at),
        "warn_at": _iso(ticket.sla_warn_at),
    }


def _iso(value) -> str | None:
    if value is None:
        return None
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class AttachmentSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")
    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "filename", "content_type", "size", "url"]

    def get_url(self, attachment: Attachment) -> str:
        return f"/api/v1/attachments/{attachment.public_id}/"


def delivery_data(delivery: Delivery) -> dict:
    def stamp(value: datetime | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "id": delivery.pk, "channel": delivery.channel, "status": delivery.status, "attempts": delivery.attempts,
        "failure_reason": delivery.failure_reason or None, "external_id": delivery.external_id or None,
        "sent_at": stamp(delivery.sent_at), "delivered_at": stamp(delivery.delivered_at),
        "read_at": stamp(delivery.read_at), "failed_at": stamp(delivery.failed_at),
    }


class MessageSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()
    attachments = AttachmentSerializer(many=True)
    deliveries = serializers.SerializerMethodField(
        help_text="Agents only: how this reply went out, by channel, with status "
                  "queued/sent/delivered/read/failed and the failure reason (retry: POST /api/v1/deliveries/{id}/retry/)."
    )
    emails = serializers.SerializerMethodField(help_text="Agents only: the emails this reply was sent as, "
                                                       "with status queued/sent/failed and the last error "
                                                       "(kept for compatibility; `deliveries` covers every channel).")

    edited = serializers.BooleanField(read_only=True, help_text="The customer edited this message on their channel "
                                                                "(Telegram); the ticket's events keep what it said before.")

    class Meta:
        model = Message
        fields = ["id", "kind", "author", "channel", "body_text", "body_html", "unverified_sender", "edited",
                  "attachments", "deliveries", "emails", "created_at"]

    def get_deliveries(self, message: Message) -> list[dict] | None:
        if not self.context.get("for_agent"):
            return None
        return [delivery_data(delivery) for delivery in message.deliveries.all()]

    def get_emails(self, message: Message) -> list[dict] | None:
        if not self.context.get("for_agent"):
            return None
        return channels.message_details(message).get("emails", [])

    def get_author(self, message: Message) -> dict:
        if message.author_customer_id:
            return {"kind": message.author_kind, "id": message.author_customer_id, "name": message.author_customer.name}
        if message.author_user_id:
            return {"kind": message.author_kind, "id": message.author_user_id, "name": message.author_user.name}
        return {"kind": message.author_kind, "id": None, "name": ""}


class ActorSerializer(serializers.Serializer):
    """Who made a change: a person, or the product itself (`kind` "system": SLA, mail,
    automation…, named by its part in the request's language)."""

    id = serializers.IntegerField()
    name = serializers.SerializerMethodField()
    kind = serializers.ChoiceField(UserKind.choices)

    def get_name(self, user: User) -> str:
        return actor_name(user)


class EventSerializer(serializers.ModelSerializer):
    actor = ActorSerializer(allow_null=True, help_text="null: the system, before named system actors existed.")

    class Meta:
        model = TicketEvent
        fields = ["id", "field", "old_value", "new_value", "actor", "created_at"]


class TicketCreateInput(serializers.Serializer):
    subject = serializers.CharField(max_length=250)
    body = serializers.CharField(max_length=200_000, allow_blank=True, required=False, default="")
    body_html = serializers.CharField(max_length=400_000, allow_blank=True, required=False, default="")
    requester = serializers.EmailField(required=False, help_text="Agents only: the requester's email.")
    requester_name = serializers.CharField(max_length=200, required=False, default="")
    team = IdField(required=False, allow_null=True)
    assignee = IdField(required=False, allow_null=True)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    type = serializers.ChoiceField(choices=TicketType.choices, required=False)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    tags = serializers.ListField(child=serializers.CharField(max_length=50), required=False, max_length=30)
    custom_fields = serializers.DictField(required=False)
    attachments = serializers.ListField(child=serializers.FileField(), required=False, max_length=20)


class TicketUpdateInput(serializers.Serializer):
    subject = serializers.CharField(max_length=250, required=False)
    status = serializers.ChoiceField(choices=TicketStatus.choices, required=False)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    type = serializers.ChoiceField(choices=TicketType.choices, required=False)
    team = IdField(required=False, allow_null=True)
    assignee = IdField(required=False, allow_null=True)
    tags = serializers.ListField(child=serializers.CharField(max_length=50), required=False, max_length=30)
    custom_fields = serializers.DictField(required=False)


class TemplateInput(serializers.Serializer):
    id = IdField(help_text="A template of the ticket's channel (GET .../reply-window/ lists them).")
    variables = serializers.ListField(child=serializers.CharField(max_length=1024, allow_blank=True, trim_whitespace=False),
                                      required=False, default=list, max_length=50)


class MessageCreateInput(serializers.Serializer):
    body = serializers.CharField(max_length=200_000, allow_blank=True, required=False, default="")
    body_html = serializers.CharField(max_length=400_000, allow_blank=True, required=False, default="")
    internal = serializers.BooleanField(required=False, default=False)
    attachments = serializers.ListField(child=serializers.FileField(), required=False, max_length=20)
    template = TemplateInput(required=False, allow_null=True, default=None,
                             help_text="Send this pre-approved template instead of `body` (WhatsApp outside its 24 hours).")


class ReplyTemplateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    language = serializers.CharField()
    body = serializers.CharField()
    variables = serializers.IntegerField()


class ReplyWindowSerializer(serializers.Serializer):
    limited = serializers.BooleanField(help_text="False: the channel takes free-form replies at any time.")
    open = serializers.BooleanField(help_text="Free-form replies are possible now.")
    closes_at = serializers.DateTimeField(allow_null=True)
    templates = ReplyTemplateSerializer(many=True)


class MergeInput(serializers.Serializer):
    target = IdField(help_text="Id of the ticket that survives.")


class LinkInput(serializers.Serializer):
    target = IdField()
    kind = serializers.ChoiceField(choices=LinkKind.choices)


class ReferInput(serializers.Serializer):
    collaborator = IdField()
    note = serializers.CharField(max_length=10_000)


class TagSerializer(serializers.ModelSerializer):
    is_public = serializers.BooleanField(help_text="Customers see public tags on their requests and may filter by them.")

    class Meta:
        model = Tag
        fields = ["id", "name", "is_public"]


class TagUpdateInput(serializers.Serializer):
    is_public = serializers.BooleanField()


class BulkUpdateInput(serializers.Serializer):
    ids = serializers.ListField(child=IdField(), min_length=1, max_length=100)
    changes = TicketUpdateInput()
