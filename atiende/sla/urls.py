from django.urls import path

from . import views

app_name = "sla"
urlpatterns = [path("cumplimiento/", views.attainment_view, name="attainment")]
