from django.urls import path, register_converter

from atiende.api.ids import IdConverter

from . import (
    appointment_views,
    arco_views,
    call_views,
    deflection_views,
    guide_views,
    notice_views,
    preference_views,
    returns_views,
    survey_views,
    views,
)

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
    path("nueva/sugerencias/", deflection_views.request_suggestions_view, name="suggestions"),
    path("nueva/resuelta/", deflection_views.deflection_view, name="deflect"),
    path("guias/", guide_views.guide_list_view, name="guides"),
    path("guias/<portal_number:guide_id>/", guide_views.guide_view, name="guide"),
    path("guias/<portal_number:guide_id>/fin/", guide_views.guide_end_view, name="guide-end"),
    path("productos/", views.products_view, name="products"),
    path("devoluciones/", returns_views.rma_list_view, name="rmas"),
    path("mis-datos/", arco_views.arco_view, name="arco"),
    path("preferencias/", preference_views.preferences_view, name="preferences"),
    path("devoluciones/<portal_number:rma_id>/", returns_views.rma_detail_view, name="rma"),
    path("citas/", appointment_views.appointments_view, name="appointments"),
    path("citas/nueva/", appointment_views.appointment_types_view, name="appointment-types"),
    path("citas/nueva/<portal_number:type_id>/", appointment_views.appointment_book_view, name="appointment-book"),
    path("citas/<portal_number:appointment_id>/cambiar/", appointment_views.appointment_reschedule_view,
         name="appointment-reschedule"),
    path("citas/<portal_number:appointment_id>/cancelar/", appointment_views.appointment_cancel_view,
         name="appointment-cancel"),
    path("llamada/", call_views.callback_view, name="callback"),
    path("solicitudes/<portal_number:number>/llamada/", call_views.callback_requested_view, name="callback-requested"),
    path("solicitudes/<portal_number:number>/", views.request_view, name="request"),
    path("solicitudes/<portal_number:number>/recibida/", views.created_view, name="created"),
    path("solicitudes/<portal_number:number>/responder/", views.reply_view, name="reply"),
    path("solicitudes/<portal_number:number>/estado/", views.status_view, name="status"),
    path("encuesta/<str:token>/", survey_views.survey_view, name="survey"),
    path("avisos/baja/<str:token>/", notice_views.notice_unsubscribe_view, name="notice-unsubscribe"),
    path("avisos/<str:token>/", notice_views.notice_read_view, name="notice-read"),
    path("recomendacion/<str:token>/", survey_views.nps_view, name="nps"),
]
