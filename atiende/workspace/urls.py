from django.urls import path

from . import call_views, chat_views, customer_merge_views, macro_views, views

app_name = "workspace"

urlpatterns = [
    path("", views.inbox_view, name="inbox"),
    path("filas/", views.inbox_rows_view, name="inbox-rows"),
    path("conteos/", views.view_counts_view, name="view-counts"),
    path("acciones/", views.bulk_view, name="bulk"),
    path("vistas/", views.view_create_view, name="view-create"),
    path("vistas/<int:view_id>/", views.view_edit_view, name="view-edit"),
    path("vistas/<int:view_id>/borrar/", views.view_delete_view, name="view-delete"),
    path("buscar/", views.search_view, name="search"),
    path("buscar/sugerencias/", views.search_suggestions_view, name="search-suggestions"),
    path("llamadas/nueva/", call_views.call_log_view, name="call-log"),
    path("llamadas/avisos/", call_views.caller_notices_view, name="caller-notices"),
    path("chat/", chat_views.chat_queue_view, name="chat-queue"),
    path("chat/filas/", chat_views.chat_queue_rows_view, name="chat-queue-rows"),
    path("chat/<int:session_id>/aceptar/", chat_views.chat_accept_view, name="chat-accept"),
    path("chat/<int:session_id>/transferir/", chat_views.chat_transfer_view, name="chat-transfer"),
    path("chat/<int:session_id>/terminar/", chat_views.chat_end_view, name="chat-end"),
    path("macros/elegir/<int:number>/", macro_views.macro_picker_view, name="macro-picker"),
    path("macros/<int:macro_id>/vista-previa/<int:number>/", macro_views.macro_preview_view, name="macro-preview"),
    path("macros/<int:macro_id>/aplicar/<int:number>/", macro_views.macro_apply_view, name="macro-apply"),
    path("clientes/<int:customer_id>/fusionar/", customer_merge_views.customer_merge_panel_view, name="customer-merge"),
    path("clientes/<int:customer_id>/fusionar/confirmar/", customer_merge_views.customer_merge_view,
         name="customer-merge-confirm"),
    path("clientes/fusiones/<int:merge_id>/deshacer/", customer_merge_views.customer_merge_undo_view,
         name="customer-merge-undo"),
]
