"""The privacy notice's public pages (`/privacidad/`): the current version in the reader's
language, any earlier version as it was published, and the customer's "I have read it" after
signing in (docs/decisions/0048)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_GET, require_POST

from atiende.accounts.permissions import is_customer
from atiende.core.exceptions import NotFound
from atiende.core.params import is_id_text
from atiende.kb.markdown import render_markdown
from atiende.privacy import selectors, services
from atiende.privacy.models import NoticeMoment

from .access import landing_url


def _safe_next(request: HttpRequest, raw: str) -> str:
    if raw and url_has_allowed_host_and_scheme(raw, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return raw
    return ""


def after_sign_in(request: HttpRequest, target: str) -> str:
    """Where a customer goes after signing in: the notice first when its current version is new
    to them, then `target`."""
    if selectors.notice_pending(user=request.user) is None:
        return target
    return reverse("privacy:notice") + "?" + urlencode({"siguiente": target})


def _render(request: HttpRequest, notice, *, current: bool) -> HttpResponse:
    text, language = selectors.notice_text(notice, language=translation.get_language() or "") if notice else ("", "")
    pending = current and notice is not None and selectors.notice_pending(user=request.user) == notice
    return render(request, "privacy/notice.html", {
        "notice": notice, "body_html": render_markdown(text), "text_language": language, "current": current,
        "pending": pending, "next": _safe_next(request, request.GET.get("siguiente", "")),
        "versions": selectors.notice_versions() if notice else [],
    })


@require_GET
def notice_view(request: HttpRequest) -> HttpResponse:
    return _render(request, selectors.notice_current(), current=True)


@require_GET
def notice_version_view(request: HttpRequest, version: str) -> HttpResponse:
    if not is_id_text(version):
        raise Http404()
    try:
        notice = selectors.notice_get(version=int(version))
    except NotFound:
        raise Http404() from None
    return _render(request, notice, current=False)


@require_POST
def notice_accept_view(request: HttpRequest) -> HttpResponse:
    """"I have read it": records the version shown (the form carries it) and goes on."""
    if not is_customer(request.user):
        return redirect("privacy:notice")
    if services.notice_accept_shown(user=request.user, version=request.POST.get("version", ""),
                                    moment=NoticeMoment.PORTAL) is None:
        return redirect("privacy:notice")
    return redirect(_safe_next(request, request.POST.get("siguiente", "")) or landing_url(request.user))
