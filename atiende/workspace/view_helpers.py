"""Small parsing and error helpers the workspace's record pages share (assets, maintenance,
appointments, returns, credits)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest

from atiende.accounts.permissions import is_staff_agent
from atiende.core.exceptions import DomainError, NotFound
from atiende.core.params import is_id_text


def staff_only(request: HttpRequest, allowed: bool = True) -> None:
    """Pages for agents and above, and `allowed` (a permission the page needs besides): else 404."""
    if not is_staff_agent(request.user) or not allowed:
        raise Http404()


def or_404(read, **kwargs) -> Any:
    try:
        return read(**kwargs)
    except NotFound:
        raise Http404() from None


def id_or_none(raw: str) -> int | None:
    return int(raw) if is_id_text(raw) and len(raw) < 18 else None


def error_text(exc: DomainError) -> str:
    return " ".join([str(exc.message)] if exc.message else [str(v) for v in exc.fields.values()]) or exc.code


def form_error(form, exc: DomainError) -> None:
    """A service's refusal on the form: on its fields where the form has them, else on the form."""
    for field, message in exc.fields.items():
        form.add_error(field if field in form.fields else None, str(message))
    if not exc.fields:
        form.add_error(None, str(exc.message or exc.code))
