"""Forms of the agent's ticket page. They parse what the page posts; the ticket services decide
what is allowed and valid, and their errors come back onto the form (`add_domain_error`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from atiende.accounts.permissions import is_staff_agent
from atiende.core.db import MAX_ID
from atiende.core.errors import MESSAGES
from atiende.core.exceptions import DomainError
from atiende.core.markup import option_tags
from atiende.core.middleware import RequestTooBigMiddleware

from .models import CustomFieldKind, MessageKind, Priority, Ticket, TicketType
from .selectors import PanelChoices
from .status import BEHAVIOUR, TicketStatus

# As many files as one request may carry before RequestTooBigMiddleware refuses it.
MAX_FILES = RequestTooBigMiddleware.MAX_UPLOAD_FILES


class DomainErrorsMixin:
    """Put a service's error onto the form: its fields next to theirs, the rest on top."""

    def add_domain_error(self, exc: DomainError, *, field_names: dict[str, str] | None = None) -> None:
        names = field_names or {}
        for name, message in exc.fields.items():
            if isinstance(message, dict):  # custom fields: {key: message}
                for key, text in message.items():
                    self._add(f"cf_{key}", text)
            else:
                self._add(names.get(name, name), message)
        if exc.message or not exc.fields:
            self.add_error(None, str(exc.message or MESSAGES.get(exc.code, MESSAGES["invalid"])))  # type: ignore[attr-defined]

    def _add(self, name: str, message: Any) -> None:
        known = name in self.fields  # type: ignore[attr-defined]
        self.add_error(name if known else None, str(message))  # type: ignore[attr-defined]


class FastSelect(forms.Select):
    """A <select> built in Python. Django renders each option through a template of its own,
    which costs a few milliseconds per list of agents, and the page shows that list three times."""

    def render(self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None) -> str:
        final = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        options = option_tags(self.choices, self.format_value(value))
        return mark_safe(f"<select{flatatt(final)}>{options}</select>")  # noqa: S308 (attributes escaped by flatatt)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list:
        files = data if isinstance(data, (list, tuple)) else [data] if data else []
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class ComposerForm(DomainErrorsMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Type of message"), choices=MessageKind.choices, initial=MessageKind.PUBLIC, widget=forms.RadioSelect
    )
    body = forms.CharField(label=_("Message"), required=False, strip=False, widget=forms.Textarea(attrs={"rows": 6}))
    last_message_id = forms.IntegerField(required=False, min_value=0, max_value=MAX_ID, widget=forms.HiddenInput)
    attachments = MultipleFileField(label=_("Attachments"), required=False)
    # A pre-approved template instead of the text (a channel's reply window is closed); its
    # variables come as `template-<id>-<n>`, one input per variable of each template offered.
    template = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("auto_id", "composer-%s")
        super().__init__(*args, **kwargs)

    @property
    def template_choice(self) -> tuple[int, list[str]] | None:
        """(template id, its variables in order) when a template was chosen for a public reply."""
        chosen = self.cleaned_data.get("template")
        if not chosen or self.internal:
            return None
        values, n = [], 1
        while f"template-{chosen}-{n}" in self.data and n <= 50:
            values.append(str(self.data.get(f"template-{chosen}-{n}") or ""))
            n += 1
        return chosen, values

    def clean_attachments(self) -> list:
        files = self.cleaned_data.get("attachments") or []
        if len(files) > MAX_FILES:
            raise forms.ValidationError(_("Attach at most %(n)s files per message.") % {"n": MAX_FILES})
        return files

    @property
    def internal(self) -> bool:
        return self.cleaned_data.get("kind") == MessageKind.INTERNAL


def _optional(choices: list[tuple[Any, str]], empty: str) -> list[tuple[Any, str]]:
    return [("", empty), *choices]


class PropertiesForm(DomainErrorsMixin, forms.Form):
    """The properties panel. Every field carries its value as rendered (`show_hidden_initial`),
    so a save sends only what this agent changed and never rolls back someone else's change."""

    def __init__(self, *args: Any, ticket: Ticket, tags: list[str], choices: PanelChoices, **kwargs: Any):
        kwargs.setdefault("auto_id", "prop-%s")
        kwargs["initial"] = self._initial(ticket, tags)
        super().__init__(*args, **kwargs)
        settable = [(s.value, s.label) for s in TicketStatus if BEHAVIOUR[s].agent_settable]
        teams = [(str(t.pk), t.name) for t in choices.teams]
        agents = [(str(a.pk), a.name) for a in choices.agents if is_staff_agent(a)]
        if ticket.team_id and str(ticket.team_id) not in dict(teams):
            teams.append((str(ticket.team_id), ticket.team.name))
        if ticket.assignee_id and str(ticket.assignee_id) not in dict(agents):
            agents.append((str(ticket.assignee_id), ticket.assignee.name))
        hidden = {"show_hidden_initial": True}
        self.fields["status"] = forms.ChoiceField(label=_("Status"), choices=settable, widget=FastSelect, **hidden)
        self.fields["priority"] = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, widget=FastSelect, **hidden)
        self.fields["type"] = forms.ChoiceField(label=pgettext_lazy("ticket", "Type"), choices=TicketType.choices, widget=FastSelect, **hidden)
        self.fields["team"] = forms.TypedChoiceField(
            label=_("Team"), choices=_optional(teams, _("No team")), coerce=int, empty_value=None, required=False, widget=FastSelect, **hidden
        )
        self.fields["assignee"] = forms.TypedChoiceField(
            label=_("Assignee"), choices=_optional(agents, _("Unassigned")), coerce=int, empty_value=None,
            required=False, widget=FastSelect, **hidden,
        )
        self.fields["tags"] = forms.CharField(
            label=_("Tags"), required=False, help_text=_("Separate tags with commas."), **hidden
        )
        for field in choices.custom_fields:
            self.fields[f"cf_{field.key}"] = self._custom_field(field, ticket.custom_fields.get(field.key), hidden)

    @staticmethod
    def _initial(ticket: Ticket, tags: list[str]) -> dict[str, Any]:
        initial = {
            "status": ticket.status, "priority": ticket.priority, "type": ticket.type, "team": ticket.team_id or "",
            "assignee": ticket.assignee_id or "", "tags": ", ".join(tags),
        }
        initial.update({f"cf_{key}": value for key, value in (ticket.custom_fields or {}).items()})
        return initial

    @staticmethod
    def _custom_field(field: Any, current: Any, extra: dict) -> forms.Field:
        # The service validates values (custom_fields.py); the form only picks a fitting input.
        common = {"label": field.label, "required": False, **extra}
        if field.kind == CustomFieldKind.CHOICE:
            options = [(c, c) for c in field.choices or ()]
            if current not in (None, "") and current not in dict(options):
                options.append((current, current))  # a value from before its choice was removed
            return forms.ChoiceField(choices=_optional(options, _("(none)")), widget=FastSelect, **common)
        if field.kind == CustomFieldKind.DATE:
            return forms.CharField(widget=forms.DateInput(attrs={"type": "date"}), **common)
        if field.kind == CustomFieldKind.NUMBER:
            return forms.CharField(widget=forms.TextInput(attrs={"inputmode": "decimal"}), **common)
        return forms.CharField(max_length=2000, **common)

    def changes(self) -> dict[str, Any]:
        """The changes for `ticket_update`: the fields whose value differs from the one rendered."""
        changes: dict[str, Any] = {}
        custom: dict[str, Any] = {}
        for name in self.changed_data:
            value = self.cleaned_data.get(name)
            if name.startswith("cf_"):
                custom[name[3:]] = value if value not in ("", None) else None
            elif name == "tags":
                changes["tags"] = [part.strip() for part in (value or "").split(",") if part.strip()]
            else:
                changes[name] = value
        if custom:
            changes["custom_fields"] = custom
        return changes

    def custom_field_names(self) -> list[str]:
        return [name for name in self.fields if name.startswith("cf_")]


class TakeForm(DomainErrorsMixin, forms.Form):
    """"Take it": nothing to fill in; the form carries the service's errors."""


def _agent_choices(agents: list, *, staff_only: bool) -> list[tuple[str, str]]:
    return [(str(a.pk), a.name) for a in agents if not staff_only or is_staff_agent(a)]


class AssignForm(DomainErrorsMixin, forms.Form):
    def __init__(self, *args: Any, agents: list, **kwargs: Any):
        kwargs.setdefault("auto_id", "assign-%s")
        super().__init__(*args, **kwargs)
        self.fields["assignee"] = forms.TypedChoiceField(
            label=_("Assign to"), choices=_optional(_agent_choices(agents, staff_only=True), _("Unassigned")),
            coerce=int, empty_value=None, required=False, widget=FastSelect,
        )


class ReferForm(DomainErrorsMixin, forms.Form):
    note = forms.CharField(label=_("Why are you referring it?"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, agents: list, exclude: set[int], **kwargs: Any):
        kwargs.setdefault("auto_id", "refer-%s")
        super().__init__(*args, **kwargs)
        people = [(value, name) for value, name in _agent_choices(agents, staff_only=False) if int(value) not in exclude]
        self.fields["collaborator"] = forms.TypedChoiceField(
            label=_("Refer to"), choices=_optional(people, _("Choose a colleague")), coerce=int, widget=FastSelect,
            error_messages={"required": _("Choose who to refer the ticket to.")},
        )
        self.order_fields(["collaborator", "note"])


class TicketNumberField(forms.IntegerField):
    def __init__(self, **kwargs: Any):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        kwargs.setdefault("error_messages", {"required": _("Enter a ticket number.")})
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {}  # a text box (it accepts "#1234"): no min/max attributes

    def to_python(self, value: Any) -> int | None:
        return super().to_python(str(value).strip().lstrip("#") if value is not None else value)


class MergeForm(DomainErrorsMixin, forms.Form):
    target = TicketNumberField(label=_("Merge into ticket number"))
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("auto_id", "merge-%s")
        super().__init__(*args, **kwargs)


class LinkKindChoice:
    RELATED = "related"
    PARENT = "parent"  # this ticket is the parent of the other
    CHILD = "child"  # this ticket is a child of the other

    choices = [
        (RELATED, _("Related to")),
        (PARENT, _("Parent of")),
        (CHILD, _("Child of")),
    ]


class LinkForm(DomainErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("This ticket is"), choices=LinkKindChoice.choices, initial=LinkKindChoice.RELATED,
                             widget=FastSelect)
    target = TicketNumberField(label=_("Ticket number"))

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("auto_id", "link-%s")
        super().__init__(*args, **kwargs)
