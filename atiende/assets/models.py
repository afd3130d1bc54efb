"""What the company sells (products) and what each customer has of it (assets), with the
extended warranties bought for an asset and the tickets an asset is linked to.

The standard warranty is not stored per asset: it follows from the product's `warranty_months`
and the asset's `purchased_on` (`coverage.standard_period`), so changing a product's warranty
changes every asset's coverage at once, and nothing goes stale."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from atiende.core import clock


class ProductKind(models.TextChoices):
    SERVICE = "service", _("Service")
    DEVICE = "device", _("Device")
    SOFTWARE_LICENCE = "software_licence", _("Software licence")
    DOMAIN = "domain", _("Domain")
    HOSTING_PLAN = "hosting_plan", _("Hosting plan")
    CERTIFICATE = "certificate", _("Certificate")


class AssetStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    IN_REPAIR = "in_repair", _("In repair")
    REPLACED = "replaced", _("Replaced")
    RETIRED = "retired", _("Retired")
    EXPIRED = "expired", _("Expired")


class WarrantyKind(models.TextChoices):
    EXTENDED = "extended", _("Extended")


class Product(models.Model):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=ProductKind.choices)
    sku = models.CharField(_("SKU"), max_length=64, blank=True)
    warranty_months = models.PositiveSmallIntegerField(_("standard warranty (months)"), default=0)
    warranty_terms = models.TextField(_("warranty terms"), blank=True)
    is_maintainable = models.BooleanField(_("can be maintained"), default=False)
    is_returnable = models.BooleanField(_("can be returned"), default=False)
    is_installable = models.BooleanField(_("can be installed"), default=False)
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    updated_at = models.DateTimeField(_("updated at"), default=clock.now)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [
            models.UniqueConstraint(Lower("name"), name="product_name_unique"),
            models.UniqueConstraint("sku", name="product_sku_unique", condition=~models.Q(sku="")),
        ]

    def __str__(self) -> str:
        return self.name


class Asset(models.Model):
    """One instance of a product owned by a customer or by an organization (exactly one)."""

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="assets", verbose_name=_("product"))
    customer = models.ForeignKey("customers.Customer", null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="assets", verbose_name=_("customer"))
    organization = models.ForeignKey("customers.Organization", null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="assets", verbose_name=_("organization"))
    identifier = models.CharField(_("identifier"), max_length=200,
                                  help_text=_("Serial number, domain name or plan id."))
    purchased_on = models.DateField(_("purchased on"))
    order_ref = models.CharField(_("order or invoice"), max_length=100, blank=True)
    installation_address = models.TextField(_("installation address"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=AssetStatus.choices, default=AssetStatus.ACTIVE)
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    updated_at = models.DateTimeField(_("updated at"), default=clock.now)

    class Meta:
        ordering = ["-purchased_on", "-id"]
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        constraints = [
            models.CheckConstraint(
                name="asset_customer_or_organization",
                condition=models.Q(customer__isnull=False, organization__isnull=True)
                | models.Q(customer__isnull=True, organization__isnull=False),
            ),
            # A serial number (domain, plan id) names one thing of a product: an import that
            # repeats it is a mistake, not a second asset.
            models.UniqueConstraint("product", "identifier", name="asset_identifier_unique"),
        ]
        indexes = [models.Index(fields=["identifier"], name="asset_identifier_idx")]

    def __str__(self) -> str:
        return f"{self.product.name} · {self.identifier}"


class Warranty(models.Model):
    """An extended warranty bought for an asset: from `starts_on` to `ends_on`, both included."""

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="warranties", verbose_name=_("asset"))
    kind = models.CharField(_("kind"), max_length=16, choices=WarrantyKind.choices, default=WarrantyKind.EXTENDED)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    covers = models.TextField(_("what it covers"), blank=True)
    excludes = models.TextField(_("what it excludes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        ordering = ["starts_on", "id"]
        verbose_name = _("warranty")
        verbose_name_plural = _("warranties")
        constraints = [models.CheckConstraint(name="warranty_ends_after_start",
                                              condition=models.Q(ends_on__gte=models.F("starts_on")))]

    def __str__(self) -> str:
        return f"{self.asset_id}: {self.starts_on}–{self.ends_on}"


class AssetLink(models.Model):
    """A ticket is about this asset. It lives here so that `tickets` never names assets."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+", verbose_name=_("ticket"))
    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="links", verbose_name=_("asset"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("linked by"))
    created_at = models.DateTimeField(_("created at"), default=clock.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("asset linked to a ticket")
        verbose_name_plural = _("assets linked to tickets")
        constraints = [models.UniqueConstraint("ticket", "asset", name="asset_link_unique")]

    def __str__(self) -> str:
        return f"#{self.ticket_id} → {self.asset_id}"
