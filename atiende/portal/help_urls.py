from django.urls import path

from . import help_views

app_name = "help"

urlpatterns = [
    path("", help_views.help_home_view, name="home"),
    path("buscar/", help_views.help_search_view, name="search"),
    path("categoria/<slug:slug>/", help_views.help_category_view, name="category"),
    path("articulo/<slug:slug>/", help_views.help_article_view, name="article"),
    path("articulo/<slug:slug>/voto/", help_views.help_vote_view, name="vote"),
    path("adjuntos/<str:public_id>/", help_views.help_attachment_view, name="attachment"),
    path("sitemap.xml", help_views.sitemap_view, name="sitemap"),
]
