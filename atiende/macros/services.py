"""Writes for macros: saving them (validated once here for the API and the pages alike), and
applying one to a ticket through the ticket services, as the agent who applies it.

Applying is all or nothing: the reply, the internal note and the changes are made in one
transaction, each by the ticket service that checks the agent may do it; a refusal of any part
(a closed ticket, a team the agent may not assign to, a tag deleted since the macro was saved)
leaves the ticket as it was."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from atiende.accounts.models import Team, User
from atiende.accounts.permissions import is_staff_agent
from atiende.core import clock
from atiende.core.db import is_id, unique_or_conflict
from atiende.core.exceptions import Forbidden, Invalid, NotFound
from atiende.tickets.models import Channel, Message, Priority, Tag, Ticket, TicketType
from atiende.tickets.selectors import tag_names_by_ticket, ticket_get, ticket_list
from atiende.tickets.services import message_create, ticket_update
from atiende.tickets.status import TicketStatus, behaviour

from . import variables
from .models import Macro
from .permissions import can_edit_macro, can_have_macros, can_manage_team_macros, can_view_macro
from .selectors import macro_get

MAX_NAME = 100
MAX_TEXT = 20_000
MAX_TAGS = 30
ACTIONS = ("status", "priority", "type", "team", "assignee", "add_tags", "remove_tags")
ASSIGN_TO_ME = "me"  # "assignee": "me" assigns the ticket to whoever applies the macro


def languages() -> list[str]:
    return [code.lower() for code, _name in settings.LANGUAGES]


# --- validation ---------------------------------------------------------------------------------

def _clean_name(raw: Any) -> str:
    name = " ".join(str(raw or "").replace("\x00", "").split())
    if not name or len(name) > MAX_NAME:
        raise Invalid(fields={"name": _("Write a name of at most %(max)s characters.") % {"max": MAX_NAME}})
    return name


def _clean_text(raw: Any, field: str) -> str:
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise Invalid(fields={field: _("Send text.")})
    text = raw.replace("\x00", "").replace("\r\n", "\n").strip()
    if len(text) > MAX_TEXT:
        raise Invalid(fields={field: _("Use at most %(max)s characters.") % {"max": MAX_TEXT}})
    found = variables.problems(text)
    if found:
        raise Invalid(fields={field: " ".join(found)}, code="unknown_variable")
    return text


def clean_replies(raw: Any) -> dict[str, str]:
    """{language code: reply text}; codes from settings.LANGUAGES, any case ("es-MX", "es_mx")."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise Invalid(fields={"reply": _("Send an object of language codes and texts, e.g. {\"es-mx\": \"…\"}.")})
    clean: dict[str, str] = {}
    for key, text in raw.items():
        code = str(key).lower().replace("_", "-")
        if code not in languages():
            raise Invalid(fields={f"reply.{key}": _("Use one of these languages: %(codes)s.") % {
                "codes": ", ".join(languages())}})
        text = _clean_text(text, f"reply.{key}")
        if text:
            clean[code] = text
    return clean


def _choice(raw: dict, name: str, allowed: Sequence[str]) -> str | None:
    value = raw.get(name)
    if value is None or value == "":
        return None
    if value not in allowed:
        raise Invalid(fields={f"actions.{name}": _("Use one of: %(values)s.") % {"values": ", ".join(allowed)}})
    return value


def _tag_names(raw: dict, name: str) -> list[str]:
    values = raw.get(name) or []
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values) or len(values) > MAX_TAGS:
        raise Invalid(fields={f"actions.{name}": _("Give a list of at most %(max)s tag names.") % {"max": MAX_TAGS}})
    names = list(dict.fromkeys(" ".join(v.replace("\x00", "").split()).lower() for v in values if v.strip()))
    existing = set(Tag.objects.filter(name__in=names).values_list("name", flat=True))
    missing = [n for n in names if n not in existing]
    if missing:
        raise Invalid(fields={f"actions.{name}": _("No tag is named: %(names)s.") % {"names": ", ".join(missing)}})
    return names


def clean_actions(raw: Any) -> dict[str, Any]:
    """What a macro changes; a key left out (or null) changes nothing. Teams and agents by id."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise Invalid(fields={"actions": _("Send an object of actions.")})
    unknown = sorted(set(raw) - set(ACTIONS))
    if unknown:
        raise Invalid(fields={f"actions.{name}": _("Unknown action.") for name in unknown})
    settable = [s for s in TicketStatus.values if behaviour(s).agent_settable]
    clean: dict[str, Any] = {
        "status": _choice(raw, "status", settable),
        "priority": _choice(raw, "priority", Priority.values),
        "type": _choice(raw, "type", TicketType.values),
    }
    team = raw.get("team")
    if team is not None:
        if not is_id(team) or not Team.objects.filter(pk=team).exists():
            raise Invalid(fields={"actions.team": _("There is no team with this id.")})
        clean["team"] = team
    assignee = raw.get("assignee")
    if assignee is not None:
        if assignee != ASSIGN_TO_ME and not (is_id(assignee) and _active_agent(assignee) is not None):
            raise Invalid(fields={"actions.assignee": _("Give the id of an active agent, or \"me\".")})
        clean["assignee"] = assignee
    clean["add_tags"], clean["remove_tags"] = _tag_names(raw, "add_tags"), _tag_names(raw, "remove_tags")
    both = sorted(set(clean["add_tags"]) & set(clean["remove_tags"]))
    if both:
        raise Invalid(fields={"actions.remove_tags": _("A tag cannot be both added and removed: %(names)s.") % {
            "names": ", ".join(both)}})
    return {key: value for key, value in clean.items() if value not in (None, [])}


def _active_agent(pk: int) -> User | None:
    agent = User.objects.filter(pk=pk).first()
    return agent if agent is not None and is_staff_agent(agent) else None


def _check_not_empty(replies: dict, note: str, actions: dict) -> None:
    if not replies and not note and not actions:
        raise Invalid(fields={"reply": _("A macro needs a reply, an internal note or at least one action.")})


# --- saving -------------------------------------------------------------------------------------

def macro_create(*, actor: User, name: Any, reply: Any = None, note: Any = "", actions: Any = None,
                 team: Team | int | None = None) -> Macro:
    """A team's macro when `team` is given (supervisors and administrators), else the actor's own."""
    if team is not None:
        if not can_manage_team_macros(actor):
            raise Forbidden(fields={"team": _("Only supervisors and administrators create team macros.")})
        team = team if isinstance(team, Team) else Team.objects.filter(pk=team).first() if is_id(team) else None
        if team is None:
            raise Invalid(fields={"team": _("There is no team with this id.")})
    elif not can_have_macros(actor):
        raise Forbidden()
    name, replies, note_text, clean = _clean_name(name), clean_replies(reply), _clean_text(note, "note"), clean_actions(actions)
    _check_not_empty(replies, note_text, clean)
    with unique_or_conflict(_("There is already a macro with this name.")):
        return Macro.objects.create(name=name, owner=None if team else actor, team=team, replies=replies,
                                    note=note_text, actions=clean)


def macro_update(*, actor: User, macro: Macro, changes: dict[str, Any]) -> Macro:
    """Change `name`, `reply`, `note`, `actions`, or a team macro's `team`."""
    _check_editable(actor, macro)
    unknown = sorted(set(changes) - {"name", "reply", "note", "actions", "team"})
    if unknown:
        raise Invalid(fields={name: _("This field cannot be changed.") for name in unknown})
    if "name" in changes:
        macro.name = _clean_name(changes["name"])
    if "reply" in changes:
        macro.replies = clean_replies(changes["reply"])
    if "note" in changes:
        macro.note = _clean_text(changes["note"], "note")
    if "actions" in changes:
        macro.actions = clean_actions(changes["actions"])
    if "team" in changes:
        team = changes["team"]
        if macro.team_id is None:
            raise Invalid(fields={"team": _("A personal macro stays personal; create a team macro instead.")})
        team = team if isinstance(team, Team) else Team.objects.filter(pk=team).first() if is_id(team) else None
        if team is None:
            raise Invalid(fields={"team": _("There is no team with this id.")})
        macro.team = team
    _check_not_empty(macro.replies, macro.note, macro.actions)
    macro.updated_at = clock.now()
    with unique_or_conflict(_("There is already a macro with this name.")):
        macro.save()
    return macro


def macro_delete(*, actor: User, macro: Macro) -> None:
    _check_editable(actor, macro)
    macro.delete()


def _check_editable(actor: User, macro: Macro) -> None:
    if not can_view_macro(actor, macro):
        raise NotFound()
    if not can_edit_macro(actor, macro):
        raise Forbidden()


# --- applying -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class MacroPlan:
    """What applying a macro to a ticket would do, resolved and rendered, nothing written."""

    macro: Macro
    ticket: Ticket
    language: str  # of the reply: the customer's, else the first one the macro has
    reply: str  # rendered; "" when the macro has none
    note: str  # rendered in the agent's language
    changes: dict[str, Any] = field(default_factory=dict)  # for ticket_update (objects resolved)
    tags_added: list[str] = field(default_factory=list)
    tags_removed: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DraftPreview:
    """A macro's texts as they would read on `ticket`, before it is saved."""

    ticket: Ticket | None  # None: the agent sees no ticket to show them on
    replies: dict[str, str]  # rendered, by language code
    note: str


def macro_draft_preview(*, actor: User, reply: Any, note: Any, ticket_number: int | None = None) -> DraftPreview:
    """Render unsaved macro texts on a ticket the actor sees: the one numbered, else the one they
    touched last. Writes nothing; unknown variables are the same Invalid saving raises."""
    if not can_have_macros(actor):
        raise Forbidden()
    replies, note_text = clean_replies(reply), _clean_text(note, "note")
    tickets = ticket_list(user=actor)
    ticket = tickets.filter(number=ticket_number).first() if ticket_number is not None else tickets.first()
    if ticket is None:
        if ticket_number is not None:
            raise Invalid(fields={"ticket": _("You see no ticket with this number.")})
        return DraftPreview(ticket=None, replies=replies, note=note_text)
    rendered = {code: variables.render(text, ticket=ticket, language=code, agent=actor) for code, text in replies.items()}
    note_language = getattr(actor, "language", "") or settings.LANGUAGE_CODE
    return DraftPreview(ticket=ticket, replies=rendered,
                        note=variables.render(note_text, ticket=ticket, language=note_language, agent=actor))


@dataclass(frozen=True)
class MacroResult:
    plan: MacroPlan
    reply: Message | None
    note: Message | None


def reply_language(available: Sequence[str], wanted: str) -> str:
    """The language of the reply: the customer's (`wanted`, as stored: "es", "es-MX", "en_US"),
    else one of its region's kin ("es" → "es-mx", "en-us" → "en"), else the site's language,
    else the first the macro has. "" when it has none."""
    if not available:
        return ""
    code = (wanted or "").lower().replace("_", "-")
    base = code.split("-")[0]
    for candidate in (code, *[a for a in available if a.split("-")[0] == base and base],
                      settings.LANGUAGE_CODE.lower()):
        if candidate in available:
            return candidate
    return next((code for code in languages() if code in available), available[0])


def _stale(field: str, message: str) -> Invalid:
    return Invalid(_("%(reason)s Edit the macro; nothing was applied.") % {"reason": message},
                   code="macro_stale", fields={field: message})


def _resolve(actor: User, ticket: Ticket, actions: dict) -> tuple[dict[str, Any], list[str], list[str]]:
    changes: dict[str, Any] = {key: actions[key] for key in ("status", "priority", "type") if key in actions}
    if "team" in actions:
        team = Team.objects.filter(pk=actions["team"]).first() if is_id(actions["team"]) else None
        if team is None:
            raise _stale("actions.team", _("The team this macro moves tickets to no longer exists."))
        changes["team"] = team
    if "assignee" in actions:
        pk = actions["assignee"]
        agent = actor if pk == ASSIGN_TO_ME else _active_agent(pk) if is_id(pk) else None
        if agent is None:
            raise _stale("actions.assignee", _("The agent this macro assigns tickets to no longer exists or is inactive."))
        changes["assignee"] = agent
    added, removed = list(actions.get("add_tags", [])), list(actions.get("remove_tags", []))
    if added or removed:
        existing = set(Tag.objects.filter(name__in=added + removed).values_list("name", flat=True))
        missing = [name for name in added + removed if name not in existing]
        if missing:
            raise _stale("actions.add_tags" if missing[0] in added else "actions.remove_tags",
                         _("The tag “%(name)s” no longer exists.") % {"name": missing[0]})
        current = tag_names_by_ticket([ticket])[ticket.pk]
        wanted = sorted((set(current) | set(added)) - set(removed))
        if wanted != sorted(current):
            changes["tags"] = wanted
        added = [name for name in added if name not in current]
        removed = [name for name in removed if name in current]
    return changes, added, removed


def _plan(actor: User, ticket: Ticket, macro: Macro) -> MacroPlan:
    changes, added, removed = _resolve(actor, ticket, macro.actions or {})
    language = reply_language(list(macro.replies), ticket.requester.language)
    agent = actor if getattr(actor, "is_agent", False) else None
    reply = variables.render(macro.replies[language], ticket=ticket, language=language, agent=agent) if language else ""
    note_language = (getattr(actor, "language", "") or settings.LANGUAGE_CODE)
    note = variables.render(macro.note, ticket=ticket, language=note_language, agent=agent) if macro.note else ""
    return MacroPlan(macro=macro, ticket=ticket, language=language, reply=reply, note=note, changes=changes,
                     tags_added=added, tags_removed=removed)


def macro_preview(*, actor: User, ticket: Ticket, macro: Macro) -> MacroPlan:
    """What `macro_apply` would do to `ticket`, rendered, writing nothing. A macro or ticket the
    actor may not see is NotFound; a stale reference is the same Invalid the apply would raise."""
    macro = macro_get(user=actor, macro_id=macro.pk)
    ticket = ticket_get(user=actor, ticket_id=ticket.pk)
    return _plan(actor, ticket, macro)


def macro_apply(*, actor: User, ticket: Ticket, macro: Macro, body: str | None = None, body_internal: bool = False,
                uploads: Sequence[UploadedFile] = ()) -> MacroResult:
    """Apply `macro` to `ticket` as `actor`: its reply (as `actor`, on the ticket's channel), its
    internal note, then its changes, all or nothing, and count the use.

    `body`, from the composer: the text the agent sends instead of the rendered reply (they may
    have edited it); with `body_internal` it is an internal note instead, and blank sends none.
    The ticket services check each part as the actor (NotFound, Forbidden, Conflict)."""
    with transaction.atomic():
        macro = macro_get(user=actor, macro_id=macro.pk)
        ticket = ticket_get(user=actor, ticket_id=ticket.pk)
        plan = _plan(actor, ticket, macro)
        text = plan.reply if body is None else body.strip()
        internal = body is not None and body_internal
        reply = message_create(actor=actor, ticket=ticket, body=text, internal=internal, uploads=uploads,
                               channel=Channel.INTERNAL if internal else ticket.channel) if text or uploads else None
        note = message_create(actor=actor, ticket=ticket, body=plan.note, internal=True,
                              channel=Channel.INTERNAL) if plan.note else None
        if plan.changes:
            ticket_update(actor=actor, ticket=ticket, changes=dict(plan.changes))
        _count(macro, 1)
    return MacroResult(plan=plan, reply=reply, note=note)


def macro_bulk_apply(*, actor: User, ticket_ids: Sequence[int], macro: Macro) -> list[int]:
    """A macro's actions (not its reply or note: a reply to many customers at once deserves to be
    read ticket by ticket) on several tickets, all or nothing; each ticket checked as if alone."""
    ids = list(dict.fromkeys(ticket_ids))
    with transaction.atomic():
        macro = macro_get(user=actor, macro_id=macro.pk)
        if not macro.actions:
            raise Invalid(fields={"macro": _("This macro has no actions to apply to several tickets; its reply and "
                                             "note are sent one ticket at a time.")})
        found = {t.pk: t for t in ticket_list(user=actor).filter(pk__in=ids)}
        if len(found) != len(ids):
            raise NotFound()
        for pk in ids:
            plan = _plan(actor, found[pk], macro)
            if plan.changes:
                ticket_update(actor=actor, ticket=found[pk], changes=dict(plan.changes))
        _count(macro, len(ids))
    return ids


def _count(macro: Macro, uses: int) -> None:
    Macro.objects.filter(pk=macro.pk).update(usage_count=F("usage_count") + uses, last_used_at=clock.now())
