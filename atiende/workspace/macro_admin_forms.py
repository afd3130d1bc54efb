"""The macro editor's form (macros' services validate again, and name the field that is wrong)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from atiende.accounts.models import Team, User, UserKind
from atiende.accounts.permissions import STAFF_ROLES
from atiende.core.db import MAX_ID
from atiende.macros.models import Macro
from atiende.macros.services import ASSIGN_TO_ME, MAX_TEXT, languages
from atiende.tickets.models import Priority, TicketType
from atiende.tickets.status import TicketStatus, behaviour

from .kb_forms import IdChoiceField
from .routing_admin_forms import words

PERSONAL = "personal"
UNCHANGED = [("", _("(no change)"))]


def reply_field(code: str) -> str:
    return "reply_" + code.replace("-", "_")


class MacroForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    scope = forms.ChoiceField(label=_("Who uses it"))
    note = forms.CharField(label=_("Internal note"), required=False, max_length=MAX_TEXT,
                           widget=forms.Textarea(attrs={"rows": 3}))
    status = forms.ChoiceField(label=_("Set status"), required=False)
    priority = forms.ChoiceField(label=_("Set priority"), choices=UNCHANGED + list(Priority.choices), required=False)
    type = forms.ChoiceField(label=_("Set type"), choices=UNCHANGED + list(TicketType.choices), required=False)
    move_team = IdChoiceField(label=_("Move to team"), queryset=Team.objects.order_by("name"), required=False)
    assignee = forms.ChoiceField(label=_("Assign to"), required=False)
    add_tags = forms.CharField(label=_("Add tags"), required=False, max_length=2000,
                               help_text=_("Existing tag names, separated by commas."))
    remove_tags = forms.CharField(label=_("Remove tags"), required=False, max_length=2000)
    preview_ticket = forms.IntegerField(label=_("Preview on ticket number"), required=False, min_value=1,
                                        max_value=MAX_ID, help_text=_("Blank: the ticket you updated last."))

    def __init__(self, *args, scopes: list[tuple[str, Any]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = scopes
        names = dict(settings.LANGUAGES)
        for code in reversed(languages()):  # the replies come right after the name and scope
            self.fields[reply_field(code)] = forms.CharField(
                label=_("Reply (%(language)s)") % {"language": names.get(code, code)}, required=False,
                max_length=MAX_TEXT, strip=False, widget=forms.Textarea(attrs={"rows": 5}))
        self.order_fields(["name", "scope", *[reply_field(c) for c in languages()]])
        self.fields["status"].choices = UNCHANGED + [(v, label) for v, label in TicketStatus.choices
                                                     if behaviour(v).agent_settable]
        agents = User.objects.filter(kind=UserKind.AGENT, is_active=True, role__in=STAFF_ROLES).order_by("name")
        self.fields["assignee"].choices = [*UNCHANGED, (ASSIGN_TO_ME, _("Whoever applies it")),
                                           *[(str(a.pk), a.name) for a in agents]]

    @staticmethod
    def initial_for(macro: Macro) -> dict[str, Any]:
        actions = macro.actions or {}
        initial = {"name": macro.name, "scope": f"team:{macro.team_id}" if macro.team_id else PERSONAL,
                   "note": macro.note, **{key: actions.get(key, "") for key in ("status", "priority", "type")},
                   "move_team": actions.get("team"), "assignee": str(actions.get("assignee", "")),
                   "add_tags": ", ".join(actions.get("add_tags", [])),
                   "remove_tags": ", ".join(actions.get("remove_tags", []))}
        initial.update({reply_field(code): text for code, text in (macro.replies or {}).items()})
        return initial

    def team_id(self) -> int | None:
        scope = self.cleaned_data["scope"]
        return int(scope.split(":", 1)[1]) if scope != PERSONAL else None

    def replies(self) -> dict[str, str]:
        return {code: self.cleaned_data[reply_field(code)] for code in languages()}

    def actions(self) -> dict[str, Any]:
        data = self.cleaned_data
        assignee = data["assignee"]
        return {"status": data["status"] or None, "priority": data["priority"] or None, "type": data["type"] or None,
                "team": data["move_team"].pk if data["move_team"] else None,
                "assignee": int(assignee) if assignee.isdigit() else (assignee or None),
                "add_tags": words(data["add_tags"]), "remove_tags": words(data["remove_tags"])}


# The services' field names → the form's.
ERROR_FIELDS = {"team": "scope", "reply": reply_field(languages()[0]), "actions.status": "status",
                "actions.priority": "priority", "actions.type": "type", "actions.team": "move_team",
                "actions.assignee": "assignee", "actions.add_tags": "add_tags", "actions.remove_tags": "remove_tags",
                "ticket": "preview_ticket", **{f"reply.{code}": reply_field(code) for code in languages()}}
