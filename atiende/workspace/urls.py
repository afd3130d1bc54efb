from django.urls import path, register_converter

from atiende.api.ids import IdConverter

from . import (
    asset_views,
    call_views,
    chat_views,
    customer_merge_views,
    kb_views,
    macro_views,
    routing_views,
    views,
)

app_name = "workspace"

register_converter(IdConverter, "kb_id")  # bounded: a 30-digit id is a 404, not an overflow

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
    path("base/", kb_views.kb_list_view, name="kb-list"),
    path("base/nuevo/", kb_views.kb_new_view, name="kb-new"),
    path("base/desde-respuesta/", kb_views.kb_new_view, name="article-from-answer"),
    path("base/<kb_id:article_id>/", kb_views.kb_edit_view, name="kb-edit"),
    path("base/<kb_id:article_id>/revisiones/", kb_views.kb_revisions_view, name="kb-revisions"),
    path("base/<kb_id:article_id>/revisiones/<kb_id:number>/restaurar/", kb_views.kb_restore_view, name="kb-restore"),
    path("base/<kb_id:article_id>/adjuntos/", kb_views.kb_attachment_view, name="kb-attachment"),
    path("llamadas/nueva/", call_views.call_log_view, name="call-log"),
    path("llamadas/avisos/", call_views.caller_notices_view, name="caller-notices"),
    path("chat/", chat_views.chat_queue_view, name="chat-queue"),
    path("chat/filas/", chat_views.chat_queue_rows_view, name="chat-queue-rows"),
    path("chat/<int:session_id>/aceptar/", chat_views.chat_accept_view, name="chat-accept"),
    path("chat/<int:session_id>/transferir/", chat_views.chat_transfer_view, name="chat-transfer"),
    path("chat/<int:session_id>/terminar/", chat_views.chat_end_view, name="chat-end"),
    path("tickets/<int:number>/nivel/", routing_views.ticket_tier_view, name="ticket-tier"),
    path("consultas/", routing_views.consultations_view, name="consultations"),
    path("disponibilidad/", routing_views.availability_view, name="availability"),
    path("macros/elegir/<int:number>/", macro_views.macro_picker_view, name="macro-picker"),
    path("macros/<int:macro_id>/vista-previa/<int:number>/", macro_views.macro_preview_view, name="macro-preview"),
    path("macros/<int:macro_id>/aplicar/<int:number>/", macro_views.macro_apply_view, name="macro-apply"),
    path("productos/", asset_views.product_list_view, name="product-list"),
    path("productos/nuevo/", asset_views.product_new_view, name="product-new"),
    path("productos/<kb_id:product_id>/", asset_views.product_edit_view, name="product-edit"),
    path("activos/", asset_views.asset_list_view, name="asset-list"),
    path("activos/nuevo/", asset_views.asset_new_view, name="asset-new"),
    path("activos/importar/", asset_views.asset_import_view, name="asset-import"),
    path("activos/<kb_id:asset_id>/", asset_views.asset_detail_view, name="asset-detail"),
    path("activos/<kb_id:asset_id>/editar/", asset_views.asset_edit_view, name="asset-edit"),
    path("tickets/<kb_id:number>/productos/", asset_views.ticket_assets_view, name="ticket-assets"),
    path("clientes/<kb_id:customer_id>/productos/", asset_views.customer_assets_view, name="customer-assets"),
    path("clientes/<int:customer_id>/fusionar/", customer_merge_views.customer_merge_panel_view, name="customer-merge"),
    path("clientes/<int:customer_id>/fusionar/confirmar/", customer_merge_views.customer_merge_view,
         name="customer-merge-confirm"),
    path("clientes/fusiones/<int:merge_id>/deshacer/", customer_merge_views.customer_merge_undo_view,
         name="customer-merge-undo"),
]
