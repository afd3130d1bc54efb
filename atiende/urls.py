from django.contrib import admin
from django.urls import include, path

from atiende.core import views as core_views
from atiende.portal import help_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("api/v1/", include("atiende.api.urls")),
    path("cuenta/", include("atiende.accounts.urls")),
    path("cuenta/", include("atiende.signin.urls")),
    path("bandeja/", include("atiende.workspace.urls")),
    path("tickets/", include("atiende.tickets.urls")),
    path("clientes/", include("atiende.workspace.customer_urls")),
    path("soporte/", include("atiende.portal.urls")),
    path("ayuda/", include("atiende.portal.help_urls")),
    path("privacidad/", include("atiende.portal.privacy_urls")),
    path("sitemap.xml", help_views.sitemap_view, name="sitemap"),
    path("marca/", include("atiende.branding.urls")),
    path("en-vivo/", include("atiende.live.urls")),
    path("sla/", include("atiende.sla.urls")),
    path("chat/", include("atiende.chat.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]

handler400 = "atiende.core.errors.handler400"
handler403 = "atiende.core.errors.handler403"
handler404 = "atiende.core.errors.handler404"
handler500 = "atiende.core.errors.handler500"
