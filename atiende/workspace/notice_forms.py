"""The notice composer's form (the notices services validate again)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from atiende.assets.models import Product
from atiende.customers.models import Organization, Segment, SupportPlan
from atiende.notices.models import Audience, NoticeLanguage
from atiende.notices.wording import VARIABLES

from .kb_forms import IdChoiceField


def _variables_help() -> str:
    return ", ".join("{{ " + name + " }}" for name in VARIABLES)


class NoticeForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Text"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 12}))
    language = forms.ChoiceField(label=_("Language"), choices=NoticeLanguage.choices, initial=NoticeLanguage.SPANISH)
    essential = forms.BooleanField(
        label=_("Essential service notice"), required=False,
        help_text=_("Reaches customers who unsubscribed and carries no unsubscribe link. Only for notices about "
                    "their service (an outage, a change to the contract), never for announcements."))
    audience = forms.ChoiceField(label=_("Send to"), choices=Audience.choices, widget=forms.RadioSelect)
    segment = forms.ChoiceField(label=_("Segment"), required=False, choices=[("", "—"), *Segment.choices])
    plan = IdChoiceField(label=_("Support plan"), required=False, queryset=SupportPlan.objects.order_by("name"))
    organization = IdChoiceField(label=_("Organization"), required=False, queryset=Organization.objects.order_by("name"))
    product = IdChoiceField(label=_("Product"), required=False, queryset=Product.objects.order_by("name", "id"))
    asset = forms.IntegerField(label=_("Asset (number)"), required=False, min_value=1, max_value=2**62)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].help_text = gettext("Variables: %(names)s") % {"names": _variables_help()}
