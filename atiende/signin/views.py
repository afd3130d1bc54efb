"""The second step of the staff sign-in: a code (or a recovery code), or enrolment first when
the user's role requires it. The session is not signed in until the step is passed
(accounts/steps.py)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from atiende.accounts.steps import after_password, pending_finish, pending_user
from atiende.accounts.throttle import LoginThrottled, client_ip
from atiende.core.exceptions import DomainError

from . import oidc, password_reset, services
from .enrolment import enrolment_for
from .forms import AppCodeForm, CodeForm, NewPasswordForm, ResetRequestForm
from .oidc import SsoFailure
from .selectors import has_second_factor
from .steps import SECOND_FACTOR_STEP


def code_refused(form, exc: Exception) -> tuple[int, dict[str, str]]:
    """A refused code on the form: the status and headers to answer with."""
    if isinstance(exc, LoginThrottled):
        form.add_error(None, _("Too many attempts. Try again in a few minutes."))
        return 429, {"Retry-After": str(exc.retry_after)}
    form.add_error("code", str(getattr(exc, "message", "") or exc))
    return getattr(exc, "status", 400), {}


def _answer(request: HttpRequest, template: str, context: dict, status: int = 200,
            headers: dict[str, str] | None = None) -> HttpResponse:
    response = render(request, template, context, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def verify_view(request: HttpRequest) -> HttpResponse:
    user = pending_user(request)
    if user is None or not has_second_factor(user):
        return redirect("accounts:login")
    form = CodeForm(request.POST or None)
    status = 200
    headers: dict[str, str] = {}
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.second_factor_verify(user=user, code=form.cleaned_data["code"], client_ip=client_ip(request))
            except (DomainError, LoginThrottled) as exc:
                status, headers = code_refused(form, exc)
            else:
                return redirect(pending_finish(request, user))
    return _answer(request, "signin/verify.html", {"form": form}, status, headers)


@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def enrol_view(request: HttpRequest) -> HttpResponse:
    """Enrolment inside the sign-in (the role requires it); the recovery codes are shown once,
    on the answer that signs the user in."""
    user = pending_user(request)
    if user is None or has_second_factor(user):
        return redirect("accounts:login")
    device = services.totp_enrol_start(user=user)
    form = AppCodeForm(request.POST or None)
    status = 200
    headers: dict[str, str] = {}
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                codes = services.totp_enrol_confirm(user=user, code=form.cleaned_data["code"], client_ip=client_ip(request))
            except (DomainError, LoginThrottled) as exc:
                status, headers = code_refused(form, exc)
            else:
                target = pending_finish(request, user)
                return render(request, "signin/recovery_codes.html", {"codes": codes, "next": target})
    context = {"form": form, "enrolment": enrolment_for(device, user, issuer=settings.SITE_NAME)}
    return _answer(request, "signin/enrol.html", context, status, headers)


# --- password reset ---------------------------------------------------------------------------------

@never_cache
@require_http_methods(["GET", "POST"])
def password_reset_view(request: HttpRequest) -> HttpResponse:
    """The same answer, in the same time, for every address (password_reset module)."""
    form = ResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            password_reset.password_reset_request(email=form.cleaned_data["email"], client_ip=client_ip(request),
                                                  site=request.build_absolute_uri("/"), language=get_language())
        except LoginThrottled as exc:
            form.add_error(None, _("Too many attempts. Try again in a few minutes."))
            return _answer(request, "signin/password_reset.html", {"form": form}, 429,
                           {"Retry-After": str(exc.retry_after)})
        return render(request, "signin/password_reset_sent.html", {"email": form.cleaned_data["email"]})
    status = 400 if request.method == "POST" else 200
    return _answer(request, "signin/password_reset.html", {"form": form}, status)


@never_cache
@sensitive_post_parameters("new")
@require_http_methods(["GET", "POST"])
def password_reset_confirm_view(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    user = password_reset.password_reset_user(uidb64=uidb64, token=token)
    if user is None:
        return render(request, "signin/password_reset_confirm.html", {"valid": False}, status=400)
    form = NewPasswordForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                password_reset.password_reset_complete(user=user, new=form.cleaned_data["new"])
            except DomainError as exc:
                form.add_error("new", str(exc.message))
            else:
                messages.success(request, _("Your password was changed. Sign in with it."))
                return redirect("accounts:login")
    return render(request, "signin/password_reset_confirm.html", {"valid": True, "form": form}, status=status)


# --- single sign-on (OpenID Connect, decision 0049) ------------------------------------------------

def _sso_failed(request: HttpRequest, exc: SsoFailure) -> HttpResponse:
    return render(request, "signin/sso_failed.html", {"message": exc.message}, status=exc.status)


def _callback_uri(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("signin:sso-callback"))


@never_cache
@require_POST
def sso_start_view(request: HttpRequest) -> HttpResponse:
    """The button on the sign-in page: off to the provider (a POST with CSRF, so no other site
    can start a sign-in in someone's browser)."""
    if oidc.configured_provider() is None:
        raise Http404
    target = request.POST.get("next") or ""
    safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    try:
        return redirect(services.sso_start(session=request.session, redirect_uri=_callback_uri(request),
                                           next_url=target if safe else "/"))
    except SsoFailure as exc:
        return _sso_failed(request, exc)


@never_cache
@require_GET
def sso_callback_view(request: HttpRequest) -> HttpResponse:
    """The provider sends the browser back here; then the same steps as after a password."""
    if oidc.configured_provider() is None:
        raise Http404
    try:
        result = services.sso_complete(session=request.session, query=request.GET, redirect_uri=_callback_uri(request))
    except SsoFailure as exc:
        return _sso_failed(request, exc)
    skip = [SECOND_FACTOR_STEP] if result.provider_mfa else []
    return after_password(request, result.user, next_url=result.next_url, skip=skip)
