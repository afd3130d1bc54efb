"""The polling fallback for pages whose websocket is down (blocked by a proxy, reconnecting)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from atiende.core.errors import error_payload
from atiende.core.exceptions import Invalid, NotFound

from . import selectors, services


@never_cache
@require_http_methods(["GET", "POST"])
def ticket_state_view(request: HttpRequest, ticket_id: int) -> JsonResponse:
    """GET: {viewers, typing, last_message_id}. POST (`state`, `tab`): record this tab's presence
    first, then answer the same. 404 unless an agent who may see the ticket (CSRF applies)."""
    try:
        if request.method == "POST":
            services.presence_poll(
                user=request.user, ticket_id=ticket_id, tab=request.POST.get("tab", ""), activity=request.POST.get("state", ""),
            )
        state = selectors.ticket_live_state(user=request.user, ticket_id=ticket_id)
    except (NotFound, Invalid) as error:
        return JsonResponse(error_payload(error.code, error.message, error.fields), status=error.status)
    return JsonResponse(state.as_json())
