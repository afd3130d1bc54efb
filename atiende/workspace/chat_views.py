"""The agents' chat queue: waiting chats with the visitor's page and question, accept (within the
site's per-agent cap), transfer, end. The conversation itself is answered from the ticket page,
whose composer reaches the visitor live (the chat adapter). The queue's rows reload every few
seconds (htmx), and each reload keeps the agent counted as available for new chats."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from atiende.accounts.permissions import is_staff_agent
from atiende.chat import selectors as chat_selectors
from atiende.chat import services as chat_services
from atiende.core.exceptions import DomainError, NotFound
from atiende.core.params import is_id_text

from .views import agent_required

POLL_SECONDS = 5


def _queue(request: HttpRequest, *, error: DomainError | None = None, status: int = 200,
           template: str = "workspace/chat_queue.html") -> HttpResponse:
    if not is_staff_agent(request.user):
        raise Http404()
    chat_services.agent_at_queue(user=request.user)
    queue = chat_selectors.chat_queue(user=request.user)
    return render(request, template, {"queue": queue, "error": error, "poll_seconds": POLL_SECONDS}, status=status)


@agent_required
@require_GET
def chat_queue_view(request: HttpRequest) -> HttpResponse:
    return _queue(request)


@agent_required
@require_GET
def chat_queue_rows_view(request: HttpRequest) -> HttpResponse:
    return _queue(request, template="workspace/_chat_queue.html")


@agent_required
@require_POST
def chat_accept_view(request: HttpRequest, session_id: int) -> HttpResponse:
    try:
        session = chat_services.session_accept(actor=request.user, session_id=session_id)
    except NotFound:
        raise Http404() from None
    except DomainError as exc:
        return _queue(request, error=exc, status=exc.status)
    return redirect(reverse("tickets:detail", args=[session.ticket.number]))


@agent_required
@require_POST
def chat_transfer_view(request: HttpRequest, session_id: int) -> HttpResponse:
    # One select: "agent:<id>", "team:<id>", or "" for back to the queue.
    kind, _sep, target = request.POST.get("to", "").partition(":")
    try:
        chat_services.session_transfer(
            actor=request.user, session_id=session_id,
            to_agent_id=int(target) if kind == "agent" and is_id_text(target) else None,
            to_team_id=int(target) if kind == "team" and is_id_text(target) else None)
    except NotFound:
        raise Http404() from None
    except DomainError as exc:
        return _queue(request, error=exc, status=exc.status)
    return redirect("workspace:chat-queue")


@agent_required
@require_POST
def chat_end_view(request: HttpRequest, session_id: int) -> HttpResponse:
    try:
        session = chat_selectors.session_for_agent(user=request.user, session_id=session_id)
        chat_services.session_end(session=session, actor=request.user)
    except NotFound:
        raise Http404() from None
    except DomainError as exc:
        return _queue(request, error=exc, status=exc.status)
    return redirect("workspace:chat-queue")
