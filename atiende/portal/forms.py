from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class PasswordSignInForm(forms.Form):
    email = forms.EmailField(label=_("Email"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "username"}))
    password = forms.CharField(label=_("Password"), max_length=1024, strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class LinkRequestForm(forms.Form):
    email = forms.EmailField(label=_("Email"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))

    def __init__(self, *args, **kwargs):
        # Two forms share the sign-in page: their fields need distinct ids.
        kwargs.setdefault("prefix", "link")
        super().__init__(*args, **kwargs)


class SignupForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=200,
                           widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(label=_("Email"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(label=_("Password"), max_length=1024, strip=False,
                               help_text=_("At least 8 characters; avoid common passwords."),
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self) -> dict:
        """Every problem at once: the service's checks for the fields that passed the form's."""
        from .services import signup_errors

        data = super().clean()
        found = signup_errors(name=" ".join(self.data.get("name", "").split()), address=data.get("email", ""),
                              password=self.data.get("password", ""))
        for field, messages in found.items():
            if field not in self.errors:
                for message in messages:
                    self.add_error(field, message)
        return data


MAX_FILES = 10  # the request-size guard (core.middleware.RequestTooBigMiddleware) allows ten


def _attachments_help() -> str:
    return gettext("Up to %(count)s files of %(size)s MB each.") % {
        "count": MAX_FILES, "size": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)}


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files in one input; each is checked by the ticket services (type, size)."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Attachments"))
        kwargs.setdefault("help_text", lazy(_attachments_help, str)())
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(gettext("Attach at most %(count)s files.") % {"count": MAX_FILES})
        return [super(AttachmentsField, self).clean(f, initial) for f in files]


class NewRequestForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=250,
                              help_text=_("A few words that sum up your request."))
    category = forms.ChoiceField(label=_("What is it about?"))
    description = forms.CharField(label=_("Description"), max_length=200_000, widget=forms.Textarea(attrs={"rows": 8}),
                                  help_text=_("What happened, what you expected, and anything else that helps us."))
    attachments = AttachmentsField()
    asset = forms.TypedChoiceField(label=_("Which of your products is it about?"), required=False, coerce=int,
                                   empty_value=None, help_text=_("Optional."))

    def __init__(self, *args, categories: list[tuple[str, str]] | None = None,
                 products: list[tuple[int, str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if categories:
            self.fields["category"].choices = [("", _("Choose one"))] + list(categories)
        else:
            del self.fields["category"]
        if products:
            self.fields["asset"].choices = [("", _("None in particular"))] + list(products)
        else:
            del self.fields["asset"]


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Your reply"), max_length=200_000, widget=forms.Textarea(attrs={"rows": 5}))
    attachments = AttachmentsField()
