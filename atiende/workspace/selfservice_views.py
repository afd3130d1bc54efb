"""Self-service in the workspace: the articles to offer on a ticket's reply (inserted into the
composer by kbinsert.js) and the admins' deflection report."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from atiende.core.exceptions import NotFound
from atiende.selfservice.selectors import articles_for_ticket, deflection_report
from atiende.tickets.selectors import ticket_get_for_agent

from .views import agent_required


@agent_required
@require_GET
def ticket_articles_view(request: HttpRequest, number: int) -> HttpResponse:
    try:
        ticket = ticket_get_for_agent(user=request.user, number=number)
        articles = articles_for_ticket(viewer=request.user, ticket=ticket)
    except NotFound:
        raise Http404() from None
    return render(request, "workspace/_ticket_articles.html", {
        "ticket": ticket, "articles": [(a, request.build_absolute_uri(a.path)) for a in articles]})


@agent_required
@require_GET
def deflection_report_view(request: HttpRequest) -> HttpResponse:
    try:
        report = deflection_report(viewer=request.user)
    except NotFound:
        raise Http404() from None
    return render(request, "workspace/selfservice_report.html", {"report": report})
