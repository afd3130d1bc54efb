"""The reply checker in the ticket page's composer: the findings panel, asked for as the agent
writes (replycheck.js, debounced) and once more before a public reply is sent. It never blocks
sending; codes an administrator chose ask for a confirmation first. Internal notes are not checked."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from atiende.core.exceptions import Forbidden, NotFound
from atiende.replycheck import selectors, services
from atiende.tickets.selectors import ticket_get_for_agent

from .reply_check_rows import finding_rows
from .views import agent_required


@agent_required
@require_POST
def reply_check_view(request: HttpRequest, number: int) -> HttpResponse:
    try:
        ticket = ticket_get_for_agent(user=request.user, number=number)
        if request.POST.get("kind") == "internal":
            return render(request, "workspace/_reply_check.html", {"skipped": True})
        text = request.POST.get("body", "")
        findings = selectors.ticket_reply_check(user=request.user, ticket=ticket, text=text,
                                                attachments=_count(request.POST.get("attachments")))
        services.draft_codes_seen(user=request.user, ticket_id=ticket.pk, findings=findings)
    except (NotFound, Forbidden):
        raise Http404() from None
    confirm = selectors.confirmation_codes()
    return render(request, "workspace/_reply_check.html", {
        "rows": finding_rows(text, findings, confirm), "confirm": [f.code for f in findings if f.code in confirm]})


def _count(value: str | None) -> int:
    return int(value) if value and value.isdigit() and len(value) < 4 else 0
