from django.urls import path

from . import views

app_name = "branding"

urlpatterns = [
    path("estilo.css", views.stylesheet_view, name="css"),
    path("logo", views.logo_view, name="logo"),
]
