"""The widget's endpoints, called from the company's site (CORS, no cookie): the site's
configuration, starting a conversation, and the HTTP side of a conversation (the polling
fallback when websockets are blocked, and the few actions the socket does not carry).

Each view parses, checks the origin against the site, calls one service or selector, renders."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _

from atiende.branding.selectors import branding_get
from atiende.core import clock
from atiende.core.exceptions import Invalid
from atiende.core.params import BadValue, parse_int
from atiende.tickets.api import attachment_response

from . import phrases, selectors, services
from .http import bearer, json_body, widget_endpoint, widget_language
from .models import ChatSession

SITE_CACHE_SECONDS = 30


def _allow(request: HttpRequest, site) -> None:
    services.origin_check(site=site, origin=request.headers.get("Origin"))
    request.chat_origin_allowed = True  # type: ignore[attr-defined]


def _session(request: HttpRequest, public_id: str) -> ChatSession:
    session = selectors.session_for_visitor(public_id=public_id, token=bearer(request))
    _allow(request, session.site)
    return session


@widget_endpoint("GET")
def site_view(request: HttpRequest, key: str) -> JsonResponse:
    site = selectors.site_get_by_key(key=key)
    _allow(request, site)
    brand = branding_get()
    available = selectors.site_availability(site=site)
    response = JsonResponse({
        "name": site.name or brand.name,
        "colour": brand.primary_color, "ink": brand.primary_ink,
        "available": available.open,
        "notice": "" if available.open else phrases.offline_notice(available, widget_language(request)),
        "stylesheet": request.build_absolute_uri(static("chat/widget.css")),
        "sessions": request.build_absolute_uri(reverse("chat:sessions", args=[site.key])),
        "phrases": phrases.widget_phrases(),
    })
    # Every page view of the company's site asks for this: a browser may keep it for a while.
    response["Cache-Control"] = f"private, max-age={SITE_CACHE_SECONDS}"
    return response


@widget_endpoint("POST")
def session_start_view(request: HttpRequest, key: str) -> JsonResponse:
    site = selectors.site_get_by_key(key=key)
    _allow(request, site)
    data = json_body(request)
    started = services.session_start(
        site=site, origin=request.headers.get("Origin"), name=_str(data, "name"), email=_str(data, "email"),
        question=data.get("question"), page_url=_str(data, "page_url"), page_title=_str(data, "page_title"),
        language=widget_language(request), proof=_str(data, "proof"),
    )
    session = started.session
    return JsonResponse({
        **_state(session),
        "id": session.public_id, "token": started.token,
        "socket": _socket_url(request, session),
        "notice": "" if started.available.open else phrases.offline_notice(started.available, session.language,
                                                                           ticket=session.ticket),
        "messages": [m.as_dict() for m in selectors.visitor_messages(session=session)],
    }, status=201)


@widget_endpoint("GET", "POST")
def messages_view(request: HttpRequest, public_id: str) -> JsonResponse:
    session = _session(request, public_id)
    if request.method == "POST":
        data = json_body(request)
        message = services.visitor_message_send(session=session, text=data.get("text"), client_id=_str(data, "id"))
        return JsonResponse({"message": selectors.visitor_message(message).as_dict()}, status=201)
    try:
        after = parse_int(request.GET.get("after", "0") or "0", minimum=0, maximum=2**62)
    except BadValue as exc:
        raise Invalid(fields={"after": str(exc)}) from None
    services.visitor_seen(session=session)
    return JsonResponse({**_state(session),
                         "messages": [m.as_dict() for m in selectors.visitor_messages(session=session, after=after)]})


@widget_endpoint("POST")
def files_view(request: HttpRequest, public_id: str) -> JsonResponse:
    session = _session(request, public_id)
    message = services.visitor_file_send(session=session, upload=request.FILES.get("file"),
                                         client_id=request.POST.get("id", ""))
    return JsonResponse({"message": selectors.visitor_message(message).as_dict()}, status=201)


@widget_endpoint("GET")
def file_view(request: HttpRequest, public_id: str, file_id: UUID) -> HttpResponse:
    session = _session(request, public_id)
    return attachment_response(selectors.visitor_attachment(session=session, public_id=file_id))


@widget_endpoint("POST")
def action_view(request: HttpRequest, public_id: str, action: str) -> JsonResponse:
    session = _session(request, public_id)
    data = json_body(request)
    if action == "typing":
        services.visitor_typing(session=session, typing=bool(data.get("typing")))
    elif action == "read":
        services.visitor_read(session=session, message_id=_int(data, "id"))
    elif action == "transcript":
        services.transcript_send(session=session)
    elif action == "end":
        services.session_end(session=session)
    elif action == "page":
        services.visitor_page(session=session, page_url=_str(data, "page_url"), page_title=_str(data, "page_title"))
    return JsonResponse(_state(session))


def _state(session: ChatSession) -> dict:
    return {
        "state": session.state,
        "agent": (session.agent.name.split() or [""])[0] if session.agent_id and session.agent else "",
        "agent_typing": selectors.agent_typing(ticket_id=session.ticket_id) if session.ticket_id else False,
        "agent_read_id": session.agent_read_id,
        "email": bool(session.email),
        "now": clock.now().isoformat(),
    }


def _socket_url(request: HttpRequest, session: ChatSession) -> str:
    scheme = "wss" if request.is_secure() else "ws"
    return f"{scheme}://{request.get_host()}/ws/chat/{session.public_id}/"


def _str(data: dict, name: str) -> str:
    value = data.get(name, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Invalid(fields={name: _("Expected text.")})
    return value


def _int(data: dict, name: str) -> int:
    value = data.get(name)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise Invalid(fields={name: _("Expected a whole number.")})
    return value
