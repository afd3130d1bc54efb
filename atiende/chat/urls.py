"""The widget's endpoints, mounted at /chat/ (the websocket is /ws/chat/<id>/, chat.routing)."""

from django.urls import path, re_path

from . import api

app_name = "chat"

urlpatterns = [
    path("api/sites/<str:key>/", api.site_view, name="site"),
    path("api/sites/<str:key>/sessions/", api.session_start_view, name="sessions"),
    path("api/sessions/<str:public_id>/messages/", api.messages_view, name="messages"),
    path("api/sessions/<str:public_id>/files/", api.files_view, name="files"),
    path("api/sessions/<str:public_id>/files/<uuid:file_id>/", api.file_view, name="file"),
    re_path(r"^api/sessions/(?P<public_id>[^/]+)/(?P<action>typing|read|transcript|end|page)/$", api.action_view,
            name="action"),
]
