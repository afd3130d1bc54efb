"""Privacy settings (administrators; everyone else gets a 404): publish the privacy notice, set
the retention rules, and the dry run of those rules (docs/decisions/0048)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from atiende.privacy import selectors, services
from atiende.privacy.models import RetentionUnit
from atiende.privacy.permissions import can_manage_privacy

from .admin_pages import allowed_for, posted, submit

admins_only = allowed_for(can_manage_privacy)


class NoticeForm(forms.Form):
    body_es = forms.CharField(label=gettext_lazy("Privacy notice (Spanish)"), widget=forms.Textarea(attrs={"rows": 16}),
                              max_length=services.NOTICE_MAX, help_text=gettext_lazy("Markdown."))
    body_en = forms.CharField(label=gettext_lazy("Privacy notice (English)"), required=False,
                              widget=forms.Textarea(attrs={"rows": 16}), max_length=services.NOTICE_MAX,
                              help_text=gettext_lazy("Markdown. Shown to readers in English; empty: the Spanish text."))


class RulesForm(forms.Form):
    """One row per kind of data: enabled, how many, days or years."""

    def __init__(self, *args: Any, rows: list[selectors.RuleRow], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            key, rule = row.kind.key, row.rule
            self.fields[f"{key}-enabled"] = forms.BooleanField(label=row.kind.label, required=False,
                                                               initial=row.enabled)
            self.fields[f"{key}-amount"] = forms.IntegerField(label=gettext_lazy("Keep for"), min_value=1,
                                                              initial=rule.amount if rule else 1)
            self.fields[f"{key}-unit"] = forms.ChoiceField(label=gettext_lazy("Unit"), choices=RetentionUnit.choices,
                                                           initial=rule.unit if rule else row.kind.default_unit)

    def table(self) -> list[dict[str, Any]]:
        return [{"row": row, "enabled": self[f"{row.kind.key}-enabled"], "amount": self[f"{row.kind.key}-amount"],
                 "unit": self[f"{row.kind.key}-unit"]} for row in self.rows]

    def rules(self) -> dict[str, dict[str, Any]]:
        data = self.cleaned_data
        return {row.kind.key: {name: data[f"{row.kind.key}-{name}"] for name in ("enabled", "amount", "unit")}
                for row in self.rows}


def _page(request: HttpRequest, *, notice_form: NoticeForm | None = None, rules_form: RulesForm | None = None,
          report: selectors.RetentionReport | None = None, status: int = 200) -> HttpResponse:
    current = selectors.notice_current()
    if notice_form is None:
        notice_form = NoticeForm(initial={"body_es": current.body_es, "body_en": current.body_en} if current else {})
    rules_form = rules_form or RulesForm(rows=selectors.retention_rules(user=request.user))
    return render(request, "workspace/privacy_settings.html", {
        "notice_form": notice_form, "rules_form": rules_form, "current": current,
        "versions": selectors.notice_versions(), "report": report}, status=status)


@admins_only
@require_http_methods(["GET", "POST"])
def privacy_settings_view(request: HttpRequest) -> HttpResponse:
    """The page; its POST publishes a new version of the notice."""
    form = NoticeForm(posted(request))
    outcome = submit(request, form, lambda values: services.notice_publish(actor=request.user, **values),
                     done=_("A new version of the privacy notice was published."), to="workspace:privacy")
    if isinstance(outcome, HttpResponse):
        return outcome
    return _page(request, notice_form=form if request.method == "POST" else None, status=outcome)


@admins_only
@require_http_methods(["POST"])
def retention_rules_view(request: HttpRequest) -> HttpResponse:
    form = RulesForm(request.POST, rows=selectors.retention_rules(user=request.user))
    outcome = submit(request, form, lambda _values: services.retention_rules_set(actor=request.user, rules=form.rules()),
                     done=_("Retention rules saved."), to="workspace:privacy")
    if isinstance(outcome, HttpResponse):
        return outcome
    return _page(request, rules_form=form, status=outcome)


@admins_only
@require_GET
def retention_dry_run_view(request: HttpRequest) -> HttpResponse:
    """What the rules would remove now, with examples: changes nothing."""
    return _page(request, report=selectors.retention_preview(user=request.user))
