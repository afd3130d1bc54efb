from django.urls import path, register_converter

from atiende.api.ids import IdConverter

from . import call_views, views

app_name = "portal"

# Request numbers from the URL are bounded to 18 digits (SQLite overflows past 64 bits): a longer
# one is simply not found.
register_converter(IdConverter, "portal_number")

urlpatterns = [
    path("", views.home_view, name="home"),
    path("entrar/", views.login_view, name="login"),
    path("entrar/enlace/", views.link_request_view, name="link-request"),
    path("entrar/enlace/<str:token>/", views.link_view, name="link"),
    path("salir/", views.logout_view, name="logout"),
    path("registro/", views.signup_view, name="signup"),
    path("registro/confirmar/<str:token>/", views.signup_confirm_view, name="signup-confirm"),
    path("nueva/", views.new_view, name="new"),
    path("productos/", views.products_view, name="products"),
    path("llamada/", call_views.callback_view, name="callback"),
    path("solicitudes/<portal_number:number>/llamada/", call_views.callback_requested_view, name="callback-requested"),
    path("solicitudes/<portal_number:number>/", views.request_view, name="request"),
    path("solicitudes/<portal_number:number>/recibida/", views.created_view, name="created"),
    path("solicitudes/<portal_number:number>/responder/", views.reply_view, name="reply"),
    path("solicitudes/<portal_number:number>/estado/", views.status_view, name="status"),
]
