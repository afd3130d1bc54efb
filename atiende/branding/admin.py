from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from . import validation
from .models import Branding
from .services import branding_update


class BrandingForm(forms.ModelForm):
    """The same checks as the service, field by field, so the admin shows them in place."""

    warranty_offer_url = forms.URLField(label=Branding._meta.get_field("warranty_offer_url").verbose_name, required=False, max_length=500,
                                        assume_scheme="https", help_text=Branding._meta.get_field("warranty_offer_url").help_text)

    class Meta:
        model = Branding
        fields = ["company_name", "logo", "primary_color", "accent_color", "allow_signup", "warranty_offer_url"]

    def clean_primary_color(self) -> str:
        return validation.check_primary_colour(self.cleaned_data["primary_color"])

    def clean_accent_color(self) -> str:
        return validation.check_accent_colour(self.cleaned_data["accent_color"])

    def clean_logo(self) -> Any:
        logo = self.cleaned_data.get("logo")
        if logo and "logo" in self.changed_data and hasattr(logo, "read"):
            validation.check_logo(logo)
        return logo


@admin.register(Branding)
class BrandingAdmin(admin.ModelAdmin):
    form = BrandingForm

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not Branding.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Branding | None = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        """There is one row: the list goes straight to it (or to the form that creates it)."""
        if Branding.objects.exists():
            return HttpResponseRedirect(reverse("admin:branding_branding_change", args=[1]))
        return HttpResponseRedirect(reverse("admin:branding_branding_add"))

    def save_model(self, request: HttpRequest, obj: Branding, form: forms.ModelForm, change: bool) -> None:
        changes = {field: form.cleaned_data[field] for field in form.changed_data if field in form.cleaned_data}
        if "logo" in changes:
            changes["logo"] = changes["logo"] or None  # the "clear" box gives False
        saved = branding_update(actor=request.user, changes=changes)
        obj.pk, obj.updated_at = saved.pk, saved.updated_at
