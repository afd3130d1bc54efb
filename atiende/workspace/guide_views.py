"""Authoring guided troubleshooters (decision trees) in the workspace: the list with "new guide",
and one editor page whose small forms each call one service (`action` names which)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from atiende.core.exceptions import DomainError, NotFound
from atiende.kb.selectors import article_list
from atiende.selfservice import selectors
from atiende.selfservice import services as guide_services
from atiende.selfservice.models import Outcome

from .views import agent_required, error_text

EDITS: dict[str, Callable[..., Any]] = {
    "update": lambda actor, guide, post: guide_services.troubleshooter_update(
        actor=actor, troubleshooter=guide, title=post.get("title", ""), language=post.get("language", ""),
        published=post.get("published") == "on"),
    "add_step": lambda actor, guide, post: guide_services.step_add(
        actor=actor, troubleshooter=guide, question=post.get("question", ""), article=post.get("article", "")),
    "remove_step": lambda actor, guide, post: guide_services.step_remove(
        actor=actor, troubleshooter=guide, step=post.get("step", "")),
    "add_answer": lambda actor, guide, post: guide_services.answer_add(
        actor=actor, troubleshooter=guide, step=post.get("step", ""), label=post.get("label", ""),
        outcome=post.get("outcome", ""), next_step=post.get("next_step", "")),
    "remove_answer": lambda actor, guide, post: guide_services.answer_remove(
        actor=actor, troubleshooter=guide, answer=post.get("answer", "")),
}


@agent_required
@require_http_methods(["GET", "POST"])
def guide_list_view(request: HttpRequest) -> HttpResponse:
    try:
        guides = selectors.troubleshooter_list(viewer=request.user)
        if request.method == "POST":
            guide = guide_services.troubleshooter_create(actor=request.user, title=request.POST.get("title", ""),
                                                         language=request.POST.get("language", "es"))
            return redirect("workspace:guide-edit", guide_id=guide.pk)
    except NotFound:
        raise Http404() from None
    except DomainError as exc:
        messages.error(request, error_text(exc))
        return render(request, "workspace/guide_list.html", {"guides": guides}, status=400)
    return render(request, "workspace/guide_list.html", {"guides": guides})


@agent_required
@require_http_methods(["GET", "POST"])
def guide_edit_view(request: HttpRequest, guide_id: int) -> HttpResponse:
    try:
        guide = selectors.troubleshooter_get_for_edit(viewer=request.user, troubleshooter_id=guide_id)
        if request.method == "POST":
            edit = EDITS.get(request.POST.get("action", ""))
            if edit is None:
                raise NotFound()
            edit(request.user, guide, request.POST)
            return redirect("workspace:guide-edit", guide_id=guide.pk)
    except NotFound:
        raise Http404() from None
    except DomainError as exc:
        messages.error(request, error_text(exc))
        return redirect("workspace:guide-edit", guide_id=guide.pk)
    articles = article_list(viewer=request.user, language=guide.language, status="published").select_related(None).only("id", "title")[:500]
    return render(request, "workspace/guide_edit.html", {"guide": guide, "articles": articles,
                                                         "outcomes": Outcome.choices})
