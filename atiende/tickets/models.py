from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from atiende.core import clock

from .status import TicketStatus


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class TicketType(models.TextChoices):
    QUESTION = "question", _("Question")
    INCIDENT = "incident", _("Incident")
    PROBLEM = "problem", _("Problem")
    TASK = "task", _("Task")


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    PORTAL = "portal", _("Portal")
    API = "api", _("API")
    CHAT = "chat", _("Chat")
    WHATSAPP = "whatsapp", _("WhatsApp")
    TELEGRAM = "telegram", _("Telegram")
    PHONE = "phone", _("Phone")
    INTERNAL = "internal", _("Internal")


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True)
    # Agents tag tickets for themselves ("vip", "angry", "churn risk"): customers see a tag only
    # when a supervisor or admin has made it public.
    is_public = models.BooleanField(
        _("public"), default=False, db_default=False,
        help_text=_("Customers see public tags on their requests and may filter by them; other tags are for agents only."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class CustomFieldKind(models.TextChoices):
    TEXT = "text", _("Text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    CHOICE = "choice", _("Choice")


class CustomField(models.Model):
    """An admin-defined ticket field; values live in `Ticket.custom_fields` under `key`."""

    key = models.SlugField(_("key"), max_length=50, unique=True)
    label = models.CharField(_("label"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=CustomFieldKind.choices)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=False)
    agent_only = models.BooleanField(_("agents only"), default=False, help_text=_("Never shown to customers."))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["label"]
        verbose_name = _("custom field")
        verbose_name_plural = _("custom fields")

    def __str__(self) -> str:
        return self.label


class Ticket(models.Model):
    number = models.PositiveBigIntegerField(_("number"), unique=True)
    subject = models.CharField(_("subject"), max_length=250)
    status = models.CharField(_("status"), max_length=20, choices=TicketStatus.choices, default=TicketStatus.NEW)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    type = models.CharField(_("type"), max_length=10, choices=TicketType.choices, default=TicketType.QUESTION)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.PORTAL)
    requester = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="tickets", verbose_name=_("requester")
    )
    organization = models.ForeignKey(
        "customers.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
        verbose_name=_("organization"),
    )
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("team")
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_tickets",
        verbose_name=_("assignee"),
    )
    collaborators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="collaborating_tickets", verbose_name=_("collaborators")
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="tickets", verbose_name=_("tags"))
    custom_fields = models.JSONField(_("custom fields"), default=dict, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_tickets", verbose_name=_("merged into")
    )
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    updated_at = models.DateTimeField(_("updated at"), default=clock.now)
    solved_at = models.DateTimeField(_("solved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Service level, kept by atiende.sla: the policy in force and its nearest running deadline.
    sla_policy = models.ForeignKey(
        "sla.Policy", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("SLA policy")
    )
    sla_due_at = models.DateTimeField(_("next SLA deadline"), null=True, blank=True)
    sla_warn_at = models.DateTimeField(null=True, blank=True)
    sla_paused = models.BooleanField(_("SLA paused"), default=False, db_default=False)
    # A time agreed with the customer (a call back they asked for): a deadline the SLA summary
    # honours beside its clocks, met by an agent's first public answer after it was set.
    agreed_at = models.DateTimeField(_("agreed time"), null=True, blank=True)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [
            models.Index(fields=["team", "status", "-updated_at", "-id"], name="ticket_team_status_upd"),
            models.Index(fields=["status", "-updated_at", "-id"], name="ticket_status_upd"),
            models.Index(fields=["-updated_at", "-id"], name="ticket_upd"),
            models.Index(fields=["assignee", "status", "-updated_at"], name="ticket_assignee_status_upd"),
            models.Index(fields=["requester", "-updated_at"], name="ticket_requester_upd"),
            models.Index(fields=["organization", "-updated_at"], name="ticket_org_upd"),
            models.Index(
                fields=["sla_due_at", "id"], name="ticket_sla_due", condition=models.Q(sla_due_at__isnull=False)
            ),
            # The workspace inbox: "created" and "priority" sorts page by keyset on these, and
            # "recently solved" counts from a range of solved_at.
            models.Index(fields=["-created_at", "-id"], name="ticket_created"),
            models.Index(fields=["priority", "-updated_at", "-id"], name="ticket_priority_upd"),
            models.Index(fields=["solved_at"], name="ticket_solved", condition=models.Q(solved_at__isnull=False)),
        ]
        constraints = [
            models.CheckConstraint(
                name="ticket_merged_iff_merged_into",
                condition=(models.Q(status="merged") & models.Q(merged_into__isnull=False))
                | (~models.Q(status="merged") & models.Q(merged_into__isnull=True)),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.subject}"

    @property
    def reference(self) -> str:
        return f"#{self.number}"


class MessageKind(models.TextChoices):
    PUBLIC = "public", _("Public reply")
    INTERNAL = "internal", _("Internal note")


class AuthorKind(models.TextChoices):
    AGENT = "agent", _("Agent")
    CUSTOMER = "customer", _("Customer")
    SYSTEM = "system", _("System")


class Message(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(_("kind"), max_length=10, choices=MessageKind.choices, default=MessageKind.PUBLIC)
    author_kind = models.CharField(_("author kind"), max_length=10, choices=AuthorKind.choices)
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    author_customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    # The channel could not confirm the sender is who the message says (an email that failed the
    # receiving server's DMARC/SPF/DKIM checks): agents see a warning on it.
    unverified_sender = models.BooleanField(_("unverified sender"), default=False, db_default=False)
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [models.Index(fields=["ticket", "created_at", "id"], name="message_ticket_created"),
                   # Reports read messages by time across tickets (staffing's handling times).
                   models.Index(fields=["created_at"], name="message_created_at")]
        constraints = [
            models.CheckConstraint(
                name="message_customer_never_internal",
                condition=~(models.Q(author_kind="customer") & models.Q(kind="internal")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}:{self.pk}"


def attachment_path(instance: Attachment, filename: str) -> str:
    # Random, unguessable storage name; the user's filename is kept only in the database.
    return f"attachments/{instance.public_id.hex[:2]}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.filename


class TicketEvent(models.Model):
    """One change to a ticket: the audit trail."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    field = models.CharField(_("field"), max_length=50)
    old_value = models.TextField(_("old value"), blank=True)
    new_value = models.TextField(_("new value"), blank=True)
    note = models.CharField(
        _("reason"), max_length=50, blank=True, default="", db_default="", help_text=_("Why an automatic change happened.")
    )
    created_at = models.DateTimeField(_("when"), default=clock.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        indexes = [models.Index(fields=["ticket", "created_at"], name="event_ticket_created")]

    def __str__(self) -> str:
        return f"{self.ticket_id}:{self.field}"


class LinkKind(models.TextChoices):
    RELATED = "related", _("Related")
    PARENT = "parent", _("Parent of")


class TicketLink(models.Model):
    """`source` is related to, or the parent of, `target`."""

    source = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(_("kind"), max_length=10, choices=LinkKind.choices)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("ticket link")
        verbose_name_plural = _("ticket links")
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="ticket_link_unique_pair"),
            models.CheckConstraint(name="ticket_link_not_self", condition=~models.Q(source=models.F("target"))),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} {self.kind} {self.target_id}"



class CopyState(models.TextChoices):
    PENDING = "pending", _("Waiting for confirmation")
    CONFIRMED = "confirmed", _("Added as collaborator")
    DISMISSED = "dismissed", _("Dismissed")


class CopiedAgent(models.Model):
    """An agent copied on a message of the ticket (an email's Cc) who is not a collaborator.

    Being copied grants nothing by itself: anyone can put any address in Cc. The agent joins the
    ticket only when a staff agent allowed on it confirms; dismissed, they are not asked about
    again for this ticket (they can still be referred by hand). One row per ticket and agent."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="copied_agents")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    copied_by = models.CharField(_("copied by"), max_length=255, blank=True, help_text=_("The sender's address, as written."))
    state = models.CharField(_("state"), max_length=10, choices=CopyState.choices, default=CopyState.PENDING)
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("copied agent")
        verbose_name_plural = _("copied agents")
        constraints = [models.UniqueConstraint(fields=["ticket", "agent"], name="copied_agent_once_per_ticket")]

    def __str__(self) -> str:
        return f"{self.ticket_id}:{self.agent_id} {self.state}"


class DeliveryStatus(models.TextChoices):
    """How a message went out through its channel. Sent, delivered and read only move forward;
    failed carries the channel's reason and may be retried (back to queued)."""

    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    READ = "read", _("Read")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """One message going out through one channel (`atiende.tickets.channels`): written with the
    reply, handed to the channel's adapter after commit, updated by the adapter's outcome and by
    the channel's later receipts (delivered, read). Channel detail (an email's headers) stays in
    the channel's app."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED)
    failure_reason = models.TextField(_("failure reason"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    external_id = models.CharField(_("external id"), max_length=255, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)
    # What the adapter sends instead of the message's text, as its `template_render` gave it (a
    # WhatsApp template); {} for an ordinary reply.
    payload = models.JSONField(_("payload"), default=dict, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.CheckConstraint(
                name="delivery_status_known",
                condition=models.Q(status__in=["queued", "sent", "delivered", "read", "failed"]),
            ),
            models.CheckConstraint(
                name="delivery_failed_has_reason",
                condition=~models.Q(status="failed") | ~models.Q(failure_reason=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.message_id}:{self.channel}:{self.status}"


class CustomerMerge(models.Model):
    """One customer profile merged into another, with what moved: enough to undo it exactly.

    `moved` holds the ids that changed hands ("tickets", "messages", "identities" with whether
    each was primary) and the logins touched ("login_moved", "login_deactivated", "token_ids"
    revoked by deactivation), and `target_before` the survivor's fields the merge changed."""

    source = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="merges_as_source",
                               verbose_name=_("merged profile"))
    target = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="merges_as_target",
                               verbose_name=_("surviving profile"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("merged by"))
    created_at = models.DateTimeField(_("merged at"), default=clock.now)
    moved = models.JSONField(_("what moved"), default=dict)
    target_before = models.JSONField(default=dict)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("undone by")
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("customer merge")
        verbose_name_plural = _("customer merges")
        constraints = [
            models.CheckConstraint(name="customer_merge_not_into_itself", condition=~models.Q(source=models.F("target"))),
            models.CheckConstraint(
                name="customer_merge_undone_together",
                condition=models.Q(undone_at__isnull=True, undone_by__isnull=True)
                | models.Q(undone_at__isnull=False, undone_by__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} → {self.target_id}"


class InboundOutcome(models.TextChoices):
    NEW_TICKET = "new_ticket", _("New ticket")
    REPLY = "reply", _("Reply")
    FOLLOW_UP = "follow_up", _("Follow-up of a closed ticket")
    NOTE = "note", _("Automatic message")  # no person wrote it (mail's bounces): a note, or nothing


class ChannelReceipt(models.Model):
    """One message taken in from a channel (`tickets.services.inbound`), keyed by the id the
    channel gave it. Inserted first, in the transaction that stores its ticket or reply: a
    channel's retry of the same message finds it and creates nothing."""

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    external_id = models.CharField(_("external id"), max_length=255)
    outcome = models.CharField(_("outcome"), max_length=16, choices=InboundOutcome.choices, blank=True)
    ticket = models.ForeignKey(Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    received_at = models.DateTimeField(_("received at"), help_text=_("When the channel says the message was sent."))
    created_at = models.DateTimeField(_("taken in at"), default=clock.now)

    class Meta:
        verbose_name = _("channel receipt")
        verbose_name_plural = _("channel receipts")
        constraints = [
            models.UniqueConstraint(fields=["channel", "external_id"], name="channel_receipt_unique_external_id"),
        ]

    def __str__(self) -> str:
        return f"{self.channel}:{self.external_id}"


class ChannelThread(models.Model):
    """A conversation on a channel (a WhatsApp number, a Telegram chat, a chat session) and the
    ticket its messages go to now: a follow-up replaces a closed ticket, a merge its survivor."""

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    thread_key = models.CharField(_("thread key"), max_length=255)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="channel_threads")
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    updated_at = models.DateTimeField(_("updated at"), default=clock.now)

    class Meta:
        verbose_name = _("channel thread")
        verbose_name_plural = _("channel threads")
        constraints = [
            models.UniqueConstraint(fields=["channel", "thread_key"], name="channel_thread_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.channel}:{self.thread_key}"


class MessageRevision(models.Model):
    """A customer's message as it read before they edited it on their channel (Telegram lets a
    message be edited after it was sent): the message keeps the latest words, each revision the
    words it replaced (`tickets.services.inbound_edits`)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="revisions")
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    replaced_at = models.DateTimeField(_("replaced at"), help_text=_("When the channel says the message was edited."))
    created_at = models.DateTimeField(_("recorded at"), default=clock.now)

    class Meta:
        ordering = ["replaced_at", "id"]
        verbose_name = _("message revision")
        verbose_name_plural = _("message revisions")
        indexes = [models.Index(fields=["message", "replaced_at"], name="revision_message_replaced")]

    def __str__(self) -> str:
        return f"{self.message_id}@{self.replaced_at:%Y-%m-%d %H:%M:%S}"
