from django.urls import path

from . import views

app_name = "tickets"

urlpatterns = [
    path("", views.ticket_list_view, name="list"),
    path("adjuntos/<str:public_id>/", views.attachment_view, name="attachment"),
]
