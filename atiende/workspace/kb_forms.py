"""The article editor's form (the knowledge base's services validate again)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from atiende.customers.models import Organization, SupportPlan
from atiende.kb.models import Article, Category, Language, Status, Visibility


class ArticleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text (Markdown)"), required=False, strip=False,
                           widget=forms.Textarea(attrs={"rows": 18}), max_length=200_000)
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    visibility = forms.ChoiceField(label=_("Who sees it"), choices=Visibility.choices)
    category = forms.ModelChoiceField(label=_("Category or section"), queryset=Category.objects.all(), required=False)
    translation_of = forms.ModelChoiceField(label=_("Translation of"), queryset=Article.objects.none(), required=False)
    organizations = forms.ModelMultipleChoiceField(
        label=_("Only customers of these organizations"), queryset=Organization.objects.all(), required=False,
        help_text=_("For \"Customers signed in\": leave both lists empty for every customer."))
    plans = forms.ModelMultipleChoiceField(label=_("Only customers with these support plans"),
                                           queryset=SupportPlan.objects.all(), required=False)
    related = forms.ModelMultipleChoiceField(label=_("Related articles"), queryset=Article.objects.none(), required=False)
    note = forms.CharField(label=_("What changed (optional)"), max_length=200, required=False)

    def __init__(self, *args, article: Article | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        others = Article.objects.exclude(pk=getattr(article, "pk", None)).only("id", "title", "language")
        self.fields["translation_of"].queryset = others.filter(translation_of__isnull=True)
        self.fields["related"].queryset = others
