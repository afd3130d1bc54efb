"""Portal pages: each parses its input, calls one service or selector, and renders."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from atiende.accounts import throttle
from atiende.accounts.services import LoginThrottled, sign_in
from atiende.accounts.steps import after_password
from atiende.assets import selectors as assets
from atiende.assets.wording import coverage_label
from atiende.branding.selectors import branding_get
from atiende.core import clock
from atiende.core.exceptions import DomainError, Invalid, NotFound
from atiende.feedback import selectors as feedback
from atiende.maintenance import selectors as maintenance
from atiende.privacy.models import NoticeMoment
from atiende.privacy.selectors import notice_current
from atiende.privacy.services import notice_accept_shown
from atiende.selfservice import selectors as selfservice
from atiende.sla.selectors import customer_promise

from . import selectors, services
from .access import customer_page, landing_url, viewer_zone
from .formerrors import apply_domain_error
from .forms import LinkRequestForm, NewRequestForm, PasswordSignInForm, ReplyForm, SignupForm
from .privacy_views import after_sign_in

BACKEND = "atiende.accounts.backends.EmailBackend"


def _client_ip(request: HttpRequest) -> str:
    return throttle.client_ip(request)


def _throttled(response: HttpResponse, exc: LoginThrottled) -> HttpResponse:
    response["Retry-After"] = str(exc.retry_after)
    return response


def _site(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _next_or(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return fallback


def _login_page(request: HttpRequest, *, form=None, link_form=None, status: int = 200) -> HttpResponse:
    return render(request, "portal/login.html", {
        "form": form or PasswordSignInForm(), "link_form": link_form or LinkRequestForm(),
        "next": _next_or(request, ""), "allow_signup": branding_get().allow_signup,
    }, status=status)


# --- signing in ----------------------------------------------------------------------------------

@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    """Password sign-in. Customers land in the portal; an agent is sent on to the workspace."""
    if request.method == "GET":
        if request.user.is_authenticated:
            return redirect(landing_url(request.user))
        return _login_page(request)
    form = PasswordSignInForm(request.POST)
    if not form.is_valid():
        return _login_page(request, form=form, status=400)
    try:
        user = sign_in(email=form.cleaned_data["email"], password=form.cleaned_data["password"],
                       client_ip=_client_ip(request))
    except LoginThrottled as exc:
        form.add_error(None, _("Too many attempts. Try again in a few minutes."))
        return _throttled(_login_page(request, form=form, status=429), exc)
    if user is None:
        form.add_error(None, _("The email or password is not correct."))
        return _login_page(request, form=form, status=400)
    if not user.is_customer:  # an agent goes through the staff sign-in's steps (the second factor)
        return after_password(request, user, next_url=landing_url(user))
    login(request, user, backend=BACKEND)
    return redirect(after_sign_in(request, _next_or(request, landing_url(user))))


@require_POST
def link_request_view(request: HttpRequest) -> HttpResponse:
    """"Email me a sign-in link": the same answer whether or not the address has an account."""
    link_form = LinkRequestForm(request.POST)
    if not link_form.is_valid():
        return _login_page(request, link_form=link_form, status=400)
    email = link_form.cleaned_data["email"]
    try:
        services.sign_in_link_request(email=email, client_ip=_client_ip(request), site=_site(request),
                                      language=translation.get_language())
    except LoginThrottled as exc:
        link_form.add_error("email", _("Too many attempts. Try again in a few minutes."))
        return _throttled(_login_page(request, link_form=link_form, status=429), exc)
    return render(request, "portal/link_sent.html", {"email": email})


@require_http_methods(["GET", "POST"])
def link_view(request: HttpRequest, token: str) -> HttpResponse:
    """Opening the link shows a button; only pressing it signs in. Mail scanners that fetch
    every link in a message would otherwise use it up before the person does."""
    if request.method == "GET":
        valid = services.sign_in_link_check(token=token)
        return render(request, "portal/link.html", {"valid": valid}, status=200 if valid else 400)
    try:
        user = services.sign_in_link_use(token=token)
    except Invalid:
        return render(request, "portal/link.html", {"valid": False}, status=400)
    login(request, user, backend=BACKEND)
    return redirect(after_sign_in(request, reverse("portal:home")))


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("portal:login")


# --- signing up ----------------------------------------------------------------------------------

def _signup_allowed() -> None:
    if not branding_get().allow_signup:
        raise Http404()


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def signup_view(request: HttpRequest) -> HttpResponse:
    _signup_allowed()
    form = SignupForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.signup_request(**form.cleaned_data, client_ip=_client_ip(request), site=_site(request),
                                        language=translation.get_language(), allowed=True)
            except LoginThrottled as exc:
                form.add_error(None, _("Too many attempts. Try again in a few minutes."))
                return _throttled(render(request, "portal/signup.html", {"form": form, "notice": notice_current()},
                                         status=429), exc)
            except DomainError as exc:
                status = apply_domain_error(form, exc)
            else:
                return render(request, "portal/signup_sent.html", {"email": form.cleaned_data["email"]})
    return render(request, "portal/signup.html", {"form": form, "notice": notice_current()}, status=status)


@require_http_methods(["GET", "POST"])
def signup_confirm_view(request: HttpRequest, token: str) -> HttpResponse:
    _signup_allowed()
    if request.method == "GET":
        valid = services.signup_check(token=token)
        return render(request, "portal/signup_confirm.html", {"valid": valid, "notice": notice_current()},
                      status=200 if valid else 400)
    try:
        user = services.signup_confirm(token=token)
    except Invalid:
        return render(request, "portal/signup_confirm.html", {"valid": False}, status=400)
    # The version the confirmation page showed (its form carries it): accepted by signing up.
    notice_accept_shown(user=user, version=request.POST.get("aviso", ""), moment=NoticeMoment.SIGNUP)
    login(request, user, backend=BACKEND)
    messages.success(request, _("Your account is ready. Welcome!"))
    return redirect("portal:home")


# --- requests ------------------------------------------------------------------------------------

@customer_page
@require_GET
def home_view(request: HttpRequest) -> HttpResponse:
    page, rows = selectors.request_page(user=request.user, page=request.GET.get("pagina"))
    return render(request, "portal/home.html", {
        "page": page, "rows": rows, "show_requester": selectors.sees_organization(request.user), "nav": "home",
    })


@customer_page
@require_GET
def products_view(request: HttpRequest) -> HttpResponse:
    """"My products and services": what the customer (an organization's admin: the organization)
    has, with its coverage today, and the maintenance visits coming."""
    rows = [{"asset": c.asset, "coverage": c.coverage, "label": coverage_label(c.coverage)}
            for c in assets.covered_list(user=request.user, assets=assets.portal_assets(user=request.user))]
    return render(request, "portal/products.html", {
        "rows": rows, "nav": "products", "upcoming": maintenance.upcoming_for_customer(user=request.user)})


@customer_page
@require_http_methods(["GET", "POST"])
def new_view(request: HttpRequest) -> HttpResponse:
    # The help center's "contact us" link carries what the customer searched for (?asunto=).
    initial = {"subject": " ".join(request.GET.get("asunto", "").split())[:200]}
    form = NewRequestForm(request.POST or None, request.FILES or None, categories=selectors.category_choices(),
                           initial=initial, products=assets.asset_choices(user=request.user))
    status, suggestions = 200, None
    if request.method == "POST" and "search_help" in request.POST:
        # "Search help" without JavaScript: the same suggestions the page fetches as one types.
        suggestions = selfservice.suggestions_for_request(
            viewer=request.user, subject=request.POST.get("subject", ""),
            description=request.POST.get("description", ""), language=translation.get_language() or "")
        form = NewRequestForm(initial=request.POST.dict(), categories=selectors.category_choices(),
                              products=assets.asset_choices(user=request.user))
    elif request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                ticket = services.request_create(actor=request.user, subject=data["subject"],
                                                 description=data["description"], category=data.get("category", ""),
                                                 uploads=data["attachments"], language=translation.get_language() or "",
                                                 asset_id=data.get("asset") or None)
            except DomainError as exc:
                status = apply_domain_error(form, exc, aliases={"body": "description", "custom_fields": "category"})
            else:
                return redirect("portal:created", number=ticket.number)
    return render(request, "portal/new.html", {"form": form, "nav": "new", "suggestions": suggestions,
                                               "searched": suggestions is not None}, status=status)


def _request_or_404(request: HttpRequest, number: int):
    try:
        return selectors.request_get(user=request.user, number=number)
    except NotFound:
        raise Http404() from None


@customer_page
@require_GET
def created_view(request: HttpRequest, number: int) -> HttpResponse:
    ticket = _request_or_404(request, number)
    promise = customer_promise(ticket=ticket, now=clock.now(), time_zone=viewer_zone(request.user))
    return render(request, "portal/created.html", {"ticket": ticket, "promise": promise})


def _request_page(request: HttpRequest, ticket, *, form: ReplyForm | None = None, status: int = 200) -> HttpResponse:
    view = selectors.request_view(user=request.user, ticket=ticket)
    survey = feedback.portal_survey(user=request.user, ticket=ticket)
    return render(request, "portal/request.html", {
        "view": view, "ticket": ticket, "form": form or ReplyForm(), "survey": survey,
        "survey_url": feedback.survey_path(survey) if survey else "",
    }, status=status)


@customer_page
@require_GET
def request_view(request: HttpRequest, number: int) -> HttpResponse:
    return _request_page(request, _request_or_404(request, number))


@customer_page
@require_POST
def reply_view(request: HttpRequest, number: int) -> HttpResponse:
    ticket = _request_or_404(request, number)
    form = ReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        return _request_page(request, ticket, form=form, status=400)
    try:
        message = services.request_reply(actor=request.user, ticket=ticket, body=form.cleaned_data["body"],
                                         uploads=form.cleaned_data["attachments"])
    except DomainError as exc:
        status = apply_domain_error(form, exc)
        return _request_page(request, ticket, form=form, status=status)
    messages.success(request, _("Your reply was sent."))
    return redirect(reverse("portal:request", args=[ticket.number]) + f"#m{message.pk}")


@customer_page
@require_POST
def status_view(request: HttpRequest, number: int) -> HttpResponse:
    ticket = _request_or_404(request, number)
    action = request.POST.get("action", "")
    try:
        services.request_status_change(actor=request.user, ticket=ticket, action=action)
    except DomainError as exc:
        messages.error(request, str(exc.message or exc.fields.get("status") or _("This change is not possible now.")))
        return _request_page(request, _request_or_404(request, number), status=exc.status)
    done = {"solve": _("Marked as solved. Thank you!"), "reopen": _("Your request is open again.")}
    messages.success(request, done[action])
    return redirect("portal:request", number=ticket.number)
