from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from .forms import LoginForm
from .services import LoginThrottled, sign_in
from .steps import after_password
from .throttle import client_ip


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return "/"


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    status, headers = 200, {}
    if request.method == "POST" and form.is_valid():
        try:
            user = sign_in(email=form.cleaned_data["email"], password=form.cleaned_data["password"],
                           client_ip=client_ip(request))
        except LoginThrottled as exc:
            form.add_error(None, _("Too many attempts. Try again in a few minutes."))
            status, headers = 429, {"Retry-After": str(exc.retry_after)}
        else:
            if user is not None:  # "/" sends agents to the inbox, customers to the portal
                return after_password(request, user, next_url=_safe_next(request))
            form.add_error(None, _("The email or password is not correct."))
            status = 400 if status == 200 else status
    response = render(request, "accounts/login.html", {"form": form, "next": _safe_next(request)}, status=status)
    for name, value in headers.items():
        response[name] = value
    return response


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:login")
