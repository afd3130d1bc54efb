"""Forms of the product and asset pages (the assets services validate again)."""

from __future__ import annotations

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from atiende.assets.models import AssetStatus, Product, ProductKind
from atiende.customers.models import Organization

from .kb_forms import IdChoiceField


class ProductForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=ProductKind.choices)
    sku = forms.CharField(label=_("SKU"), max_length=64, required=False)
    warranty_months = forms.IntegerField(label=_("Standard warranty (months)"), min_value=0, max_value=240, initial=0)
    warranty_terms = forms.CharField(label=_("Warranty terms"), required=False, max_length=5_000,
                                     widget=forms.Textarea(attrs={"rows": 4}))
    is_maintainable = forms.BooleanField(label=_("Can be maintained"), required=False)
    is_returnable = forms.BooleanField(label=_("Can be returned"), required=False)
    is_installable = forms.BooleanField(label=_("Can be installed"), required=False)


class AssetForm(forms.Form):
    product = IdChoiceField(label=_("Product"), queryset=Product.objects.order_by("name"))
    customer = forms.IntegerField(label=_("Customer (number)"), required=False, min_value=1, max_value=2**62,
                                  help_text=_("The customer who owns it, or leave it empty and choose an organization."))
    organization = IdChoiceField(label=_("Organization"), required=False, queryset=Organization.objects.order_by("name"))
    identifier = forms.CharField(label=_("Identifier"), max_length=200,
                                 help_text=_("Serial number, domain name or plan id."))
    purchased_on = forms.DateField(label=_("Purchased on"), widget=forms.DateInput(attrs={"type": "date"}))
    order_ref = forms.CharField(label=_("Order or invoice"), max_length=100, required=False)
    installation_address = forms.CharField(label=_("Installation address"), required=False, max_length=5_000,
                                           widget=forms.Textarea(attrs={"rows": 2}))
    status = forms.ChoiceField(label=_("Status"), choices=AssetStatus.choices, initial=AssetStatus.ACTIVE)
    attributes = forms.CharField(label=_("Attributes (JSON)"), required=False, max_length=5_000,
                                 widget=forms.Textarea(attrs={"rows": 3}),
                                 help_text=_('For example {"model": "X1"}; the keys depend on the product kind.'))

    def clean_attributes(self) -> dict:
        raw = self.cleaned_data["attributes"].strip()
        try:
            value = json.loads(raw) if raw else {}
        except ValueError:
            raise forms.ValidationError(_("Write the attributes as a JSON object.")) from None
        if not isinstance(value, dict):
            raise forms.ValidationError(_("Write the attributes as a JSON object."))
        return value


class WarrantyForm(forms.Form):
    starts_on = forms.DateField(label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Ends on"), widget=forms.DateInput(attrs={"type": "date"}))
    covers = forms.CharField(label=_("What it covers"), required=False, max_length=5_000,
                             widget=forms.Textarea(attrs={"rows": 2}))
    excludes = forms.CharField(label=_("What it excludes"), required=False, max_length=5_000,
                               widget=forms.Textarea(attrs={"rows": 2}))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))
    dry_run = forms.BooleanField(label=_("Only check the file"), required=False, initial=True)
