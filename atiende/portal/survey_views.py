"""The satisfaction survey page, opened from the emailed link or the request's page.

Public (the signed link is the key): a GET only shows the form, with the rating from the link
chosen; only the form's POST records an answer, because mail scanners open every link."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from atiende.core.exceptions import DomainError
from atiende.feedback import selectors as feedback
from atiende.feedback import services as surveys


@require_http_methods(["GET", "POST"])
def survey_view(request: HttpRequest, token: str) -> HttpResponse:
    found = feedback.survey_for_token(token)
    if found.survey is None:
        return render(request, "portal/survey.html", {"problem": found.problem}, status=400 if found.problem == "invalid" else 410)
    context = {"survey": found.survey, "token": token, "ratings": surveys.rating_labels(), "errors": {}}
    if request.method == "GET":
        context["chosen"] = surveys.clean_rating(request.GET.get("rating")) or found.survey.rating
        context["comment"] = found.survey.comment
        return render(request, "portal/survey.html", context)
    try:
        survey = surveys.survey_answer(survey=found.survey, rating=request.POST.get("rating"),
                                       comment=request.POST.get("comment", ""))
    except DomainError as exc:
        context.update(errors=exc.fields, chosen=surveys.clean_rating(request.POST.get("rating")),
                       comment=request.POST.get("comment", ""))
        return render(request, "portal/survey.html", context, status=exc.status)
    return render(request, "portal/survey.html", {"survey": survey, "thanks": True})


@require_http_methods(["GET", "POST"])
def nps_view(request: HttpRequest, token: str) -> HttpResponse:
    """The NPS question (0–10 and the reason), as the CSAT page: GET shows, only POST records."""
    found = feedback.nps_for_token(token)
    if found.survey is None:
        return render(request, "portal/nps.html", {"problem": found.problem},
                      status=400 if found.problem == "invalid" else 410)
    context = {"survey": found.survey, "token": token, "scores": range(11), "errors": {}}
    if request.method == "GET":
        chosen = surveys.clean_score(request.GET.get("score"))
        context["chosen"] = found.survey.score if chosen is None else chosen
        context["comment"] = found.survey.comment
        return render(request, "portal/nps.html", context)
    try:
        survey = surveys.nps_answer(survey=found.survey, score=request.POST.get("score"),
                                    comment=request.POST.get("comment", ""))
    except DomainError as exc:
        context.update(errors=exc.fields, chosen=surveys.clean_score(request.POST.get("score")),
                       comment=request.POST.get("comment", ""))
        return render(request, "portal/nps.html", context, status=exc.status)
    return render(request, "portal/nps.html", {"survey": survey, "thanks": True})
