"""The article editor's form (the knowledge base's services validate again)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from atiende.core.db import MAX_ID
from atiende.core.params import is_id_text
from atiende.customers.models import Organization, SupportPlan
from atiende.kb.models import Article, Category, Language, Status, Visibility


def _bounded(value) -> bool:
    """An id every database can look up (SQLite overflows past 64 bits)."""
    return value in (None, "") or (is_id_text(str(value)) and int(str(value)) <= MAX_ID)


class IdChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        if not _bounded(value):
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        for item in value:
            if not _bounded(item):
                raise forms.ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                                            params={"pk": str(item)[:20]})
        return super()._check_values(value)


class ArticleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text (Markdown)"), required=False, strip=False,
                           widget=forms.Textarea(attrs={"rows": 18}), max_length=200_000)
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    visibility = forms.ChoiceField(label=_("Who sees it"), choices=Visibility.choices)
    category = IdChoiceField(label=_("Category or section"), queryset=Category.objects.all(), required=False)
    translation_of = IdChoiceField(label=_("Translation of"), queryset=Article.objects.none(), required=False)
    organizations = IdMultipleChoiceField(
        label=_("Only customers of these organizations"), queryset=Organization.objects.all(), required=False,
        help_text=_("For \"Customers signed in\": leave both lists empty for every customer."))
    plans = IdMultipleChoiceField(label=_("Only customers with these support plans"),
                                           queryset=SupportPlan.objects.all(), required=False)
    related = IdMultipleChoiceField(label=_("Related articles"), queryset=Article.objects.none(), required=False)
    note = forms.CharField(label=_("What changed (optional)"), max_length=200, required=False)

    def __init__(self, *args, article: Article | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        others = Article.objects.exclude(pk=getattr(article, "pk", None)).only("id", "title", "language")
        self.fields["translation_of"].queryset = others.filter(translation_of__isnull=True)
        self.fields["related"].queryset = others
