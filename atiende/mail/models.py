"""What the email channel keeps: mailboxes, every message taken in, quarantine, mail sent."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from atiende.core import clock


def raw_path(instance: models.Model, filename: str) -> str:
    # Random name: the original message is only served through a permission-checked view.
    return f"mail/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}.eml"


class Security(models.TextChoices):
    SSL = "ssl", _("TLS (IMAPS, port 993)")
    STARTTLS = "starttls", _("STARTTLS (port 143)")


class Mailbox(models.Model):
    """An IMAP mailbox the worker polls. The password comes from the environment, never the database."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    address = models.EmailField(_("support address"), help_text=_("Replies are sent from it, e.g. soporte@example.mx."))
    host = models.CharField(_("IMAP server"), max_length=255)
    port = models.PositiveIntegerField(_("port"), default=993)
    security = models.CharField(_("encryption"), max_length=10, choices=Security.choices, default=Security.SSL)
    username = models.CharField(_("user"), max_length=255)
    password_env = models.CharField(
        _("password variable"), max_length=100,
        help_text=_("Name of the environment variable that holds the password, e.g. MAILBOX_SOPORTE_PASSWORD."),
    )
    folder = models.CharField(_("folder"), max_length=255, default="INBOX")
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("team for new tickets")
    )
    active = models.BooleanField(_("active"), default=True)
    last_polled_at = models.DateTimeField(_("last polled"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")

    def __str__(self) -> str:
        return self.name


class Source(models.TextChoices):
    IMAP = "imap", _("IMAP")
    FILE = "file", _("File import")
    HTTP = "http", _("HTTP endpoint")


class InboundKind(models.TextChoices):
    NEW_TICKET = "new_ticket", _("New ticket")
    REPLY = "reply", _("Reply")
    AUTOMATIC = "automatic", _("Automatic mail")
    BOUNCE = "bounce", _("Bounce")


class SenderVerdict(models.TextChoices):
    PASS = "pass", _("Verified")
    FAIL = "fail", _("Failed the checks")
    NONE = "none", _("No verdict from the mail server")


class InboundMessage(models.Model):
    """What is mail's own about a message taken in: the original, Cc, the sender's verdict, the
    kind. Taken in once by the channel port's receipt (`tickets.ChannelReceipt`, channel email,
    external id `key`: its Message-ID, or a hash of its bytes), written in the same transaction."""

    key = models.CharField(max_length=255, db_index=True)
    header_id = models.CharField(_("Message-ID"), max_length=255, blank=True, db_index=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    mailbox = models.ForeignKey(Mailbox, null=True, blank=True, on_delete=models.SET_NULL)
    sender = models.CharField(_("sender"), max_length=255, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=InboundKind.choices)
    note = models.CharField(_("note"), max_length=255, blank=True)
    cc = models.JSONField(_("Cc"), default=list, blank=True)
    # The receiving MTA's verdict on the From domain (Authentication-Results); blank when not
    # checked (MAIL_TRUSTED_AUTHSERV_ID unset, or a file import).
    sender_verdict = models.CharField(_("sender check"), max_length=4, choices=SenderVerdict.choices, blank=True,
                                      default="", db_default="")
    sender_detail = models.CharField(_("sender check detail"), max_length=255, blank=True, default="", db_default="")
    ticket = models.ForeignKey("tickets.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    message = models.OneToOneField(
        "tickets.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="inbound_email"
    )
    raw = models.FileField(upload_to=raw_path, max_length=200)
    received_at = models.DateTimeField(_("received at"), default=clock.now)

    class Meta:
        verbose_name = _("received email")
        verbose_name_plural = _("received emails")

    def __str__(self) -> str:
        return self.key


class QuarantinedMessage(models.Model):
    """A message that could not be taken in, kept whole for the admin to inspect and retry."""

    code = models.CharField(_("code"), max_length=30)
    reason = models.TextField(_("reason"))
    detail = models.TextField(_("technical detail"), blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    mailbox = models.ForeignKey(Mailbox, null=True, blank=True, on_delete=models.SET_NULL)
    raw = models.FileField(upload_to=raw_path, max_length=200)
    size = models.PositiveBigIntegerField(_("size"))
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    retried_at = models.DateTimeField(_("retried at"), null=True, blank=True)
    released = models.BooleanField(_("taken in on retry"), default=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("quarantined email")
        verbose_name_plural = _("quarantined emails")

    def __str__(self) -> str:
        return f"{self.code} {self.created_at:%Y-%m-%d %H:%M}"


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutboundEmail(models.Model):
    """One email sent for a ticket message; its Message-ID threads the customer's reply."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey("tickets.Message", null=True, blank=True, on_delete=models.CASCADE, related_name="emails")
    # The channel-neutral record of a reply's delivery (tickets.Delivery) this email carries; the
    # mail adapter keeps the two in step. None for acknowledgements (no message) and old rows.
    delivery = models.OneToOneField("tickets.Delivery", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    header_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    recipients = models.JSONField(_("recipients"), default=list)
    subject = models.CharField(_("subject"), max_length=255)
    status = models.CharField(_("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("sent email")
        verbose_name_plural = _("sent emails")

    def __str__(self) -> str:
        return self.header_id


class AutoReplyLog(models.Model):
    """Automatic mail sent per address, to cap it per hour (two helpdesks must not talk forever)."""

    address = models.CharField(max_length=255)
    sent_at = models.DateTimeField(default=clock.now)

    class Meta:
        indexes = [models.Index(fields=["address", "sent_at"], name="mail_autoreply_addr_sent")]

    def __str__(self) -> str:
        return f"{self.address} {self.sent_at:%Y-%m-%d %H:%M}"
