"""Outbound webhooks in the workspace (administrators): subscriptions, their delivery log with
each attempt's request, answer and timing, and "send again". The secret is shown once, on the
page that answers its creation; afterwards it can only be replaced. Writes go through webhooks'
services."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from atiende.core.exceptions import DomainError
from atiende.webhooks import selectors, services
from atiende.webhooks.events import EVENTS
from atiende.webhooks.models import DeliveryStatus, Subscription
from atiende.webhooks.permissions import can_manage_webhooks

from .admin_pages import allowed_for, posted, show_error
from .views import error_text

admins_only = allowed_for(can_manage_webhooks)
LOG_ROWS = 100


class SubscriptionForm(forms.Form):
    url = forms.CharField(label=gettext_lazy("URL"), max_length=2000,
                          help_text=gettext_lazy("https://… where the events are posted."))
    description = forms.CharField(label=gettext_lazy("Description"), max_length=200, required=False)
    events = forms.MultipleChoiceField(label=gettext_lazy("Events"), choices=list(EVENTS.items()),
                                       widget=forms.CheckboxSelectMultiple)
    secret = forms.CharField(label=gettext_lazy("Signing secret"), max_length=200, required=False, strip=False,
                             widget=forms.PasswordInput(render_value=False))
    active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)

    def __init__(self, *args, creating: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["secret"].help_text = (
            _("16 to 200 characters; leave it blank and one is made for you, shown once.") if creating
            else _("Write a new one to replace it; blank keeps the current secret."))


@admins_only
@require_GET
def webhooks_view(request: HttpRequest) -> HttpResponse:
    return render(request, "workspace/webhooks.html", {"subscriptions": selectors.subscription_list(user=request.user)})


def _editor(request: HttpRequest, form: SubscriptionForm, subscription: Subscription | None,
            status: int = 200) -> HttpResponse:
    return render(request, "workspace/webhook_edit.html", {"form": form, "subscription": subscription}, status=status)


@admins_only
@never_cache
@require_http_methods(["GET", "POST"])
def webhook_new_view(request: HttpRequest) -> HttpResponse:
    form = SubscriptionForm(posted(request), creating=True)
    if request.method == "GET":
        return _editor(request, form, None)
    if not form.is_valid():
        return _editor(request, form, None, status=400)
    try:
        subscription = services.subscription_create(actor=request.user, **form.cleaned_data)
    except DomainError as exc:
        show_error(form, exc)
        return _editor(request, form, None, status=exc.status)
    # The one time the secret is shown: on this answer, never stored in a message or the session.
    return render(request, "workspace/webhook_created.html", {"subscription": subscription}, status=201)


@admins_only
@require_http_methods(["GET", "POST"])
def webhook_edit_view(request: HttpRequest, webhook_id: int) -> HttpResponse:
    subscription = selectors.subscription_get(user=request.user, subscription_id=webhook_id)
    if request.method == "GET":
        initial = {name: getattr(subscription, name) for name in ("url", "description", "events", "active")}
        return _editor(request, SubscriptionForm(initial=initial, creating=False), subscription)
    form = SubscriptionForm(request.POST, creating=False)
    if not form.is_valid():
        return _editor(request, form, subscription, status=400)
    try:
        services.subscription_update(actor=request.user, subscription=subscription, **form.cleaned_data)
    except DomainError as exc:
        show_error(form, exc)
        return _editor(request, form, subscription, status=exc.status)
    messages.success(request, _("Webhook saved."))
    return redirect("workspace:webhooks")


@admins_only
@require_POST
def webhook_delete_view(request: HttpRequest, webhook_id: int) -> HttpResponse:
    subscription = selectors.subscription_get(user=request.user, subscription_id=webhook_id)
    services.subscription_delete(actor=request.user, subscription=subscription)
    messages.success(request, _("Webhook deleted with its delivery log."))
    return redirect("workspace:webhooks")


@admins_only
@require_GET
def deliveries_view(request: HttpRequest, webhook_id: int) -> HttpResponse:
    subscription = selectors.subscription_get(user=request.user, subscription_id=webhook_id)
    status = request.GET.get("estado", "")
    status = status if status in DeliveryStatus.values else ""
    deliveries = selectors.delivery_list(user=request.user, subscription=subscription, status=status)
    return render(request, "workspace/webhook_deliveries.html", {
        "subscription": subscription, "deliveries": deliveries.order_by("-created_at", "-id")[:LOG_ROWS],
        "status": status, "statuses": DeliveryStatus.choices, "limit": LOG_ROWS})


@admins_only
@require_GET
def delivery_view(request: HttpRequest, webhook_id: int, delivery_uuid: uuid.UUID) -> HttpResponse:
    subscription = selectors.subscription_get(user=request.user, subscription_id=webhook_id)
    delivery = selectors.delivery_get(user=request.user, subscription=subscription, public_id=delivery_uuid)
    return render(request, "workspace/webhook_delivery.html", {
        "subscription": subscription, "delivery": delivery, "attempts": selectors.attempt_list(delivery)})


@admins_only
@require_POST
def redeliver_view(request: HttpRequest, webhook_id: int, delivery_uuid: uuid.UUID) -> HttpResponse:
    subscription = selectors.subscription_get(user=request.user, subscription_id=webhook_id)
    try:
        services.delivery_redeliver(actor=request.user, subscription=subscription, public_id=delivery_uuid)
    except DomainError as exc:
        if exc.status == 404:
            raise
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Sending again now; the attempt appears below when it is done."))
    return redirect("workspace:webhook-delivery", webhook_id=subscription.pk, delivery_uuid=delivery_uuid)
