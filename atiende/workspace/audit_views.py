"""The audit log in the workspace, for administrators (everyone else gets a 404): filters by
action, person and day, and the same entries as a CSV download (`?formato=csv`)."""

from __future__ import annotations

from datetime import datetime, time

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from atiende.accounts import selectors as accounts
from atiende.accounts.permissions import is_admin
from atiende.core.audit import ACTIONS
from atiende.core.csvexport import csv_response
from atiende.core.exceptions import Invalid
from atiende.core.params import is_id_text

from .views import agent_required

PAGE_ROWS = 200
CSV_ROWS = 50_000


def _since(raw: str) -> datetime | None:
    """A day (YYYY-MM-DD) read in the site's time zone, from its first instant."""
    try:
        day = datetime.strptime(raw, "%Y-%m-%d").date() if raw else None
    except ValueError:
        raise Invalid(fields={"desde": _("Use a date like 2026-12-01.")}) from None
    return timezone.make_aware(datetime.combine(day, time.min)) if day else None


@agent_required
@require_GET
def audit_log_view(request: HttpRequest) -> HttpResponse:
    if not is_admin(request.user):
        raise Http404()
    action, actor, since = (request.GET.get(name, "") for name in ("accion", "persona", "desde"))
    try:
        entries = accounts.audit_entries(user=request.user, action=action if action in ACTIONS else "",
                                         actor_id=int(actor) if is_id_text(actor) else None, since=_since(since))
        error = ""
    except Invalid as exc:
        entries, error = accounts.audit_entries(user=request.user), next(iter(exc.fields.values()))
    if request.GET.get("formato") == "csv" and not error:
        return csv_response("bitacora-de-auditoria.csv", accounts.AUDIT_COLUMNS, accounts.audit_table(entries[:CSV_ROWS]))
    context = {"entries": entries[:PAGE_ROWS], "limit": PAGE_ROWS, "actions": ACTIONS.items(), "action": action,
               "actors": accounts.agent_list(user=request.user), "actor": actor, "since": since, "error": error,
               "query": request.GET.urlencode()}
    return render(request, "workspace/audit_log.html", context, status=400 if error else 200)
