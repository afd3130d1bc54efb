from django.urls import path

from . import privacy_views

app_name = "privacy"

urlpatterns = [
    path("", privacy_views.notice_view, name="notice"),
    path("version/<str:version>/", privacy_views.notice_version_view, name="version"),
    path("enterado/", privacy_views.notice_accept_view, name="accept"),
]
