"""The inbox's ticket rows as HTML, built in Python (see atiende.core.markup for why).

Through the template engine, 50 rows cost about 30 ms of the inbox's 80-ms budget; here, a few
milliseconds. `_rows.html` and the search page place them in their tables.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from html import escape

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from atiende.core.markup import time_tag
from atiende.tickets.models import Priority
from atiende.tickets.status import TicketStatus

from .selectors import InboxRow


def _ticket_url(number: int) -> str:
    return reverse("tickets:detail", args=[number])


def _checkbox(row: InboxRow, checked: bool) -> str:
    ticket = row.ticket
    label = _("Select ticket #%(number)s") % {"number": ticket.number}
    subject = Truncator(ticket.subject).chars(60)
    return (
        f'<td class="select-cell"><input type="checkbox" name="ticket" value="{ticket.pk}" form="bulk"'
        f' id="select-{ticket.pk}" data-number="{ticket.number}" data-subject="{escape(subject)}"'
        f' aria-label="{escape(label)}"{" checked" if checked else ""}></td>'
    )


@dataclass(frozen=True)
class _Texts:
    """The words every row repeats, translated and escaped once per list (a model's
    get_status_display translates every choice on each call)."""

    statuses: dict[str, str]
    priorities: dict[str, str]
    unassigned: str  # not escaped: it stands in for a name, escaped where it is placed
    tags: str

    @classmethod
    def translated(cls) -> _Texts:
        return cls(
            statuses={value: escape(str(label)) for value, label in TicketStatus.choices},
            priorities={value: escape(str(label)) for value, label in Priority.choices},
            unassigned=_("Unassigned"),
            tags=escape(_("Tags")),
        )


def _row(row: InboxRow, *, selectable: bool, selected: Collection[int], texts: _Texts) -> str:
    ticket = row.ticket
    url = _ticket_url(ticket.number)
    checked = ticket.pk in selected
    tags = ""
    if row.tags:
        items = "".join(f"<li>{escape(tag)}</li>" for tag in row.tags)
        tags = f'<ul class="tags" aria-label="{texts.tags}">{items}</ul>'
    badge = "—"
    if row.badge.label:
        badge = f'<span class="sla sla-{escape(row.badge.state)}">{escape(str(row.badge.label))}</span>'
    organization = (ticket.organization.name if ticket.organization_id else "") or "—"
    team = (ticket.team.name if ticket.team_id else "") or "—"
    assignee = (ticket.assignee.name if ticket.assignee_id else "") or texts.unassigned
    return "".join((
        f'<tr data-ticket-url="{url}"', ' class="is-selected">' if checked else ">",
        _checkbox(row, checked) if selectable else "",
        f'<td class="number">#{ticket.number}</td>',
        f'<td class="subject"><a href="{url}" class="ticket-link">{escape(ticket.subject)}</a>{tags}',
        # The snippet is the search engine's safe HTML: escaped text, matches in <mark>.
        f'<p class="snippet">{row.snippet}</p></td>' if row.snippet else "</td>",
        f"<td>{escape(ticket.requester.name)}</td>",
        f"<td>{escape(organization)}</td>",
        f'<td><span class="status status-{escape(ticket.status)}">{texts.statuses[ticket.status]}</span></td>',
        f'<td><span class="priority priority-{escape(ticket.priority)}">{texts.priorities[ticket.priority]}</span></td>',
        f"<td>{badge}</td>",
        f"<td>{escape(team)}</td>",
        f"<td>{escape(assignee)}</td>",
        f"<td>{time_tag(ticket.updated_at)}</td>",
        "</tr>",
    ))


def rows_html(rows: Iterable[InboxRow], *, selectable: bool = False, selected: Collection[int] = ()) -> SafeString:
    """`<tr>` elements for `rows`; `selectable` adds the bulk-action checkbox, ticked for `selected` ids."""
    texts = _Texts.translated()
    html = "\n".join(_row(row, selectable=selectable, selected=selected, texts=texts) for row in rows)
    return mark_safe(html)  # noqa: S308 (every value escaped in _row)
