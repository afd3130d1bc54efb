"""Guided troubleshooting in the portal: the published guides, one step at a time (the answers
given so far travel in the URL, `?camino=12,15`), and at the end either "solved" (a deflected
request) or a request whose first message lists the path taken."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from atiende.core.exceptions import Invalid, NotFound
from atiende.kb.markdown import render_markdown
from atiende.selfservice import selectors as selfservice
from atiende.selfservice.models import DeflectionSource
from atiende.selfservice.services import deflection_record

from . import services
from .access import customer_page


def _walk(request: HttpRequest, guide_id: int, path: str) -> selfservice.Walk:
    try:
        return selfservice.troubleshooter_walk(viewer=request.user, troubleshooter_id=guide_id, path=path)
    except NotFound:
        raise Http404() from None


@customer_page
@require_GET
def guide_list_view(request: HttpRequest) -> HttpResponse:
    guides = selfservice.troubleshooters_published(language=translation.get_language() or "")
    return render(request, "portal/guides.html", {"guides": guides, "nav": "guides"})


@customer_page
@require_GET
def guide_view(request: HttpRequest, guide_id: int) -> HttpResponse:
    try:
        walk = _walk(request, guide_id, request.GET.get("camino", ""))
    except Invalid:
        return render(request, "portal/guide.html", {"invalid": True, "nav": "guides"}, status=400)
    body_html = render_markdown(walk.article.body) if walk.article else ""
    return render(request, "portal/guide.html", {"walk": walk, "article_html": body_html, "nav": "guides"})


@customer_page
@require_POST
def guide_end_view(request: HttpRequest, guide_id: int) -> HttpResponse:
    """The end of a walk: "solved" counts a deflection; otherwise the request with the path."""
    try:
        walk = _walk(request, guide_id, request.POST.get("camino", ""))
    except Invalid:
        return render(request, "portal/guide.html", {"invalid": True, "nav": "guides"}, status=400)
    if walk.outcome == "solved":
        deflection_record(actor=request.user, source=DeflectionSource.TROUBLESHOOTER, question=walk.troubleshooter.title,
                          troubleshooter=walk.troubleshooter, language=walk.troubleshooter.language)
        messages.success(request, _("We are glad it is solved. No request was sent."))
        return redirect("portal:home")
    if walk.outcome != "contact":
        return render(request, "portal/guide.html", {"invalid": True, "nav": "guides"}, status=400)
    ticket = services.guided_request_create(actor=request.user, walk=walk,
                                            description=request.POST.get("description", "")[:20_000])
    return redirect("portal:created", number=ticket.number)
