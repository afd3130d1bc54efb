"""The reply checker's settings page (administrators): which findings ask for a confirmation
before sending, which customers are technical (no jargon findings), and the glossaries."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from atiende.customers.models import Sector, Segment
from atiende.replycheck import selectors, services
from atiende.replycheck.permissions import can_configure_checker
from atiende.replycheck.rules import CODES

from .admin_pages import allowed_for, posted, submit
from .kb_forms import IdMultipleChoiceField

admins_only = allowed_for(can_configure_checker)


class CheckerSettingsForm(forms.Form):
    confirm_codes = forms.MultipleChoiceField(
        label=gettext_lazy("Findings that ask for a confirmation before sending"), required=False,
        choices=[(code, code) for code in CODES], widget=forms.CheckboxSelectMultiple)
    technical_segments = forms.MultipleChoiceField(
        label=gettext_lazy("Technical segments"), required=False, choices=Segment.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Customers of organizations in these segments or sectors get no jargon findings."))
    technical_sectors = IdMultipleChoiceField(
        label=gettext_lazy("Technical sectors"), required=False, queryset=Sector.objects.all(),
        widget=forms.CheckboxSelectMultiple)
    company_terms = forms.CharField(
        label=gettext_lazy("Company glossary"), required=False, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("One per line: brands, products and names that are never misspellings."))
    jargon_es = forms.CharField(label=gettext_lazy("Jargon (Spanish)"), required=False,
                                widget=forms.Textarea(attrs={"rows": 10}),
                                help_text=gettext_lazy("One “term: plain words” per line."))
    jargon_en = forms.CharField(label=gettext_lazy("Jargon (English)"), required=False,
                                widget=forms.Textarea(attrs={"rows": 10}),
                                help_text=gettext_lazy("One “term: plain words” per line."))

    @staticmethod
    def initial_for(config) -> dict:
        return {"confirm_codes": config.confirm_codes, "technical_segments": config.technical_segments,
                "technical_sectors": list(config.technical_sectors.all()), "company_terms": config.company_terms,
                "jargon_es": config.jargon_es, "jargon_en": config.jargon_en}


@admins_only
@require_http_methods(["GET", "POST"])
def checker_settings_view(request: HttpRequest) -> HttpResponse:
    config = selectors.checker_settings()
    form = CheckerSettingsForm(posted(request), initial=CheckerSettingsForm.initial_for(config))
    outcome = submit(request, form, lambda values: services.checker_settings_update(actor=request.user, **values),
                     done=_("Reply checker settings saved."), to="workspace:reply-check-settings")
    if isinstance(outcome, HttpResponse):
        return outcome
    return render(request, "workspace/reply_check_settings.html", {"form": form}, status=outcome)
