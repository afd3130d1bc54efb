from django.urls import path

from . import views

app_name = "tickets"

urlpatterns = [
    path("", views.ticket_list_view, name="list"),
    path("adjuntos/<str:public_id>/", views.attachment_view, name="attachment"),
    path("<int:number>/", views.ticket_detail_view, name="detail"),
    path("<int:number>/conversacion/", views.timeline_since_view, name="timeline-since"),
    path("<int:number>/responder/", views.reply_view, name="reply"),
    path("<int:number>/propiedades/", views.properties_view, name="properties"),
    path("<int:number>/tomar/", views.take_view, name="take"),
    path("<int:number>/asignar/", views.assign_view, name="assign"),
    path("<int:number>/referir/", views.refer_view, name="refer"),
    path("<int:number>/fusionar/", views.merge_view, name="merge"),
    path("<int:number>/vincular/", views.link_view, name="link"),
    path("<int:number>/copiados/<int:copied_id>/agregar/", views.copied_confirm_view, name="copied-confirm"),
    path("<int:number>/copiados/<int:copied_id>/descartar/", views.copied_dismiss_view, name="copied-dismiss"),
    path("<int:number>/mensajes/<int:message_id>/original/", views.message_original_view, name="message-original"),
]
