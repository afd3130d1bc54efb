"""Self-service beside the new-request form: the articles that may answer what the customer is
typing (an HTML fragment the form fetches as they type, debounced by htmx) and "Sí, esto lo
resolvió", which counts a deflected request and writes no ticket."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from atiende.core.exceptions import NotFound
from atiende.core.params import is_id_text
from atiende.kb.selectors import article_get
from atiende.selfservice.models import DeflectionSource
from atiende.selfservice.selectors import suggestions_for_request
from atiende.selfservice.services import deflection_record

from .access import customer_page


@customer_page
@require_GET
def request_suggestions_view(request: HttpRequest) -> HttpResponse:
    suggestions = suggestions_for_request(viewer=request.user, subject=request.GET.get("subject", ""),
                                          description=request.GET.get("description", ""),
                                          language=translation.get_language() or "")
    return render(request, "portal/_suggestions.html", {"suggestions": suggestions,
                                                        "subject": request.GET.get("subject", "")})


@customer_page
@require_POST
def deflection_view(request: HttpRequest) -> HttpResponse:
    raw = request.POST.get("article", "")
    try:
        article = article_get(viewer=request.user, article_id=int(raw)) if is_id_text(raw) else None
        if article is None:
            raise NotFound()
        deflection_record(actor=request.user, source=DeflectionSource.PORTAL, article=article,
                          question=request.POST.get("subject", ""), language=translation.get_language() or "")
    except NotFound:
        raise Http404() from None
    messages.success(request, _("We are glad it is solved. No request was sent."))
    return redirect("portal:home")
