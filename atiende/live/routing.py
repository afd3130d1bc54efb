"""Websocket routes, mounted by atiende.asgi (a reverse proxy must pass upgrades on /ws/)."""

from django.urls import path

from .consumers import InboxConsumer, TicketConsumer

websocket_urlpatterns = [
    path("ws/tickets/<int:ticket_id>/", TicketConsumer.as_asgi(), name="ticket"),
    path("ws/inbox/", InboxConsumer.as_asgi(), name="inbox"),
]
