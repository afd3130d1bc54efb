from django.urls import path

from . import views

app_name = "live"

urlpatterns = [
    path("tickets/<int:ticket_id>/", views.ticket_state_view, name="ticket-state"),
]
