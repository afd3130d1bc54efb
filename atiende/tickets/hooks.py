"""Ticket hooks: how features react to what happens to a ticket without `tickets` naming them.

`tickets` owns the hooks; an upper app (SLA, automation, webhooks, routing) writes a subscriber
and lists its dotted path in `settings.TICKET_HOOKS`, in the order they must run (no Django
signals: the order is explicit and readable in one place, as Saleor's PluginsManager):

    class SlaHooks(TicketHooks):
        def ticket_created(self, ticket, *, actor, message): ...

    TICKET_HOOKS = ["atiende.sla.hooks.SlaHooks", "atiende.automation.hooks.AutomationHooks", ...]

The ticket services call `hooks.<event>(...)` inside their transaction, after the change is saved
and recorded in history: a subscriber sees the ticket as it now is and may change it further
through the same services (with `accounts.services.system_actor`), and whatever it writes
commits or rolls back with the change. Work outside the database (a webhook post, a mail) is
queued by the subscriber to run after commit (`core.jobs.enqueue_after_commit`).

A subscriber that raises aborts the change that called it: hooks are part of the change, not
notifications about it. A subscriber that must not block a change (an outbound webhook) catches
its own failures.

See docs/decisions/0021-ticket-hooks.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from atiende.accounts.models import User

    from .models import Message, Ticket

# A change as the services record it in history: (field, old value, new value).
Change = tuple[str, Any, Any]


class TicketHooks:
    """A subscriber: every method does nothing; override the events you need.

    `actor` is who made the change: a person, or a system actor (SLA, mail, automation)."""

    def ticket_created(self, ticket: Ticket, *, actor: User | None, message: Message) -> None:
        """A new ticket with its first message (any channel, the API, the portal, an import)."""

    def message_added(self, message: Message, *, actor: User | None) -> None:
        """A message on an existing ticket: a customer's reply, an agent's reply or note."""

    def ticket_changed(self, ticket: Ticket, *, actor: User | None, changes: Sequence[Change]) -> None:
        """Fields changed (status, priority, type, team, assignee, tags, custom fields, subject;
        a merge changes the merged ticket's status to merged). `ticket.updated_at` is the
        moment of the change."""

    def ticket_solved(self, ticket: Ticket, *, actor: User | None) -> None:
        """The ticket became solved (after `ticket_changed` for the same change)."""

    # The extra fields a subscriber reads from a solving change (the API and the workspace pass
    # them through by these names, untouched): `tickets` carries them without knowing them.
    solution_fields: tuple[str, ...] = ()

    def solution_given(self, ticket: Ticket, *, actor: User | None, details: Mapping[str, Any]) -> None:
        """The ticket became solved, with the extra fields given with the change (possibly none):
        called before `ticket_changed`; raise `core.exceptions.Invalid` to refuse the solving."""

    def tickets_imported(self, created: Sequence[tuple[Ticket, Message]]) -> None:
        """Many new tickets at once (a mailbox import), each with its first message, written in
        bulk. By default each is a `ticket_created` by its first message's author; a subscriber
        that can do them together overrides this (imports take thousands)."""
        for ticket, message in created:
            self.ticket_created(ticket, actor=message.author_user, message=message)

    def replies_imported(self, messages: Sequence[Message]) -> None:
        """Customers' replies added in bulk to tickets they move nothing on (no status change,
        no SLA policy: `services.imports.takes_reply_quietly`). By default each is a
        `message_added` by its author."""
        for message in messages:
            self.message_added(message, actor=message.author_user)

    def messages_redacted(self, ticket_ids: Sequence[int]) -> None:
        """Message texts of these tickets were replaced by a placeholder (a retention rule): an
        index of the text must forget it."""

    def sla_warning(self, ticket: Ticket, *, metric: str) -> None:
        """An SLA target is close to its deadline (emitted by the SLA app)."""

    def sla_breached(self, ticket: Ticket, *, metric: str) -> None:
        """An SLA target was missed (emitted by the SLA app)."""


@cache
def subscribers() -> tuple[TicketHooks, ...]:
    """The subscribers in `settings.TICKET_HOOKS`, instantiated once, in order."""
    return tuple(import_string(path)() for path in getattr(settings, "TICKET_HOOKS", ()))


def _call(event: str, *args: Any, **kwargs: Any) -> None:
    for subscriber in subscribers():
        getattr(subscriber, event)(*args, **kwargs)


def ticket_created(ticket: Ticket, *, actor: User | None, message: Message) -> None:
    _call("ticket_created", ticket, actor=actor, message=message)


def message_added(message: Message, *, actor: User | None) -> None:
    _call("message_added", message, actor=actor)


def ticket_changed(ticket: Ticket, *, actor: User | None, changes: Sequence[Change]) -> None:
    _call("ticket_changed", ticket, actor=actor, changes=changes)


def ticket_solved(ticket: Ticket, *, actor: User | None) -> None:
    _call("ticket_solved", ticket, actor=actor)


def solution_given(ticket: Ticket, *, actor: User | None, details: Mapping[str, Any]) -> None:
    _call("solution_given", ticket, actor=actor, details=details)


def solution_fields() -> tuple[str, ...]:
    """Every subscriber's `solution_fields`, in order, once each."""
    return tuple(dict.fromkeys(name for subscriber in subscribers() for name in subscriber.solution_fields))


def tickets_imported(created: Sequence[tuple[Ticket, Message]]) -> None:
    _call("tickets_imported", created)


def replies_imported(messages: Sequence[Message]) -> None:
    _call("replies_imported", messages)


def messages_redacted(ticket_ids: Sequence[int]) -> None:
    _call("messages_redacted", ticket_ids)


def sla_warning(ticket: Ticket, *, metric: str) -> None:
    _call("sla_warning", ticket, metric=metric)


def sla_breached(ticket: Ticket, *, metric: str) -> None:
    _call("sla_breached", ticket, metric=metric)
