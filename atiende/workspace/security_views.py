"""The staff user's own security pages (two-step verification, signed-in sessions, API tokens,
password) and the administrators' page (which roles must use two-step verification, resetting
someone's). Writes go through atiende.signin's and accounts' services."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from atiende.accounts.models import Role
from atiende.accounts.selectors import token_list
from atiende.accounts.services import token_expires_at, token_revoke
from atiende.accounts.throttle import LoginThrottled, client_ip
from atiende.core.exceptions import DomainError
from atiende.signin import selectors, services
from atiende.signin.enrolment import enrolment_for
from atiende.signin.forms import AppCodeForm, CodeForm
from atiende.signin.permissions import POLICY_FIELDS, can_manage_two_factor, uses_staff_sign_in
from atiende.signin.views import code_refused

from .admin_pages import allowed_for, show_error

admins_only = allowed_for(can_manage_two_factor)
staff_only = allowed_for(uses_staff_sign_in)  # a refused id (someone else's token, session) is a 404


def _answer(request, template, context, status=200, headers=None) -> HttpResponse:
    response = render(request, template, context, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _code_post(request: HttpRequest, form: forms.Form, action) -> tuple[object | None, int, dict[str, str]]:
    """Run `action(code)` for a posted code form: (its result, 200, {}) or (None, status, headers)."""
    if not form.is_valid():
        return None, 400, {}
    try:
        return action(form.cleaned_data["code"]), 200, {}
    except (DomainError, LoginThrottled) as exc:
        status, headers = code_refused(form, exc)
        return None, status, headers


# --- two-step verification --------------------------------------------------------------------------

def _two_factor_page(request: HttpRequest, *, renew: CodeForm | None = None, disable: CodeForm | None = None,
                     status: int = 200, headers: dict[str, str] | None = None) -> HttpResponse:
    """The status page; a refused form comes back bound, with its error, the other one fresh."""
    user = request.user
    return _answer(request, "workspace/two_factor.html", {
        "enabled": selectors.has_second_factor(user), "required": selectors.role_requires_second_factor(user),
        "codes_left": selectors.recovery_codes_left(user),
        "renew_form": renew or CodeForm(auto_id="renew_%s"), "disable_form": disable or CodeForm(auto_id="disable_%s"),
    }, status, headers)


@never_cache
@staff_only
@require_GET
def two_factor_view(request: HttpRequest) -> HttpResponse:
    return _two_factor_page(request)


@never_cache
@sensitive_post_parameters("code")
@staff_only
@require_http_methods(["GET", "POST"])
def two_factor_enrol_view(request: HttpRequest) -> HttpResponse:
    if selectors.has_second_factor(request.user):
        return redirect("workspace:two-factor")
    device = services.totp_enrol_start(user=request.user)
    form = AppCodeForm(request.POST or None)
    status = 200
    headers: dict[str, str] = {}
    if request.method == "POST":
        ip = client_ip(request)
        codes, status, headers = _code_post(request, form, lambda code: services.totp_enrol_confirm(
            user=request.user, code=code, client_ip=ip))
        if codes is not None:
            return render(request, "workspace/two_factor_codes.html", {"codes": codes})
    context = {"form": form, "enrolment": enrolment_for(device, request.user, issuer=settings.SITE_NAME)}
    return _answer(request, "workspace/two_factor_enrol.html", context, status, headers)


@never_cache
@sensitive_post_parameters("code")
@staff_only
@require_POST
def two_factor_disable_view(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST, auto_id="disable_%s")
    ip = client_ip(request)
    done, status, headers = _code_post(request, form, lambda code: services.two_factor_disable(
        user=request.user, code=code, client_ip=ip) or True)
    if done:
        messages.success(request, _("Two-step verification is off."))
        return redirect("workspace:two-factor")
    return _two_factor_page(request, disable=form, status=status, headers=headers)


@never_cache
@sensitive_post_parameters("code")
@staff_only
@require_POST
def recovery_codes_view(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST, auto_id="renew_%s")
    ip = client_ip(request)
    codes, status, headers = _code_post(request, form, lambda code: services.recovery_codes_renew(
        user=request.user, code=code, client_ip=ip))
    if codes is not None:
        return render(request, "workspace/two_factor_codes.html", {"codes": codes})
    return _two_factor_page(request, renew=form, status=status, headers=headers)


# --- sessions -----------------------------------------------------------------------------------------

@never_cache
@staff_only
@require_GET
def sessions_view(request: HttpRequest) -> HttpResponse:
    return render(request, "workspace/sessions.html", {
        "sessions": selectors.session_list(user=request.user), "current": request.session.session_key})


@staff_only
@require_POST
def session_revoke_view(request: HttpRequest, login_session_id: int) -> HttpResponse:
    services.session_revoke(actor=request.user, session_id=login_session_id)  # NotFound (404) for anyone else's
    messages.success(request, _("The session was signed out."))
    return redirect("workspace:sessions")


@staff_only
@require_POST
def sessions_revoke_others_view(request: HttpRequest) -> HttpResponse:
    ended = services.sessions_revoke_others(actor=request.user, keep_session_key=request.session.session_key or "")
    messages.success(request, _("Other sessions signed out: %(count)s.") % {"count": ended})
    return redirect("workspace:sessions")


# --- API tokens ---------------------------------------------------------------------------------------

@never_cache
@staff_only
@require_GET
def tokens_view(request: HttpRequest) -> HttpResponse:
    rows = [(token, token_expires_at(token)) for token in token_list(user=request.user)]
    return render(request, "workspace/tokens.html", {"tokens": rows})


@staff_only
@require_POST
def token_revoke_view(request: HttpRequest, token_id: int) -> HttpResponse:
    token_revoke(actor=request.user, token_id=token_id)  # NotFound (404) for anyone else's
    messages.success(request, _("The API token was revoked."))
    return redirect("workspace:tokens")


# --- password -----------------------------------------------------------------------------------------

class PasswordChangeForm(forms.Form):
    current = forms.CharField(label=gettext_lazy("Current password"), max_length=1024, strip=False,
                              widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    new = forms.CharField(label=gettext_lazy("New password"), max_length=1024, strip=False,
                          widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))


@never_cache
@sensitive_post_parameters("current", "new")
@staff_only
@require_http_methods(["GET", "POST"])
def password_view(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.password_change(user=request.user, current=form.cleaned_data["current"],
                                         new=form.cleaned_data["new"], keep_session_key=request.session.session_key or "")
            except DomainError as exc:
                show_error(form, exc)
            else:
                update_session_auth_hash(request, request.user)  # this session stays signed in
                messages.success(request, _("Your password was changed. Your other sessions were signed out."))
                return redirect("workspace:password")
    return render(request, "workspace/password.html", {"form": form}, status=status)


# --- administrators --------------------------------------------------------------------------------

class PolicyForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=gettext_lazy("Roles that must use two-step verification"), required=False,
        choices=[(role.value, role.label) for role in (Role.ADMIN, Role.SUPERVISOR, Role.AGENT)],
        widget=forms.CheckboxSelectMultiple)


@never_cache
@admins_only
@require_http_methods(["GET", "POST"])
def security_view(request: HttpRequest) -> HttpResponse:
    policy = selectors.policy_get()
    initial = [role for role, field in POLICY_FIELDS.items() if getattr(policy, field)]
    form = PolicyForm(request.POST or None, initial={"roles": initial})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.policy_update(actor=request.user, required_roles=set(form.cleaned_data["roles"]))
            except DomainError as exc:
                show_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Saved."))
                return redirect("workspace:security")
    return render(request, "workspace/security.html", {
        "form": form, "agents": selectors.two_factor_overview(actor=request.user)}, status=status)


@admins_only
@require_POST
def two_factor_reset_view(request: HttpRequest, user_id: int) -> HttpResponse:
    services.two_factor_reset(actor=request.user, user_id=user_id)
    messages.success(request, _("Two-step verification was reset. They set it up again at their next sign-in if their role requires it."))
    return redirect("workspace:security")
