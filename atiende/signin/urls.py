from django.urls import path

from . import views

app_name = "signin"

urlpatterns = [
    path("dos-pasos/", views.verify_view, name="verify"),
    path("dos-pasos/activar/", views.enrol_view, name="enrol"),
    path("contrasena/olvide/", views.password_reset_view, name="password-reset"),
    path("contrasena/nueva/<str:uidb64>/<str:token>/", views.password_reset_confirm_view, name="password-reset-confirm"),
    path("sso/entrar/", views.sso_start_view, name="sso-start"),
    path("sso/respuesta/", views.sso_callback_view, name="sso-callback"),
]
