"""What the configuration pages (routing, macros, webhooks) share: who may open them, and a
service's refusal shown on the form, next to the field it names."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from atiende.core.exceptions import DomainError, Forbidden, NotFound

from .views import agent_required, error_text


def allowed_for(check: Callable[[Any], bool]) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Agents for whom `check` holds (others get a 404, as for an id they may not see); an object
    the selectors refuse is a 404 too."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @agent_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not check(request.user):
                raise Http404()
            try:
                return view(request, *args, **kwargs)
            except (NotFound, Forbidden):
                raise Http404() from None

        return wrapped

    return decorate


def show_error(form: forms.Form, exc: DomainError, names: Mapping[str, str] | None = None) -> None:
    """The service's message on the field it names (`names` maps its field names to the form's);
    on the form as a whole when it names none the form has."""
    placed = False
    for field, message in exc.fields.items():
        name = (names or {}).get(field, field)
        if name in form.fields:
            form.add_error(name, str(message))
            placed = True
    if not placed:
        form.add_error(None, error_text(exc))


def posted(request: HttpRequest) -> Any:
    """The form's data on a POST (even an empty one: its fields are then required), else None."""
    return request.POST if request.method == "POST" else None


def submit(request: HttpRequest, form: forms.Form, save: Callable[[dict[str, Any]], Any], *, done: str,
           to: str) -> int | HttpResponse:
    """A configuration form's POST: saved through `save(cleaned_data)`, then `done` and a redirect
    to `to`; otherwise the status to render the form with (200 on a GET, 400 when invalid, the
    service's own when it refuses, its message on the field it names)."""
    if request.method != "POST":
        return 200
    if not form.is_valid():
        return 400
    try:
        save(form.cleaned_data)
    except DomainError as exc:
        show_error(form, exc)
        return exc.status
    messages.success(request, done)
    return redirect(to)
