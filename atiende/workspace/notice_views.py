"""The workspace's notice pages (supervisors and administrators): the list, the composer with its
audience count, the notice page (preview for one sample recipient, the reply checker's findings,
test send, send, progress), and the notices box on the customer page. Parse, call one service or
selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from atiende.assets.models import Asset
from atiende.core.exceptions import DomainError
from atiende.customers.selectors import customer_get
from atiende.notices import selectors as notices
from atiende.notices import services as notice_services
from atiende.notices.models import Notice, NoticeState
from atiende.notices.permissions import can_manage_notices
from atiende.notices.services import NOTICE_FIELDS

from .notice_check import notice_findings
from .notice_forms import NoticeForm
from .view_helpers import form_error, or_404, staff_only
from .views import agent_required


def _managers_only(request: HttpRequest) -> None:
    if not can_manage_notices(request.user):
        raise Http404()


def _values(form: NoticeForm) -> dict[str, Any]:
    values = {name: form.cleaned_data[name] for name in NOTICE_FIELDS if name != "asset"}
    asset_id = form.cleaned_data["asset"]
    values["asset"] = Asset.objects.filter(pk=asset_id).first() if asset_id else None
    if asset_id and values["asset"] is None:
        form.add_error("asset", _("No asset has this number."))
    return values


@agent_required
@require_GET
def notice_list_view(request: HttpRequest) -> HttpResponse:
    _managers_only(request)
    return render(request, "workspace/notices.html", {"notices": notices.notice_rows(user=request.user)[:100]})


@agent_required
@require_http_methods(["GET", "POST"])
def notice_new_view(request: HttpRequest) -> HttpResponse:
    _managers_only(request)
    form = NoticeForm(request.POST or None)
    count = None
    if request.method == "POST" and form.is_valid():
        values = _values(form)
        if request.POST.get("action") == "count" and not form.errors:
            count = notices.audience_count(Notice(**values))
        elif not form.errors:
            try:
                notice = notice_services.notice_create(actor=request.user, **values)
            except DomainError as exc:
                form_error(form, exc)
            else:
                messages.success(request, _("Notice saved as a draft. Check the preview, then send it."))
                return redirect("workspace:notice-detail", notice_id=notice.pk)
    status = 400 if request.method == "POST" and form.errors else 200
    return render(request, "workspace/notice_edit.html", {"form": form, "count": count}, status=status)


@agent_required
@require_http_methods(["GET", "POST"])
def notice_detail_view(request: HttpRequest, notice_id: int) -> HttpResponse:
    _managers_only(request)
    notice = or_404(notices.notice_get, user=request.user, notice_id=notice_id)
    form = None
    if notice.state == NoticeState.DRAFT:
        initial = {name: getattr(notice, name) for name in NOTICE_FIELDS}
        initial.update(plan=notice.plan_id, organization=notice.organization_id, product=notice.product_id,
                       asset=notice.asset_id)
        form = NoticeForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid() and not form.errors:
            values = _values(form)
            try:
                if not form.errors:
                    notice = notice_services.notice_update(actor=request.user, notice=notice, changes=values)
                    messages.success(request, _("Notice saved."))
                    return redirect("workspace:notice-detail", notice_id=notice.pk)
            except DomainError as exc:
                form_error(form, exc)
    elif request.method == "POST":
        messages.error(request, _("This notice was already sent; it can no longer change."))
        return redirect("workspace:notice-detail", notice_id=notice.pk)
    preview = notices.notice_preview(user=request.user, notice=notice)
    context = {"notice": notice, "form": form, "preview": preview, "findings": notice_findings(request.user, notice, preview),
               "count": notices.audience_count(notice) if notice.state == NoticeState.DRAFT else None,
               "progress": notices.notice_progress(notice)}
    return render(request, "workspace/notice_detail.html", context,
                  status=400 if form is not None and form.errors else 200)


@agent_required
@require_POST
def notice_test_view(request: HttpRequest, notice_id: int) -> HttpResponse:
    _managers_only(request)
    notice = or_404(notices.notice_get, user=request.user, notice_id=notice_id)
    try:
        address = notice_services.notice_test_send(actor=request.user, notice=notice)
    except DomainError as exc:
        messages.error(request, str(exc.message or exc.code))
    else:
        messages.success(request, _("Test sent to %(address)s.") % {"address": address})
    return redirect("workspace:notice-detail", notice_id=notice.pk)


@agent_required
@require_POST
def notice_send_view(request: HttpRequest, notice_id: int) -> HttpResponse:
    _managers_only(request)
    notice = or_404(notices.notice_get, user=request.user, notice_id=notice_id)
    try:
        queued = notice_services.notice_send(actor=request.user, notice=notice)
    except DomainError as exc:
        messages.error(request, str(exc.message or exc.code))
        return redirect("workspace:notice-detail", notice_id=notice.pk)
    messages.success(request, _("Sending the notice: %(count)s messages queued.") % {"count": queued})
    return redirect("workspace:notice-detail", notice_id=notice.pk)


@agent_required
@require_GET
def customer_notices_view(request: HttpRequest, customer_id: int) -> HttpResponse:
    staff_only(request)
    customer = or_404(customer_get, user=request.user, customer_id=customer_id)
    return render(request, "workspace/_customer_notices.html", {
        "customer": customer, "rows": notices.customer_notices(user=request.user, customer=customer),
        "opted_out": notices.customer_opted_out(customer)})
