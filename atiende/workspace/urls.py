from django.urls import path

from . import views

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
]
