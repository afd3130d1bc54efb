"""Escalation and consultations in the workspace: the ticket's tier page (escalate, ask, promise
the customer a time) and the agent's own consultations to answer, with their availability."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from atiende.accounts.models import Team, User
from atiende.core import clock
from atiende.core.exceptions import DomainError, NotFound
from atiende.core.params import is_id_text
from atiende.routing import selectors as routing_selectors
from atiende.routing import services as routing_services
from atiende.routing.models import Availability
from atiende.routing.permissions import can_manage_routing
from atiende.tickets import selectors as ticket_selectors
from atiende.tickets.services import message_create

from .views import agent_required, error_text


class EscalateForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ConsultForm(forms.Form):
    question = forms.CharField(label=gettext_lazy("Question"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    asked = forms.ChoiceField(label=gettext_lazy("Ask"))
    minutes = forms.IntegerField(label=gettext_lazy("Due in (business minutes)"), min_value=1, max_value=14400,
                                 initial=240)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        teams, agents = routing_selectors.consultation_targets(user=user)
        self.fields["asked"].choices = ([(f"team:{t.pk}", _("Team %(name)s") % {"name": t.name}) for t in teams]
                                        + [(f"agent:{a.pk}", a.name) for a in agents])

    def asked_objects(self) -> tuple[User | None, Team | None]:
        kind, _sep, pk = self.cleaned_data["asked"].partition(":")
        if kind == "agent":
            return User.objects.get(pk=int(pk)), None
        return None, Team.objects.get(pk=int(pk))


class PromiseForm(forms.Form):
    body = forms.CharField(label=gettext_lazy("Reply to the customer"), max_length=10_000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(forms.Form):
    answer = forms.CharField(label=gettext_lazy("Answer"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 3}))


def _promise_text(promise_at) -> str:
    when = formats.date_format(timezone.localtime(promise_at), "DATETIME_FORMAT")
    return _("Thank you for your patience. I am checking this with a specialist and will come back to you by "
             "%(when)s.") % {"when": when}


@agent_required
@require_http_methods(["GET", "POST"])
def ticket_tier_view(request: HttpRequest, number: int) -> HttpResponse:
    try:
        ticket = ticket_selectors.ticket_get_for_agent(user=request.user, number=number)
    except NotFound:  # another team's ticket, or no such number
        raise Http404() from None
    escalate_form, consult_form = EscalateForm(), ConsultForm(user=request.user)
    promise_form, status = None, 200
    try:
        if request.method == "POST" and request.POST.get("action") == "escalate":
            escalate_form = EscalateForm(request.POST)
            if escalate_form.is_valid():
                result = routing_services.ticket_escalate(actor=request.user, ticket=ticket,
                                                          reason=escalate_form.cleaned_data["reason"])
                messages.success(request, _("Escalated to %(team)s.") % {"team": result.ticket.team.name})
                return redirect("workspace:inbox")
            status = 400
        elif request.method == "POST" and request.POST.get("action") == "consult":
            consult_form = ConsultForm(request.POST, user=request.user)
            if consult_form.is_valid():
                agent, team = consult_form.asked_objects()
                asked = routing_services.consultation_open(
                    actor=request.user, ticket=ticket, question=consult_form.cleaned_data["question"], agent=agent,
                    team=team, minutes=consult_form.cleaned_data["minutes"])
                promise_form = PromiseForm(initial={"body": _promise_text(asked.promise_at)})
                consult_form = ConsultForm(user=request.user)
            else:
                status = 400
        elif request.method == "POST" and request.POST.get("action") == "promise":
            promise_form = PromiseForm(request.POST)
            if promise_form.is_valid():
                message_create(actor=request.user, ticket=ticket, body=promise_form.cleaned_data["body"])
                return redirect("tickets:detail", ticket.number)
            status = 400
    except DomainError as exc:
        messages.error(request, error_text(exc))
        status = exc.status
    consultations = routing_selectors.consultation_list_for_ticket(user=request.user, ticket=ticket)
    return render(request, "workspace/ticket_tier.html", {
        "ticket": ticket, "escalate_form": escalate_form, "consult_form": consult_form, "promise_form": promise_form,
        "consultations": consultations, "next_tier": ticket.team.escalation_team if ticket.team else None,
    }, status=status)


@agent_required
@require_http_methods(["GET", "POST"])
def consultations_view(request: HttpRequest) -> HttpResponse:
    """What colleagues asked me (or my teams), with the answer forms, and my availability."""
    status = 200
    if request.method == "POST":
        target = request.POST.get("consultation", "")
        form = AnswerForm(request.POST)
        if not is_id_text(target) or not form.is_valid():
            messages.error(request, _("Write the answer."))
            status = 400
        else:
            try:
                routing_services.consultation_answer(actor=request.user, consultation_id=int(target),
                                                     answer=form.cleaned_data["answer"])
                messages.success(request, _("Answer sent; it is on the ticket as an internal note."))
                return redirect("workspace:consultations")
            except DomainError as exc:
                messages.error(request, error_text(exc))
                status = exc.status
    profile = routing_services.profile_for(request.user)
    return render(request, "workspace/consultations.html", {
        "consultations": routing_selectors.consultations_asked_of(user=request.user), "answer_form": AnswerForm(),
        "profile": profile, "availability_choices": Availability.choices, "counts": _recent_counts(request.user),
    }, status=status)


COUNTS_DAYS = 30


def _recent_counts(user: User) -> routing_selectors.ConsultationCounts | None:
    """The "no sé" protocol's own figures for those who run routing: the last 30 days."""
    if not can_manage_routing(user):
        return None
    now = clock.now()
    return routing_selectors.consultation_counts(user=user, start=now - timedelta(days=COUNTS_DAYS), end=now)


@agent_required
@require_POST
def availability_view(request: HttpRequest) -> HttpResponse:
    try:
        routing_services.availability_set(actor=request.user, agent=request.user,
                                          availability=request.POST.get("availability", ""))
    except DomainError as exc:
        messages.error(request, error_text(exc))
    return redirect("workspace:consultations")
